"""The statistics' periodic work: the snapshots of the country's and the provinces' figures."""

from __future__ import annotations

from app.scheduler.registry import PeriodicTask
from blueprints.statistics import snapshots


def refresh_statistics() -> str:
    return f"statistics snapshots refreshed: {snapshots.refresh()}"


TASKS = (PeriodicTask("refresh_statistics", refresh_statistics, snapshots.REFRESH),)
