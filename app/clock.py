"""The one source of "now", so that tests can travel in time (time-machine patches it)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Naive UTC: what every DateTime column stores, on SQLite and PostgreSQL alike."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_today() -> date:
    """Today in the business time zone (deadlines are counted in China's calendar days)."""
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    return datetime.now(UTC).astimezone(tz).date()
