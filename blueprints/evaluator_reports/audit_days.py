"""The completed audits each body's people sat on and led, per completion day, kept by the
scheduler in ``evaluator_audit_days``.

Counting them on the spot joins every team row of the country's completed audits (some 170,000
at national scale: a third of a second per request); the report instead sums the kept days up
to the day asked. The report says as of when the days were counted, and counts on the spot
when they were never counted or are older than STATISTICS_SNAPSHOT_MAX_AGE_MINUTES (the
scheduler is down): the figures are never silently stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.clock import utcnow
from app.database import rows_affected
from app.extensions import db
from models import Audit, AuditTeamMember, BodyAuditDay, User

REFRESH = timedelta(minutes=30)


def team_rows(*, by_day: bool) -> sa.Select:
    """Completed audits' team rows per body (the people's organisation), and per completion
    day if ``by_day``: a team row each, as each person's record counts them; led, the lead's."""
    M = AuditTeamMember
    keys = [User.organisation_id, *([Audit.completed_on] if by_day else [])]
    return (
        sa.select(
            User.organisation_id.label("body_id"),
            *([Audit.completed_on.label("day")] if by_day else []),
            sa.func.count().label("done"),
            sa.func.count().filter(M.is_lead.is_(True)).label("led"),
        )
        .join(Audit, Audit.id == M.audit_id)
        .join(User, User.id == M.user_id)
        .where(Audit.completed_on.is_not(None), User.organisation_id.is_not(None))
        .group_by(*keys)
    )


def refresh() -> int:
    """Count every body's days again, replacing the kept ones whole in the scheduler's
    transaction; returns how many days were written."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Two runs at once (a run-once beside the leader) take turns, so that the later one's
        # DELETE sees the rows the earlier one wrote.
        db.session.execute(sa.text("LOCK TABLE evaluator_audit_days IN EXCLUSIVE MODE"))
    db.session.execute(sa.delete(BodyAuditDay))
    rows = team_rows(by_day=True).subquery()
    now = utcnow()
    insert = sa.insert(BodyAuditDay).from_select(
        ["body_id", "day", "done", "led", "computed_at"],
        sa.select(rows.c.body_id, rows.c.day, rows.c.done, rows.c.led, sa.literal(now)),
    )
    # SQLAlchemy reports an INSERT's row count only when asked to keep it.
    return max(rows_affected(insert.execution_options(preserve_rowcount=True)), 0)


def counted_at() -> datetime | None:
    """When the kept days were counted, if that is recent enough to read them."""
    at = db.session.scalar(sa.select(sa.func.max(BodyAuditDay.computed_at)))
    limit = timedelta(minutes=current_app.config["STATISTICS_SNAPSHOT_MAX_AGE_MINUTES"])
    if at is None or at < utcnow() - limit:
        return None
    return at


@dataclass(frozen=True)
class AuditCounts:
    query: sa.Subquery  # body_id, done, led
    counted_at: datetime | None  # None: counted on the spot


def per_body(as_of: date) -> AuditCounts:
    """Completed audits done and led per body up to ``as_of``: from the kept days when they
    are fresh, else counted on the spot."""
    at = counted_at()
    if at is not None:
        days = (
            sa.select(
                BodyAuditDay.body_id,
                sa.func.sum(BodyAuditDay.done).label("done"),
                sa.func.sum(BodyAuditDay.led).label("led"),
            )
            .where(BodyAuditDay.day <= as_of)
            .group_by(BodyAuditDay.body_id)
        )
        return AuditCounts(days.subquery("audits"), at)
    live = team_rows(by_day=False).where(Audit.completed_on <= as_of)
    return AuditCounts(live.subquery("audits"), None)
