"""The one source of "now", so that tests can travel in time.

In-process tests patch it with time-machine. The browser suite drives a separate server
process, so it moves that process's clock with TEST_CLOCK_FILE: a file holding a number of
days to add. config.build refuses the setting outside the testing profile, and the clock checks
again, so a production server can never be moved.
"""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def _now() -> datetime:
    now = datetime.now(UTC)
    if has_app_context() and current_app.testing:
        path = current_app.config.get("TEST_CLOCK_FILE")
        if path:
            now += test_clock_offset(Path(path))
    return now


def test_clock_offset(path: Path) -> timedelta:
    """The offset in the file (days, may be fractional); none while the file is absent."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return timedelta(0)
    return timedelta(days=float(text or 0))


def utcnow() -> datetime:
    """Naive UTC: what every DateTime column stores, on SQLite and PostgreSQL alike."""
    return _now().replace(tzinfo=None)


def local_today() -> date:
    """Today in the business time zone (deadlines are counted in China's calendar days)."""
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    return _now().astimezone(tz).date()


def local_time(moment: datetime | None) -> datetime | None:
    """A stored (naive UTC) moment as naive local time in the business time zone, for Excel
    cells and dates people read."""
    if moment is None:
        return None
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    return moment.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)


def utc_from_local(moment: datetime) -> datetime:
    """A naive local time in the business time zone as stored (naive UTC): the bounds of a
    local day compared with stored moments."""
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    return moment.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None)
