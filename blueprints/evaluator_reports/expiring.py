"""Registrations expiring within 30, 60 or 90 days: approved ones whose expiry falls between
today and the horizon, with the person, the body, the grade, the number, the expiry and
whether the person already has the grade renewed (a later registration approved or waiting).
Searched by name or number, filtered by body and grade, sorted by its columns, paged, and in
Excel — exactly the rows the filters give."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from app.clock import local_today
from app.region_lists import Column, cells
from blueprints.evaluator_reports.filters import WITHIN_DAYS, ExpiringFilterForm, read
from blueprints.evaluators import register_list
from blueprints.evaluators.register_list import searched, with_names
from models import EvaluatorRegistration, RecordStatus, RegistrationGrade

R = EvaluatorRegistration


def _renewal() -> sa.ScalarSelect[Any]:
    """The status of the person's later registration in the grade (approved before waiting),
    None when there is none: read with the row, in the same SELECT."""
    later = aliased(EvaluatorRegistration)
    return (
        sa.select(later.status)
        .where(
            later.user_id == R.user_id,
            later.grade == R.grade,
            later.id != R.id,
            later.expires_on > R.expires_on,
            later.status != RecordStatus.RETURNED,
        )
        .order_by(sa.case((later.status == RecordStatus.APPROVED, 0), else_=1))
        .limit(1)
        .correlate(R)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class Asked:
    form: ExpiringFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]
    within: int


def asked(args: Any) -> Asked:
    form = ExpiringFilterForm(args)
    filters = read(form, args)
    values = filters.values
    within = int(values["within"]) if values["within"] else WITHIN_DAYS[-1]
    today = local_today()
    renewal = _renewal()
    query = searched(with_names().add_columns(renewal.label("renewal")), values["q"]).where(
        R.status == RecordStatus.APPROVED,
        R.expires_on >= today,
        R.expires_on <= today + timedelta(days=within),
    )
    if filters.body_id is not None:
        query = query.where(R.body_id == filters.body_id)
    if values["grade"]:
        query = query.where(R.grade == RegistrationGrade(values["grade"]))
    if values["unrenewed"]:
        query = query.where(renewal.is_(None))
    # The register's sorting: by name, body, grade, number, expiry (the soonest first).
    sort = register_list.SORTING.asked()
    return Asked(form, register_list.SORTING.apply(query, sort), sort, filters.given, within)


@dataclass(frozen=True)
class Line(register_list.Line):
    days_left: int = 0
    renewal: RecordStatus | None = None

    @property
    def renewal_title(self) -> str:
        return str(self.renewal.title) if self.renewal else str(_l("Not renewed"))


def lines(rows: Iterable[Any], today: date | None = None) -> Iterator[Line]:
    today = today or local_today()
    for row in rows:
        line = register_list.line_of(row)
        yield Line(
            **dataclasses.asdict(line),
            days_left=(line.expires - today).days,
            renewal=RecordStatus(row.renewal) if row.renewal else None,
        )


COLUMNS = (
    Column(_l("Name"), "person"),
    Column(_l("Evaluation body"), "body"),
    Column(_l("Registration"), "grade"),
    Column(_l("Registration certificate number"), "number"),
    Column(_l("Expires on"), "expires"),
    Column(_l("Days left"), "days_left"),
    Column(_l("Renewal"), "renewal_title"),
)


def rows_of(rows: Iterable[Any]) -> Iterator[list[Any]]:
    today = local_today()
    return (cells(line, COLUMNS) for line in lines(rows, today))
