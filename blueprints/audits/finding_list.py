"""An evaluation body's findings across its audits (/audits/findings): searched by enterprise
name or credit code, filtered by the audit's kind, the finding's kind (its severity), status
(still open, resolved, or one state) and the day it was logged, sorted by its columns, paged
with the filters kept, and in Excel — exactly the rows the filters give. An audit's own page
lists its findings one audit at a time; this is the body's overview of what is still open."""

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

from app.clock import local_time
from app.forms import DateField, enum_options, filters_of, options
from app.list_sorting import Sorting, enum_order
from app.lists import given_of, within_days
from app.region_lists import Column, cells
from app.search import organisation_matches
from models import (
    Audit,
    AuditKind,
    Finding,
    FindingKind,
    FindingStatus,
    Organisation,
    Project,
)

SEARCH_MAX = 100
UNRESOLVED, RESOLVED = "unresolved", "resolved"
# Waiting for the enterprise or for verification; the others need nothing more.
STILL_OPEN = (FindingStatus.OPEN, FindingStatus.ANSWERED)


def _status_choices() -> list[Any]:
    return options(
        ((UNRESOLVED, _l("Still open")), (RESOLVED, _l("Resolved"))), blank=_l("All")
    ) + enum_options(FindingStatus)


class FindingFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Enterprise name or credit code"), validators=[Optional(), Length(max=SEARCH_MAX)]
    )
    audit = SelectField(
        _l("Audit"),
        validators=[Optional()],
        choices=lambda: enum_options(AuditKind, blank=_l("All")),
    )
    kind = SelectField(
        _l("Kind"),
        validators=[Optional()],
        choices=lambda: enum_options(FindingKind, blank=_l("All")),
    )
    status = SelectField(_l("Status"), validators=[Optional()], choices=_status_choices)
    since = DateField(_l("Logged from"), validators=[Optional()])
    until = DateField(_l("Logged until"), validators=[Optional()])

    FILTERS = ("q", "audit", "kind", "status", "since", "until", "sort")


SORTING = Sorting(
    keys={
        "logged": (Finding.created_at,),
        "enterprise": (Organisation.name,),
        "audit": (enum_order(Audit.kind, AuditKind), Audit.starts_on),
        "kind": (enum_order(Finding.kind, FindingKind),),
        "clause": (Finding.clause_code,),
        "status": (enum_order(Finding.status, FindingStatus),),
        # No due date (an observation) sorts last, on SQLite and PostgreSQL alike.
        "due": (sa.func.coalesce(Finding.due_on, date(9999, 12, 31)),),
    },
    default="-logged",  # the newest first
    tiebreak=Finding.id,
)


@dataclass(frozen=True)
class Asked:
    form: FindingFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def asked(body: Organisation | None, args: Any) -> Asked:
    """The findings of the audits of ``body``'s projects (None: every body's), narrowed by
    the filters, in the sort asked; the audit, project and enterprise joined (searched, sorted
    and shown)."""
    form = FindingFilterForm(args)
    values = filters_of(form)
    query = (
        sa.select(
            Finding,
            Organisation.name.label("enterprise"),
            Organisation.credit_code,
            Project.id.label("project_id"),
        )
        .join(Audit, Audit.id == Finding.audit_id)
        .join(Project, Project.id == Audit.project_id)
        .join(Organisation, Organisation.id == Project.organisation_id)
        .options(sa.orm.contains_eager(Finding.audit))
    )
    if body is not None:
        query = query.where(Project.body_id == body.id)
    term = (values["q"] or "").strip()
    if term:
        query = query.where(organisation_matches(term))
    if values["audit"]:
        query = query.where(Audit.kind == AuditKind(values["audit"]))
    if values["kind"]:
        query = query.where(Finding.kind == FindingKind(values["kind"]))
    status = values["status"]
    if status == UNRESOLVED:
        query = query.where(Finding.status.in_(STILL_OPEN))
    elif status == RESOLVED:
        query = query.where(Finding.status.not_in(STILL_OPEN))
    elif status:
        query = query.where(Finding.status == FindingStatus(status))
    query = query.where(*within_days(Finding.created_at, values["since"], values["until"]))
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """A finding as the page and the Excel show it."""

    audit_id: int
    enterprise: str
    credit_code: str | None
    audit: AuditKind
    audit_starts: date
    kind: FindingKind
    clause: str
    description: str
    status: FindingStatus
    due: date | None
    logged: datetime | None
    closed: datetime | None


def lines(rows: Iterable[Any]) -> Iterator[Line]:
    """Lines of the query's rows: a finding (its audit loaded) and its enterprise's name."""
    for row in rows:
        f = row.Finding
        yield Line(
            audit_id=f.audit_id,
            enterprise=row.enterprise,
            credit_code=row.credit_code,
            audit=f.audit.kind,
            audit_starts=f.audit.starts_on,
            kind=f.kind,
            clause=f.clause_code,
            description=f.description,
            status=f.status,
            due=f.due_on,
            logged=local_time(f.created_at),
            closed=local_time(f.closed_at),
        )


COLUMNS = (
    Column(_l("Enterprise"), "enterprise"),
    Column(_l("Credit code"), "credit_code"),
    Column(_l("Audit"), "audit"),
    Column(_l("Audit starts"), "audit_starts"),
    Column(_l("Kind"), "kind"),
    Column(_l("Clause"), "clause"),
    Column(_l("Description"), "description"),
    Column(_l("Status"), "status"),
    Column(_l("Due date"), "due"),
    Column(_l("Logged"), "logged"),
    Column(_l("Closed on"), "closed"),
)


def rows_of(rows: Iterable[Any]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(rows))
