"""The API's periodic work: reminding organisations of keys about to expire."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from blueprints.api import expiry


def remind_expiring_keys() -> str:
    return f"keys reminded of: {expiry.remind()}"


TASKS = (PeriodicTask("remind_expiring_api_keys", remind_expiring_keys, timedelta(hours=1)),)
