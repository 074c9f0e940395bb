"""Server-side sessions: the signed cookie names a row, and signing out deletes the row.

Flask's session is a signed cookie, valid until it expires whatever the server knows; a copy
taken before sign-out would go on working. So every sign-in stores a row holding the hash of a
random token, and the cookie carries the token. The user loader finds the user through that
row in one indexed query (the one query it made anyway), so a deleted row is a signed-out
session, for every copy of the cookie, the remember-me cookie included.

Nothing is written per request: the expiry is fixed at sign-in, and the housekeeping task
deletes expired rows. Times are the machine's real clock rather than ``app.clock``: a session
lasts real hours, while the browser suite moves the business clock by months with its people
signed in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from flask_login.config import COOKIE_DURATION

from app.database import rows_affected
from app.extensions import db
from models import Notification, User, UserSession

# Where the loader leaves the unread count on the request's user (not a mapped attribute).
UNREAD_AT_SIGN_IN = "_certpath_unread_notifications"
TOKEN_BYTES = 32  # 256 bits from the system's CSPRNG: not guessable, not enumerable


def _now() -> datetime:
    """Naive UTC, like every DateTime column."""
    return datetime.now(UTC).replace(tzinfo=None)


def _hash(token: str) -> str:
    # A plain digest is enough: the token is random, not a password (nothing to brute-force).
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime(*, remember: bool) -> timedelta:
    """How long a session lasts: the session setting, or as long as the remember-me cookie
    (Flask-Login's REMEMBER_COOKIE_DURATION), which carries the same token."""
    if not remember:
        return timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", COOKIE_DURATION)
    return timedelta(seconds=duration) if isinstance(duration, int) else duration


def start(user: User, *, remember: bool) -> str:
    """Store a new session of ``user``; return its token (for the signed cookie only)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = _now()
    db.session.add(
        UserSession(
            token_hash=_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + lifetime(remember=remember),
        )
    )
    return token


def session_id(user: User, token: str) -> str:
    """What the cookies hold: ``<user id>:<auth version>:<token>``.

    The auth version stays in: bumping it (a password change, a deactivation) still voids
    every session of the user at once, without touching this table.
    """
    return f"{user.get_id()}:{token}"


def _parse(value: str) -> tuple[int, int, str] | None:
    parts = value.split(":", 2)
    if len(parts) != 3:
        return None  # a cookie from before server-side sessions, or not ours
    user_id, version, token = parts
    if not user_id.isdigit() or not version.isdigit() or not token:
        return None
    return int(user_id), int(version), token


def token_of(value: str | None) -> str | None:
    parsed = _parse(value) if value else None
    return parsed[2] if parsed else None


def load(value: str) -> User | None:
    """The user of a live session, or None: unknown, ended or expired session, an old auth
    version, a deactivated account."""
    parsed = _parse(value)
    if parsed is None:
        return None
    user_id, version, token = parsed
    # The organisation comes along: is_active reads it, and most pages name it; so does the
    # count of unread notifications, which every signed-in page shows in its top bar.
    found = db.session.execute(
        _live_session(), {"token_hash": _hash(token), "user_id": user_id, "now": _now()}
    ).first()
    if found is None:
        return None
    user, unread = found
    if user.auth_version != version or not user.is_active:
        return None
    setattr(user, UNREAD_AT_SIGN_IN, unread)
    return user


@cache
def _live_session() -> sa.Select[tuple[User, int]]:
    # Built once, with its cache key: every signed-in request runs it (app/security/access.py
    # _project_statement says why).
    return (
        sa.select(User, _unread_count())
        .options(sa.orm.joinedload(User.organisation))
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == sa.bindparam("token_hash"),
            UserSession.user_id == sa.bindparam("user_id"),
            UserSession.expires_at > sa.bindparam("now"),
        )
    )


def _unread_count() -> sa.ScalarSelect[int]:
    return (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )


def unread_when_loaded(user: User) -> int | None:
    """The user's unread notifications as counted when this request loaded them (None: the
    user was loaded otherwise)."""
    unread: int | None = getattr(user, UNREAD_AT_SIGN_IN, None)
    return unread


def end(value: str | None) -> None:
    """Sign out the session named by ``value`` (a cookie's content), if it names one."""
    token = token_of(value)
    if token:
        db.session.execute(sa.delete(UserSession).where(UserSession.token_hash == _hash(token)))


def end_all(user: User) -> None:
    """Sign out every session of ``user`` (its password changed)."""
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))


def purge_expired() -> int:
    """Delete expired sessions; called by the scheduler's housekeeping."""
    return rows_affected(sa.delete(UserSession).where(UserSession.expires_at <= _now()))
