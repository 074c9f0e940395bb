"""The background jobs. Each is idempotent: running it twice, or late, does no harm."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from app.clock import local_today
from app.extensions import db


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], str]
    every_seconds: int


def dispatch_outbox() -> str:
    from app.mail.dispatcher import dispatch_due

    result = dispatch_due()
    if result.skipped:
        return "no SMTP server configured"
    return f"sent {result.sent}, retry {result.retried}, dead {result.dead}"


def enforce_correction_deadlines() -> str:
    from blueprints.projects.services import expire_overdue_corrections

    return f"sent back to stage-2 planning: {expire_overdue_corrections()}"


def close_ended_publicity() -> str:
    from blueprints.publicity.services import close_batch
    from models import PublicityBatch

    batches = db.session.scalars(
        sa.select(PublicityBatch).where(
            PublicityBatch.closed_at.is_(None), PublicityBatch.ends_on < local_today()
        )
    )
    moved = sum(close_batch(batch, None) for batch in batches)
    return f"ready for the certificate: {moved}"


def expire_certificates() -> str:
    from blueprints.certificates.services import expire_due

    return f"expired: {expire_due()}"


def plan_reminders() -> str:
    from blueprints.surveillance.services import plan_reminders as plan

    return f"reminders queued: {plan()}"


def suspend_overdue() -> str:
    from blueprints.surveillance.services import suspend_overdue as suspend

    return f"suspended: {suspend()}"


def revoke_long_suspensions() -> str:
    from blueprints.surveillance.services import revoke_long_suspensions as revoke

    return f"revoked: {revoke()}"


def purge_login_failures() -> str:
    from app.security.throttle import purge_expired

    return f"purged: {purge_expired()}"


# Consequences before reminders, reminders before sending: one run leaves nothing half-done.
JOBS: tuple[Job, ...] = (
    Job("suspend_overdue", suspend_overdue, 3600),
    Job("revoke_long_suspensions", revoke_long_suspensions, 3600),
    Job("plan_reminders", plan_reminders, 3600),
    Job("dispatch_outbox", dispatch_outbox, 60),
    Job("enforce_correction_deadlines", enforce_correction_deadlines, 3600),
    Job("close_ended_publicity", close_ended_publicity, 900),
    Job("expire_certificates", expire_certificates, 3600),
    Job("purge_login_failures", purge_login_failures, 3600),
)
