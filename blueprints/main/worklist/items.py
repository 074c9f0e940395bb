"""What a work list is made of, and the one way its queries are capped.

A work list is read from the states of the objects themselves (a finding OPEN is an answer the
enterprise owes), never stored a second time. Each kind of item is one SELECT of the columns
its items show: no lazy loads, and a window ``count(*) OVER ()`` in the same query says how
many there are beyond the first ``LIMIT`` — so a list of 3 and one of 3,000 cost the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from blueprints.certificates.issued import surveillance_horizon
from models import Organisation, Project, ProjectStatus

# Items shown per kind; the rest are counted ("and 12 more") and, where a page lists them
# all, linked.
LIMIT = 20


@dataclass(frozen=True)
class WorkItem:
    what: str  # the task, in the reader's language
    whom: str  # the enterprise, the certificate or the audit it concerns
    url: str  # the page where it is done
    since: date | datetime | None = None
    due: date | None = None
    detail: str = ""

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today

    def since_day(self) -> date | None:
        """The day it started, in the business time zone (times are stored in UTC)."""
        if isinstance(self.since, datetime):
            zone = ZoneInfo(current_app.config["TIMEZONE"])
            return self.since.replace(tzinfo=UTC).astimezone(zone).date()
        return self.since


@dataclass(frozen=True)
class WorkList:
    key: str  # a stable name of the kind ("answer_findings"): anchors and tests
    title: str
    items: list[WorkItem]
    total: int
    more_url: str | None = None  # the full list, where a page has one
    waiting: bool = False  # waiting on another party: shown for information, not a to-do

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def capped(
    key: str,
    title: str,
    query: sa.Select[Any],
    item: Callable[[Any], WorkItem],
    *,
    more_url: str | None = None,
    waiting: bool = False,
) -> WorkList:
    """Run ``query`` (ordered, columns only) for the first LIMIT rows and the total count."""
    counted = query.add_columns(sa.func.count().over().label("total_count")).limit(LIMIT)
    rows = db.session.execute(counted).all()
    total = rows[0].total_count if rows else 0
    return WorkList(
        key=key,
        title=title,
        items=[item(row) for row in rows],
        total=total,
        more_url=more_url,
        waiting=waiting,
    )


def projects_where(*conditions: sa.ColumnElement[bool], extra: tuple = ()) -> sa.Select:
    """Projects matching ``conditions`` with their enterprise's name, longest waiting first."""
    return (
        sa.select(
            Project.id,
            Project.status,
            Project.status_changed_at,
            Organisation.name.label("enterprise"),
            *extra,
        )
        .join(Organisation, Organisation.id == Project.organisation_id)
        .where(*conditions)
        .order_by(Project.status_changed_at, Project.id)
    )


def expected_by(status: ProjectStatus, since: datetime | None) -> date | None:
    """When a step is expected to be done (STEP_EXPECTED_DAYS, as the timeline counts it)."""
    days = current_app.config["STEP_EXPECTED_DAYS"].get(status.value)
    if not days or since is None:
        return None
    return since.date() + timedelta(days=days)


# Surveillance shows from the first reminder on, as in the body's certificate list.
horizon = surveillance_horizon
