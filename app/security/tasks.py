"""Security housekeeping: forget sign-in failures older than the throttle window, and
sessions past their expiry."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from app.security import sessions
from app.security.throttle import purge_expired


def purge_login_failures() -> str:
    return f"purged: {purge_expired()}"


def purge_expired_sessions() -> str:
    # Expired rows already refuse their cookie; deleting them only keeps the table small.
    return f"purged: {sessions.purge_expired()}"


TASKS = (
    PeriodicTask("purge_login_failures", purge_login_failures, timedelta(hours=1)),
    PeriodicTask("purge_expired_sessions", purge_expired_sessions, timedelta(hours=1)),
)
