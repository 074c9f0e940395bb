"""Sign-in throttling per account and per address, counted in the database.

The counts live in a table rather than in process memory, so every gunicorn worker and every
node behind the proxy sees the same numbers.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.clock import utcnow
from app.database import rows_affected
from app.extensions import db
from models import LoginFailure


def _keys(email: str, address: str) -> tuple[str, str]:
    return f"account:{email.strip().lower()}", f"address:{address}"


def _window_start():
    return utcnow() - timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def is_throttled(email: str, address: str) -> bool:
    account_key, address_key = _keys(email, address)
    since = _window_start()
    counts: dict[str, int] = dict(
        db.session.execute(
            sa.select(LoginFailure.key, sa.func.count())
            .where(LoginFailure.key.in_([account_key, address_key]))
            .where(LoginFailure.occurred_at >= since)
            .group_by(LoginFailure.key)
        )
        .tuples()
        .all()
    )
    config = current_app.config
    return (
        counts.get(account_key, 0) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or counts.get(address_key, 0) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    )


def record_failure(email: str, address: str) -> None:
    now = utcnow()
    for key in _keys(email, address):
        db.session.add(LoginFailure(key=key[:300], occurred_at=now))


def clear_account(email: str) -> None:
    account_key, _ = _keys(email, "")
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.key == account_key))


def purge_expired() -> int:
    """Delete rows older than the window; called by the scheduler's housekeeping."""
    return rows_affected(sa.delete(LoginFailure).where(LoginFailure.occurred_at < _window_start()))
