"""The evaluation body's certificates: those it issued, each with its next evaluation — a
paginated SELECT and one more for the next schedule items of the page's certificates."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from app.clock import local_today
from app.extensions import db
from app.search import name_matches
from blueprints.certificates.queries import register_query
from models import PENDING_SCHEDULE_STATUSES, Certificate, ScheduleItem

# "due": an evaluation falls due within the reminder window (or is overdue already);
# "overdue": its due date has passed.
SURVEILLANCE_FILTERS = ("due", "overdue")
SEARCH_MAX = 100


def surveillance_horizon() -> date:
    """Evaluations count as coming due from the first reminder on (90 days by default)."""
    return local_today() + timedelta(days=max(current_app.config["SURVEILLANCE_REMINDER_DAYS"]))


def _pending_due(before: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    return Certificate.id.in_(
        sa.select(ScheduleItem.certificate_id).where(
            ScheduleItem.status.in_(PENDING_SCHEDULE_STATUSES), before
        )
    )


def issued_by(
    body_id: int, *, status: str = "", surveillance: str = "", search: str = ""
) -> sa.Select[tuple[Certificate]]:
    """The body's certificates as the public register filters them by live status (superseded
    ones stand behind their reissue), plus the surveillance filter and one search box for the
    number or the enterprise's name."""
    query = (
        register_query(body_id=body_id, status=status, since=None, until=None).where(
            Certificate.body_id == body_id
        )  # also when the register would read 0 as "any"
    )
    if surveillance == "due":
        query = query.where(_pending_due(ScheduleItem.due_on <= surveillance_horizon()))
    elif surveillance == "overdue":
        query = query.where(_pending_due(ScheduleItem.due_on < local_today()))
    search = search.strip()
    if search:
        query = query.where(
            sa.or_(
                # Any part of the number: a body's staff type the serial they know.
                Certificate.number.contains(search.upper(), autoescape=True),
                name_matches(
                    Certificate.enterprise_name,
                    Certificate.name_tokens,
                    search,
                    initials=Certificate.name_initials,
                ),
            )
        )
    return query


def next_items(certificates: list[Certificate]) -> dict[int, ScheduleItem]:
    """Each certificate's earliest pending evaluation, in one query for the whole page."""
    ids = [c.id for c in certificates]
    if not ids:
        return {}
    found: dict[int, ScheduleItem] = {}
    for item in db.session.scalars(
        sa.select(ScheduleItem)
        .where(
            ScheduleItem.certificate_id.in_(ids),
            ScheduleItem.status.in_(PENDING_SCHEDULE_STATUSES),
        )
        .order_by(ScheduleItem.due_on, ScheduleItem.id)
    ):
        found.setdefault(item.certificate_id, item)
    return found
