"""The declarations' periodic work: reminding who has not signed this year's declaration."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from blueprints.declarations import reminders


def remind_undeclared() -> str:
    return f"declaration reminders queued: {reminders.remind()}"


TASKS = (PeriodicTask("remind_undeclared_people", remind_undeclared, timedelta(hours=6)),)
