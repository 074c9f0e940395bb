"""The webhooks' periodic task: send the due deliveries until the queue is empty or the run's
budget (WEBHOOK_DISPATCH_BUDGET_SECONDS, under the one-minute interval) is spent."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from blueprints.webhooks.dispatcher import dispatch_due


def dispatch_webhooks() -> str:
    result = dispatch_due()
    summary = f"delivered {result.delivered}, retry {result.retried}, dead {result.dead}"
    return summary + (f", {result.deferred} left for the next run" if result.deferred else "")


TASKS = (PeriodicTask("dispatch_webhooks", dispatch_webhooks, timedelta(minutes=1)),)
