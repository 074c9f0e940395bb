"""The register's periodic work: an approved registration's person and evaluation body are
reminded CERTPATH_EVALUATOR_REGISTRATION_REMINDER_DAYS before it expires (90 and 30 days), in
the app and by email in their language. Each registration remembers the nearest reminder it
had, so a rerun tells nobody twice (the notices' own keys hold that too); one first seen
within 30 days hears only the 30 days' one."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.clock import local_today
from app.events import announce
from app.extensions import db
from app.scheduler.registry import PeriodicTask
from app.workflow import SYSTEM
from models import EvaluatorRegistration, RecordStatus


def reminder_days() -> list[int]:
    return sorted(
        {int(days) for days in current_app.config["EVALUATOR_REGISTRATION_REMINDER_DAYS"]}
    )


def remind() -> int:
    days = reminder_days()
    if not days:
        return 0
    today = local_today()
    registrations = db.session.scalars(
        sa.select(EvaluatorRegistration)
        .where(
            EvaluatorRegistration.status == RecordStatus.APPROVED,
            EvaluatorRegistration.expires_on > today,
            EvaluatorRegistration.expires_on <= today + timedelta(days=max(days)),
            sa.or_(
                EvaluatorRegistration.reminded_days.is_(None),
                EvaluatorRegistration.reminded_days > min(days),
            ),
        )
        .order_by(EvaluatorRegistration.expires_on, EvaluatorRegistration.id)
    ).all()
    told = 0
    for registration in registrations:
        left = (registration.expires_on - today).days
        reached = min(d for d in days if left <= d)
        if registration.reminded_days is not None and registration.reminded_days <= reached:
            continue
        registration.reminded_days = reached
        db.session.flush()
        announce(
            "evaluator_registration.expiring",
            registration,
            SYSTEM,
            occurrence=(
                f"evaluator_registration:{registration.id}:{registration.expires_on}:T-{reached}"
            ),
            days_left=left,
        )
        told += 1
    return told


def remind_expiring_registrations() -> str:
    return f"evaluator registrations reminded: {remind()}"


TASKS = (
    PeriodicTask(
        "remind_expiring_evaluator_registrations",
        remind_expiring_registrations,
        timedelta(hours=6),
    ),
)
