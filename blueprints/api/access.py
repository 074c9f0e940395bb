"""Who calls the machine interface: a key in ``Authorization: Bearer``, or nobody (public).

A keyed endpoint names the scope it needs and, where it acts on what a person could see or do
in the web pages, that page's permission: the key's member then stands as the request's user,
so the web's own checks (permissions, object scopes, workflow guards) decide — never a second
copy of them. Calls are counted per key (per address for public ones) across every worker
(CERTPATH_RATELIMIT_STORAGE_URI) and answered with RateLimit and Retry-After headers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden, Unauthorized

from app import rate_limits
from app.extensions import login_manager
from app.problems import SaysWhy
from app.security.permissions import ACCESS_ATTRIBUTE, Permission, has_permission, public
from blueprints.api import keys
from models import ApiScope

F = TypeVar("F", bound=Callable[..., Any])


class ApiRefusal(SaysWhy, Unauthorized):
    pass


class ApiForbidden(SaysWhy, Forbidden):
    pass


def bearer_token() -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _caller() -> str:
    token = bearer_token()
    prefix = keys.prefix_of(token) if token else None
    return f"api-key:{prefix}" if prefix else f"api-address:{rate_limits.address()}"


def _key_limit() -> str:
    return current_app.config["API_KEY_RATE_LIMIT"]


def _public_limit() -> str:
    return current_app.config["API_PUBLIC_RATE_LIMIT"]


def anonymous() -> None:
    """before_request of the API: no session cookie stands for anyone here (a browser's cookie
    must not turn a cross-site request into a signed-in one)."""
    g._login_user = login_manager.anonymous_user()


def open_to_all(view: F) -> F:
    """Public: no key needed, counted per address."""
    return public(rate_limits.limited(_public_limit, key=_caller)(view))


def with_key(scope: ApiScope, permission: Permission | None = None) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            token = bearer_token()
            key = keys.authenticate(token) if token else None
            if key is None:
                raise ApiRefusal(
                    _("Send a valid, unexpired API key as: Authorization: Bearer cp_…")
                    if token is None
                    else _("This API key is not valid: unknown, expired or revoked.")
                )
            if not key.allows(scope):
                raise ApiForbidden(
                    _("This API key does not have the scope %(scope)s.", scope=scope.value)
                )
            member = key.created_by
            g._login_user = member
            g.api_key = key
            if permission is not None and not has_permission(member, permission):
                raise ApiForbidden(
                    _("The member this key acts for may not do this in Certpath either.")
                )
            return view(*args, **kwargs)

        limited = rate_limits.limited(_key_limit, key=_caller)(wrapped)
        setattr(limited, ACCESS_ATTRIBUTE, permission or scope)
        return cast(F, limited)

    return decorator
