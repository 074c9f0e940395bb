"""The alliance's list of cases (/cases): searched by reference, the filer's name or the
organisation concerned, filtered by kind, state, handler and overdue, sorted by its columns,
paged with the filters kept, and in Excel — exactly the rows the filters give."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_time, local_today
from app.extensions import db
from app.forms import enum_options, filters_of, options
from app.list_sorting import Sorting, enum_order
from app.lists import given_of
from app.region_lists import Column, cells
from app.search import any_contains
from blueprints.cases.impartiality import HANDLER_ROLES
from models import (
    UNANSWERED_CASE_STATUSES,
    Case,
    CaseKind,
    CaseOutcome,
    CaseStatus,
    Organisation,
    User,
)

SEARCH_MAX = 100
UNASSIGNED = "none"

Concerned = sa.orm.aliased(Organisation, name="concerned")
Handler = sa.orm.aliased(User, name="handler")


def due_on() -> sa.ColumnElement[date]:
    """The deadline a case runs against now: acknowledgement, then the decision (and the
    response that follows it); none once answered."""
    return sa.case(
        (Case.status == CaseStatus.RECEIVED, Case.acknowledge_due_on),
        (Case.status.in_(UNANSWERED_CASE_STATUSES), Case.decide_due_on),
        else_=sa.null(),
    )


def overdue(today: date) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(Case.status == CaseStatus.RECEIVED, Case.acknowledge_due_on < today),
        sa.and_(Case.status.in_(UNANSWERED_CASE_STATUSES), Case.decide_due_on < today),
    )


def _handler_choices() -> list[Any]:
    people = db.session.execute(
        sa.select(User.id, User.name)
        .where(User.role.in_(HANDLER_ROLES), User.active.is_(True))
        .order_by(User.name, User.id)
        .limit(200)
    ).all()
    return options(
        [(UNASSIGNED, _l("No handler yet")), *((str(i), name) for i, name in people)],
        blank=_l("All"),
    )


class CaseFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Reference, name or organisation"), validators=[Optional(), Length(max=SEARCH_MAX)]
    )
    kind = SelectField(
        _l("Kind"), validators=[Optional()], choices=lambda: enum_options(CaseKind, blank=_l("All"))
    )
    status = SelectField(
        _l("State"),
        validators=[Optional()],
        choices=lambda: enum_options(CaseStatus, blank=_l("All")),
    )
    handler = SelectField(_l("Handler"), validators=[Optional()], choices=_handler_choices)
    overdue = SelectField(
        _l("Overdue"),
        validators=[Optional()],
        choices=lambda: options([("yes", _l("Overdue only"))], blank=_l("All")),
    )

    FILTERS = ("q", "kind", "status", "handler", "overdue", "sort")


SORTING = Sorting(
    keys={
        "reference": (Case.id,),
        "kind": (enum_order(Case.kind, CaseKind),),
        "concerned": (Concerned.name,),
        "received": (Case.received_at,),
        "due": (due_on(),),
        "status": (enum_order(Case.status, CaseStatus),),
        "handler": (Handler.name,),
    },
    default="-received",  # the newest first
    tiebreak=Case.id,
)


@dataclass(frozen=True)
class Asked:
    form: CaseFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]


def asked(args: Any) -> Asked:
    form = CaseFilterForm(args)
    values = filters_of(form)
    query = (
        sa.select(
            Case.id,
            Case.reference,
            Case.kind,
            Case.status,
            Case.outcome,
            Case.name,
            Case.received_at,
            due_on().label("due"),
            Concerned.name.label("concerned"),
            Handler.name.label("handler"),
        )
        .join(Concerned, Concerned.id == Case.concerned_id)
        .outerjoin(Handler, Handler.id == Case.handler_id)
    )
    term = (values["q"] or "").strip()
    if term:
        query = query.where(any_contains(term, Case.reference, Case.name, Concerned.name))
    if values["kind"]:
        query = query.where(Case.kind == CaseKind(values["kind"]))
    if values["status"]:
        query = query.where(Case.status == CaseStatus(values["status"]))
    handler = values["handler"] or ""
    if handler == UNASSIGNED:
        query = query.where(Case.handler_id.is_(None))
    elif handler.isdigit() and len(handler) <= 10:
        query = query.where(Case.handler_id == int(handler))
    if values["overdue"] == "yes":
        query = query.where(overdue(local_today()))
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    id: int
    reference: str
    kind: CaseKind
    concerned: str
    filer: str
    received: datetime
    due: date | None
    status: CaseStatus
    outcome: CaseOutcome | None
    handler: str

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today


def lines(rows: Iterable[Any]) -> Iterator[Line]:
    for row in rows:
        yield Line(
            id=row.id,
            reference=row.reference,
            kind=row.kind,
            concerned=row.concerned,
            filer=row.name,
            received=local_time(row.received_at) or row.received_at,
            due=row.due,
            status=row.status,
            outcome=row.outcome,
            handler=row.handler or "",
        )


COLUMNS = (
    Column(_l("Reference"), "reference"),
    Column(_l("Kind"), "kind"),
    Column(_l("Concerning"), "concerned"),
    Column(_l("Filed by"), "filer"),
    Column(_l("Received"), "received"),
    Column(_l("Due"), "due"),
    Column(_l("State"), "status"),
    Column(_l("Outcome"), "outcome"),
    Column(_l("Handler"), "handler"),
)


def rows_of(rows: Iterable[Any]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(rows))
