"""Errors of the machine interface as RFC 9457 problem details (application/problem+json).

Every refusal under /api/ — a view's, the router's, the rate limiter's, a lost race, a failed
database — leaves through ``app.errors.render_error``, which answers here for API paths: one
shape for a program to read, with a stable ``code`` and a ``title``/``detail`` in the caller's
language (Accept-Language).
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, json, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

API_PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"

# status → (stable code, title). The code is what a program tests; it never changes meaning.
_KINDS: dict[int, tuple[str, Any]] = {
    400: ("bad_request", _l("Bad request")),
    401: ("unauthorized", _l("A valid API key is required")),
    403: ("forbidden", _l("This key may not do that")),
    404: ("not_found", _l("Not found")),
    405: ("method_not_allowed", _l("Method not allowed")),
    409: ("conflict", _l("Conflict with the current state")),
    413: ("too_large", _l("Request too large")),
    415: ("unsupported_media_type", _l("Unsupported media type")),
    422: ("invalid_input", _l("Invalid input")),
    429: ("rate_limited", _l("Too many requests")),
    500: ("server_error", _l("Server error")),
    503: ("unavailable", _l("Service unavailable")),
}


class SaysWhy:
    """Mixed into an HTTPException whose description is written for the caller: the problem
    body carries it as ``detail`` (others get their status's generic words)."""


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem(
    status: int,
    detail: str | None = None,
    *,
    code: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    kind, title = _KINDS.get(status, _KINDS[500] if status >= 500 else _KINDS[400])
    body: dict[str, Any] = {
        "type": f"urn:certpath:problem:{code or kind}",
        "title": str(title),
        "status": status,
        "code": code or kind,
        "instance": request.path,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE
    )
    response.headers["Content-Language"] = _content_language()
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="certpath"'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _content_language() -> str:
    return str(get_locale() or "zh")


def _reason(error: Any) -> str:
    """pydantic's reason for refusing a value, in the caller's language (its own messages are
    English only)."""
    kind = error["type"]
    context = error.get("ctx") or {}
    reasons = {
        "missing": lambda: _("This value is required."),
        "extra_forbidden": lambda: _("This field is not known here."),
        "string_too_long": lambda: _(
            "At most %(count)s characters.", count=context.get("max_length")
        ),
        "string_too_short": lambda: _(
            "At least %(count)s characters.", count=context.get("min_length")
        ),
        "too_long": lambda: _("At most %(count)s items.", count=context.get("max_length")),
        "too_short": lambda: _("At least %(count)s items.", count=context.get("min_length")),
        "string_pattern_mismatch": lambda: _("This value does not have the expected form."),
        "greater_than_equal": lambda: _("At least %(value)s.", value=context.get("ge")),
        "less_than_equal": lambda: _("At most %(value)s.", value=context.get("le")),
        "enum": lambda: _("One of: %(values)s.", values=context.get("expected")),
    }
    if kind in reasons:
        return reasons[kind]()
    if kind.startswith(("date_", "datetime_")):
        return _("A date as YYYY-MM-DD.")
    if kind.startswith(("int_", "float_")):
        return _("A whole number.")
    if kind == "json_invalid" or kind.endswith("_type"):
        return _("This value does not have the expected type.")
    return _("This value is not valid.")


def validation_problem(error: ValidationError) -> Response:
    """pydantic's refusal of a path value, a query or a body (flask-openapi3 validates them)."""
    return problem(
        422,
        _("Some values were refused; see errors."),
        errors=[
            {
                "field": ".".join(str(part) for part in item["loc"]) or "body",
                "message": _reason(item),
            }
            for item in error.errors(include_url=False, include_input=False)
        ],
    )
