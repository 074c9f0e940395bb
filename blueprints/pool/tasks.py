"""The pool's periodic work: admissions whose publicity ended clean enter the pool."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from blueprints.pool.publicity import close_ended


def close_provider_publicity() -> str:
    return f"providers entered the pool: {close_ended()}"


TASKS = (PeriodicTask("close_provider_publicity", close_provider_publicity, timedelta(minutes=15)),)
