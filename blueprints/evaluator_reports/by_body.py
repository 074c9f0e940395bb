"""Evaluators by body: per evaluation body, its people by registration grade and status on a
day — valid (approved, issued and not expired), waiting for approval, returned, expired (and
not renewed in the grade) — the lead-qualified among them, the training hours of that day's
year, and the completed audits its people sat on and led (summed from the scheduler's kept
days: blueprints/evaluator_reports/audit_days.py). One SELECT for every body."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.excel import Styled
from app.extensions import db
from blueprints.evaluator_reports import audit_days
from models import (
    EvaluatorRegistration,
    EvaluatorTraining,
    Organisation,
    OrgKind,
    RecordStatus,
    RegistrationGrade,
)

R = EvaluatorRegistration
STATES = (
    ("valid", _l("Valid")),
    ("waiting", _l("Waiting for approval")),
    ("returned", _l("Returned")),
    ("expired", _l("Expired")),
)


def valid_on(day: date) -> sa.ColumnElement[bool]:
    """A registration that counts on ``day``: approved, issued by then and not yet expired."""
    return sa.and_(R.status == RecordStatus.APPROVED, R.issued_on <= day, R.expires_on >= day)


def _flag(condition: sa.ColumnElement[bool], name: str) -> sa.Label[Any]:
    return sa.func.max(sa.case((condition, 1), else_=0)).label(name)


def _registrations(as_of: date) -> sa.Subquery:
    """Per body: its people counted per grade and state (a person once per grade and state,
    whatever the number of their registrations), and those valid in any grade."""
    person = (
        sa.select(
            R.body_id,
            R.user_id,
            R.grade,
            _flag(valid_on(as_of), "valid"),
            _flag(R.status == RecordStatus.SUBMITTED, "waiting"),
            _flag(R.status == RecordStatus.RETURNED, "returned"),
            _flag(sa.and_(R.status == RecordStatus.APPROVED, R.expires_on < as_of), "expired"),
        )
        .group_by(R.body_id, R.user_id, R.grade)
        .subquery("person")
    )
    states = {
        "valid": person.c.valid == 1,
        "waiting": person.c.waiting == 1,
        "returned": person.c.returned == 1,
        # Renewed in the grade: valid, no longer expired.
        "expired": sa.and_(person.c.expired == 1, person.c.valid == 0),
    }
    counts = [
        sa.func.count().filter(person.c.grade == grade, state).label(f"{grade.value}_{key}")
        for grade in RegistrationGrade
        for key, state in states.items()
    ]
    return (
        sa.select(
            person.c.body_id,
            sa.func.count(sa.distinct(person.c.user_id)).filter(states["valid"]).label("people"),
            *counts,
        )
        .group_by(person.c.body_id)
        .subquery("registrations")
    )


def _training(as_of: date) -> sa.Subquery:
    T = EvaluatorTraining
    return (
        sa.select(T.body_id, sa.func.sum(T.hours).label("hours"))
        .where(T.taken_on >= date(as_of.year, 1, 1), T.taken_on <= as_of)
        .group_by(T.body_id)
        .subquery("training")
    )


@dataclass(frozen=True)
class BodyLine:
    body_id: int | None  # None: the total of the bodies shown
    name: str
    code: str
    people: int
    grades: dict[str, int] = field(default_factory=dict)  # "lead_valid" → people
    hours: int = 0
    done: int = 0
    led: int = 0

    def count(self, grade: RegistrationGrade, state: str) -> int:
        return self.grades.get(f"{grade.value}_{state}", 0)

    @property
    def lead_qualified(self) -> int:
        return self.count(RegistrationGrade.LEAD, "valid")


KEYS = tuple(f"{grade.value}_{key}" for grade in RegistrationGrade for key, _t in STATES)


@dataclass(frozen=True)
class Report:
    lines: list[BodyLine]
    # When the audits were counted (the scheduler's kept days), None: counted on the spot.
    audits_counted_at: datetime | None


def report(as_of: date, body_id: int | None) -> Report:
    """Every evaluation body (or the one chosen), by code, then their total."""
    registrations, training = _registrations(as_of), _training(as_of)
    counts = audit_days.per_body(as_of)
    audits = counts.query
    query = (
        sa.select(
            Organisation.id,
            Organisation.name,
            Organisation.body_code,
            registrations,
            training.c.hours,
            audits.c.done,
            audits.c.led,
        )
        .outerjoin(registrations, registrations.c.body_id == Organisation.id)
        .outerjoin(training, training.c.body_id == Organisation.id)
        .outerjoin(audits, audits.c.body_id == Organisation.id)
        .where(Organisation.kind == OrgKind.EVALUATION_BODY)
        .order_by(Organisation.body_code, Organisation.name, Organisation.id)
    )
    if body_id is not None:
        query = query.where(Organisation.id == body_id)
    found = [
        BodyLine(
            body_id=row.id,
            name=row.name,
            code=row.body_code or "",
            people=row.people or 0,
            grades={key: getattr(row, key) or 0 for key in KEYS},
            hours=int(row.hours or 0),
            done=row.done or 0,
            led=row.led or 0,
        )
        for row in db.session.execute(query)
    ]
    return Report([*found, total(found)] if len(found) > 1 else found, counts.counted_at)


def total(found: Iterable[BodyLine]) -> BodyLine:
    """The sum of the bodies' lines: a person belongs to one body."""
    found = list(found)
    return BodyLine(
        body_id=None,
        name=str(_l("All bodies")),
        code="",
        people=sum(line.people for line in found),
        grades={key: sum(line.grades.get(key, 0) for line in found) for key in KEYS},
        hours=sum(line.hours for line in found),
        done=sum(line.done for line in found),
        led=sum(line.led for line in found),
    )


def header() -> list[str]:
    titles = [str(_l("Evaluation body")), str(_l("Body code")), str(_l("Evaluators"))]
    titles += [f"{grade.title} · {title}" for grade in RegistrationGrade for _k, title in STATES]
    titles += [
        str(_l("Lead-qualified")),
        str(_l("Training hours")),
        str(_l("Audits done")),
        str(_l("Audits led")),
    ]
    return titles


def rows_of(found: Iterable[BodyLine]) -> Iterator[list[Any]]:
    """The page's table as the Excel's rows; the total in bold."""
    for line in found:
        cells: list[Any] = [
            line.name,
            line.code,
            line.people,
            *(line.grades.get(key, 0) for key in KEYS),
            line.lead_qualified,
            line.hours,
            line.done,
            line.led,
        ]
        yield cells if line.body_id is not None else [Styled(c, bold=True) for c in cells]
