"""The public pages' limit per address (CERTPATH_PUBLIC_RATE_LIMIT, against scraping), counted
with flask-limiter's own strategy and storage — the same Redis, key prefix and windows — but
not through its decorator.

The decorator evaluates a limit generically on every request (exemption scopes, meta and
default limits, conditional deductions; the limit string parsed again) before and again inside
the view: measured at about a fifth of the time of a certificate's verification, the most
requested page, whose whole work is one indexed read. A public page needs one count per visit:
that is one call of the strategy here, the limit parsed once per setting.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app, g, request
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from app.extensions import limiter

COUNTED = "certpath_public_limit"  # on g: the count of this request, for the refusal's fields


@lru_cache(maxsize=8)
def _item(setting: str) -> RateLimitItem:
    return parse(setting)


def count_visit() -> None:
    """Count this visit against its address's allowance on this page; refuse it (429) once
    spent. The refusal tells the limit's fields (app/rate_limit_fields.py)."""
    if not limiter.enabled:
        return
    config = current_app.config
    item = _item(config["PUBLIC_RATE_LIMIT"])
    identifiers = [config["RATELIMIT_KEY_PREFIX"], get_remote_address(), request.endpoint or ""]
    allowed = limiter.limiter.hit(item, *identifiers)
    g.setdefault(COUNTED, RequestLimit(limiter, item, identifiers, not allowed, False))
    if not allowed:
        raise TooManyRequests()


def counted() -> RequestLimit | None:
    """The public limit this request was counted against, if any."""
    return g.get(COUNTED)
