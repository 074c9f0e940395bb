"""Surveillance's periodic work: the consequence of a missed evaluation, then the reminders."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from blueprints.surveillance import reminders


def suspend_overdue() -> str:
    return f"suspended: {reminders.suspend_overdue()}"


def plan_reminders() -> str:
    return f"reminders queued: {reminders.plan_reminders()}"


# Consequences before reminders: nobody is reminded of an evaluation already missed.
TASKS = (
    PeriodicTask("suspend_overdue", suspend_overdue, timedelta(hours=1)),
    PeriodicTask("plan_reminders", plan_reminders, timedelta(hours=1)),
)
