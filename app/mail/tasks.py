"""The outbox's periodic task: send what is due, batch after batch, until the queue is empty
or the run's budget (MAIL_DISPATCH_BUDGET_SECONDS, under the one-minute interval) is spent."""

from __future__ import annotations

from datetime import timedelta

from app.mail.dispatcher import dispatch_due
from app.scheduler.registry import PeriodicTask


def dispatch_outbox() -> str:
    result = dispatch_due()
    if result.skipped:
        return "no SMTP server configured"
    return f"sent {result.sent}, retry {result.retried}, dead {result.dead}"


TASKS = (PeriodicTask("dispatch_outbox", dispatch_outbox, timedelta(minutes=1)),)
