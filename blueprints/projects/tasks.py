"""Projects' periodic work: the 6-month rule for major nonconformities (DOMAIN.md §3)."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from blueprints.projects.services import expire_overdue_corrections


def enforce_correction_deadlines() -> str:
    return f"sent back to stage-2 planning: {expire_overdue_corrections()}"


TASKS = (
    PeriodicTask("enforce_correction_deadlines", enforce_correction_deadlines, timedelta(hours=1)),
)
