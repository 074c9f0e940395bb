"""The roster's periodic work: import results nobody will open again are removed."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from blueprints.roster.results import forget_expired


def forget_old_import_results() -> str:
    return f"import results removed: {forget_expired()}"


TASKS = (PeriodicTask("forget_old_import_results", forget_old_import_results, timedelta(days=1)),)
