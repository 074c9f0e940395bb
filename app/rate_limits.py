"""Rate limits, counted by the ``limits`` library in the storage CERTPATH_RATELIMIT_STORAGE_URI
names (Redis across workers and nodes; memory for one process), in fixed windows.

Three things are limited: the public pages per address (against scraping), the API per key or
address, and an authority's account recoveries. Each is one count in the storage where the view
is entered — the public pages, the most requested of the system, pay one Redis round trip and
nothing else. (flask-limiter, used before, evaluated every limit generically on every request,
limited or not, before and again inside the view: a fifth of a certificate verification.)

A count that finds the allowance spent refuses the request with 429 (``RateLimited``); the
request's count is kept on ``g`` for the RateLimit fields (app/rate_limit_fields.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, make_response, request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from app.config import ConfigError

EXTENSION = "certpath.rate_limits"
COUNTED = "certpath_rate_limit"  # on g: the count of this request
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Counted:
    """One count of a request against one limit: what its RateLimit fields tell."""

    item: RateLimitItem
    identifiers: tuple[str, ...]

    def window(self) -> tuple[float, int]:
        """When the window ends (seconds since the epoch), and what remains in it."""
        stats = _state().strategy.get_window_stats(self.item, *self.identifiers)
        return stats.reset_time, stats.remaining


class RateLimited(TooManyRequests):
    """The allowance of ``counted`` is spent."""

    def __init__(self, counted: Counted) -> None:
        super().__init__()
        self.counted = counted


@dataclass(frozen=True)
class _State:
    storage: Storage
    strategy: FixedWindowRateLimiter


def address() -> str:
    """The caller's address (ProxyFix has put the proxy's client address there)."""
    return request.remote_addr or "127.0.0.1"


@lru_cache(maxsize=32)
def _item(setting: str) -> RateLimitItem:
    return parse(setting)


def enabled() -> bool:
    # Off only in tests that send thousands of requests from one address.
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _counting(setting: str, key: str, scope: str) -> Counted:
    """This request's count against ``setting`` (e.g. "60 per minute") for ``key`` in
    ``scope``, kept for its RateLimit fields."""
    counted = Counted(_item(setting), (current_app.config["RATELIMIT_KEY_PREFIX"], key, scope))
    g.setdefault(COUNTED, counted)
    return counted


def count(setting: str, key: str, scope: str) -> None:
    """Count this request; refuse it once the allowance is spent."""
    if not enabled():
        return
    counted = _counting(setting, key, scope)
    if not _state().strategy.hit(counted.item, *counted.identifiers):
        raise RateLimited(counted)


def limited(
    setting: Callable[[], str],
    key: Callable[[], str] = address,
    scope: str | None = None,
    deduct_when: Callable[[Response], bool] | None = None,
) -> Callable[[F], F]:
    """Limit a view to ``setting()`` per ``key()``, counted per view — or in ``scope``,
    shared by every view that names it. With ``deduct_when``, the allowance is only checked
    on the way in, and a request is counted when its response satisfies it (what was done
    counts, a refusal does not)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            where = scope or request.endpoint or view.__name__
            if deduct_when is None:
                count(setting(), key(), where)
                return view(*args, **kwargs)
            if not enabled():
                return view(*args, **kwargs)
            counted = _counting(setting(), key(), where)
            strategy = _state().strategy
            if not strategy.test(counted.item, *counted.identifiers):
                raise RateLimited(counted)
            response = make_response(view(*args, **kwargs))
            if deduct_when(response):
                strategy.hit(counted.item, *counted.identifiers)
            return response

        return cast(F, wrapped)

    return decorator


def counted() -> Counted | None:
    """The limit this request was counted against, if any."""
    return g.get(COUNTED)


def storage() -> Storage:
    return _state().storage


def _state() -> _State:
    state: _State = current_app.extensions[EXTENSION]
    return state


def init_app(app: Flask) -> None:
    store = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    if not isinstance(store, Storage):  # an async:// storage: the app is synchronous
        raise ConfigError(
            "CERTPATH_RATELIMIT_STORAGE_URI: a synchronous storage (redis://, memory://)"
        )
    app.extensions[EXTENSION] = _State(store, FixedWindowRateLimiter(store))
