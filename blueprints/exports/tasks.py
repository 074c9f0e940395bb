"""The exports' periodic tasks: run the waiting ones (every minute), delete the files past
EXPORT_RETENTION_HOURS (hourly)."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from blueprints.exports.jobs import expire, run_queued

TASKS = (
    PeriodicTask("run_exports", run_queued, timedelta(minutes=1)),
    PeriodicTask("expire_exports", expire, timedelta(hours=1)),
)
