"""The reports' periodic work: counting each body's completed audits per day again
(blueprints/evaluator_reports/audit_days.py)."""

from __future__ import annotations

from app.scheduler.registry import PeriodicTask
from blueprints.evaluator_reports import audit_days


def count_audit_days() -> str:
    return f"evaluator audit days counted: {audit_days.refresh()}"


TASKS = (PeriodicTask("count_evaluator_audit_days", count_audit_days, audit_days.REFRESH),)
