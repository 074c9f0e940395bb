"""What complaints and appeals hand over: for alliance staff, the cases waiting for a handler
and those they handle (due by the acknowledgement, then the decision, deadline); for an
enterprise, its appeals under way (waiting on the alliance)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import (
    OPEN_CASE_STATUSES,
    UNANSWERED_CASE_STATUSES,
    Case,
    CaseKind,
    CaseStatus,
    Organisation,
    User,
)


def _cases(*conditions: sa.ColumnElement[bool]) -> sa.Select:
    due = sa.case(
        (Case.status == CaseStatus.RECEIVED, Case.acknowledge_due_on), else_=Case.decide_due_on
    )
    return (
        sa.select(
            Case.id,
            Case.reference,
            Case.kind,
            Case.status,
            Case.received_at,
            due.label("due"),
            Organisation.name.label("concerned"),
        )
        .join(Organisation, Organisation.id == Case.concerned_id)
        .where(*conditions)
        .order_by(due, Case.id)
    )


_NEXT = {
    CaseStatus.RECEIVED: lambda: _("Acknowledge receipt"),
    CaseStatus.ACKNOWLEDGED: lambda: _("Investigate and decide"),
    CaseStatus.DECIDED: lambda: _("Send the response"),
}


def _item(row, what: str) -> WorkItem:
    return WorkItem(
        what=what,
        whom=f"{row.kind.title} {row.reference} · {row.concerned}",
        url=url_for("cases.view", case_id=row.id),
        since=row.received_at,
        due=row.due,
    )


def for_staff(user: User) -> list[WorkList]:
    return [
        capped(
            "cases_to_assign",
            _("Complaints and appeals waiting for a handler"),
            _cases(Case.handler_id.is_(None), Case.status.in_(OPEN_CASE_STATUSES)),
            lambda row: _item(row, _("Name an impartial handler")),
            more_url=url_for("cases.index", handler="none"),
        ),
        capped(
            "cases_handled",
            _("Complaints and appeals you handle"),
            _cases(Case.handler_id == user.id, Case.status.in_(UNANSWERED_CASE_STATUSES)),
            lambda row: _item(row, _NEXT[row.status]()),
            more_url=url_for("cases.index", handler=str(user.id)),
        ),
    ]


def appeals_under_way(organisation_id: int | None) -> WorkList:
    """The organisation's appeals not answered yet (an enterprise's, or a provider's against
    its pool's authority): the alliance's to handle."""
    return capped(
        "appeals_under_way",
        _("Your appeals under way"),
        _cases(
            Case.kind == CaseKind.APPEAL,
            Case.enterprise_id == organisation_id,
            Case.status.in_(UNANSWERED_CASE_STATUSES),
        ),
        lambda row: _item(row, row.status.title),
        more_url=url_for("cases.mine"),
        waiting=True,
    )
