"""The registrations of the register (/evaluators): the alliance's of every body, a body's of
its own people; searched by the person's name or the registration number, filtered by body,
grade, status and expiry within a number of days, sorted by their columns, paged with the
filters kept, and in Excel — exactly the rows the filters give."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from app.clock import local_today
from app.extensions import db
from app.forms import IntegerField, enum_options, filters_of, options
from app.list_sorting import Sorting, enum_order
from app.lists import given_of
from app.region_lists import Column, cells
from models import (
    EvaluatorRegistration,
    Organisation,
    OrgKind,
    RecordStatus,
    RegistrationGrade,
    User,
)

SEARCH_MAX = 100


def body_choices() -> list[Any]:
    """Every evaluation body, by name, after an "All" option (the reports' filter too)."""
    bodies = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.kind == OrgKind.EVALUATION_BODY)
        .order_by(Organisation.name)
    ).all()
    return options(((str(i), name) for i, name in bodies), blank=_l("All"))


class RegistrationSearchForm(FlaskForm):
    """The search of a list of registrations (GET, no CSRF): the register's, the alliance's
    report of those expiring. A value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name or registration number"), validators=[Optional(), Length(max=SEARCH_MAX)]
    )
    body = SelectField(_l("Evaluation body"), validators=[Optional()], choices=body_choices)
    grade = SelectField(
        _l("Registration"),
        validators=[Optional()],
        choices=lambda: enum_options(RegistrationGrade, blank=_l("All")),
    )


class RegisterFilterForm(RegistrationSearchForm):
    status = SelectField(
        _l("Status"),
        validators=[Optional()],
        choices=lambda: enum_options(RecordStatus, blank=_l("All")),
    )
    expiring = IntegerField(
        _l("Expiring within (days)"), validators=[Optional(), NumberRange(min=0, max=3650)]
    )

    FILTERS = ("q", "body", "grade", "status", "expiring", "sort")


SORTING = Sorting(
    keys={
        "name": (User.name,),
        "body": (Organisation.name,),
        "grade": (enum_order(EvaluatorRegistration.grade, RegistrationGrade),),
        "number": (EvaluatorRegistration.number,),
        "issued": (EvaluatorRegistration.issued_on,),
        "expires": (EvaluatorRegistration.expires_on,),
        "status": (enum_order(EvaluatorRegistration.status, RecordStatus),),
    },
    default="expires",  # the soonest to expire first
    tiebreak=EvaluatorRegistration.id,
)


def with_names() -> sa.Select:
    """Registrations with their person's name and their body's (searched, sorted, shown)."""
    return (
        sa.select(
            EvaluatorRegistration,
            User.name.label("person"),
            Organisation.name.label("body_name"),
        )
        .join(User, User.id == EvaluatorRegistration.user_id)
        .join(Organisation, Organisation.id == EvaluatorRegistration.body_id)
    )


def searched(query: sa.Select, term: str | None) -> sa.Select:
    """``query`` narrowed to the person's name or the registration number containing
    ``term`` (its wildcards taken literally)."""
    term = (term or "").strip()
    if not term:
        return query
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return query.where(
        sa.or_(
            User.name.ilike(pattern, escape="\\"),
            EvaluatorRegistration.number.ilike(pattern, escape="\\"),
        )
    )


@dataclass(frozen=True)
class Asked:
    form: RegisterFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]


def asked(body_id: int | None, args: Any) -> Asked:
    """The registrations of ``body_id``'s people (None: every body's), narrowed by the filters,
    in the sort asked; the person and the body joined (searched, sorted and shown)."""
    form = RegisterFilterForm(args)
    if body_id is not None:
        form.body.choices = options([], blank=_l("All"))
    values = filters_of(form)
    query = with_names()
    if body_id is not None:
        query = query.where(EvaluatorRegistration.body_id == body_id)
    elif values["body"] and values["body"].isdigit():
        query = query.where(EvaluatorRegistration.body_id == int(values["body"]))
    query = searched(query, values["q"])
    if values["grade"]:
        query = query.where(EvaluatorRegistration.grade == RegistrationGrade(values["grade"]))
    if values["status"]:
        query = query.where(EvaluatorRegistration.status == RecordStatus(values["status"]))
    if values["expiring"] is not None:
        today = local_today()
        query = query.where(
            EvaluatorRegistration.expires_on >= today,
            EvaluatorRegistration.expires_on <= today + timedelta(days=values["expiring"]),
        )
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    id: int
    user_id: int
    person: str
    body: str
    grade: RegistrationGrade
    number: str
    issued: date
    expires: date
    status: RecordStatus


def line_of(row: Any) -> Line:
    """A row of ``with_names()`` as the list shows it."""
    r = row.EvaluatorRegistration
    return Line(
        id=r.id,
        user_id=r.user_id,
        person=row.person,
        body=row.body_name,
        grade=r.grade,
        number=r.number,
        issued=r.issued_on,
        expires=r.expires_on,
        status=r.status,
    )


def lines(rows: Iterable[Any]) -> Iterator[Line]:
    return (line_of(row) for row in rows)


COLUMNS = (
    Column(_l("Name"), "person"),
    Column(_l("Evaluation body"), "body"),
    Column(_l("Registration"), "grade"),
    Column(_l("Registration certificate number"), "number"),
    Column(_l("Issued on"), "issued"),
    Column(_l("Expires on"), "expires"),
    Column(_l("Status"), "status"),
)


def rows_of(rows: Iterable[Any]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(rows))
