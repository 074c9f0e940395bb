"""Security housekeeping: forget sign-in failures older than the throttle window."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from app.security.throttle import purge_expired


def purge_login_failures() -> str:
    return f"purged: {purge_expired()}"


TASKS = (PeriodicTask("purge_login_failures", purge_login_failures, timedelta(hours=1)),)
