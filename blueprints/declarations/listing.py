"""The alliance's list of the people who declare (evaluators and alliance reviewers) and their
declaration of a year (/declarations/all): searched by name, filtered by organisation, role,
year and whether they declared, sorted by its columns, paged with the filters kept, and in
Excel — exactly the rows the filters give. A body's administrator sees its own evaluators."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.clock import local_time, local_today
from app.extensions import db
from app.forms import filters_of, options
from app.list_sorting import Sorting, enum_order
from app.lists import given_of
from app.region_lists import Column, cells
from blueprints.declarations.forms import NO, YES, DeclarationFilterForm
from blueprints.declarations.services import DECLARING_ROLES
from models import (
    ConflictOfInterest,
    ImpartialityDeclaration,
    Organisation,
    OrgKind,
    Role,
    User,
)

SORTING = Sorting(
    keys={
        "name": (User.name,),
        "organisation": (Organisation.name,),
        "role": (enum_order(User.role, Role),),
        "signed": (sa.func.coalesce(ImpartialityDeclaration.signed_at, datetime(1900, 1, 1)),),
    },
    default="name",
    tiebreak=User.id,
)


@dataclass(frozen=True)
class Asked:
    form: DeclarationFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]
    year: int


def _organisations() -> list[Any]:
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.kind.in_((OrgKind.EVALUATION_BODY, OrgKind.ALLIANCE)))
        .order_by(Organisation.name)
    ).all()
    return options(((str(i), name) for i, name in rows), blank=_l("All"))


def asked(body: Organisation | None, args: Any) -> Asked:
    """The people of ``body`` (None: everyone who declares) with their declaration of the year
    asked (this year by default) and the number of conflicts they declared."""
    form = DeclarationFilterForm(args)
    if body is None:
        form.body.choices = _organisations()
    else:
        form.body.choices = options(((str(body.id), body.name),), blank=_l("All"))
    values = filters_of(form)
    year = values["year"] or local_today().year
    conflicts = (
        sa.select(sa.func.count())
        .where(ConflictOfInterest.user_id == User.id)
        .correlate(User)
        .scalar_subquery()
        .label("conflicts")
    )
    query = (
        sa.select(
            User.id,
            User.name,
            User.role,
            Organisation.name.label("organisation"),
            ImpartialityDeclaration.signed_at,
            ImpartialityDeclaration.valid_until,
            ImpartialityDeclaration.pledge_version,
            conflicts,
        )
        .join(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(
            ImpartialityDeclaration,
            sa.and_(
                ImpartialityDeclaration.user_id == User.id, ImpartialityDeclaration.year == year
            ),
        )
        .where(User.role.in_(DECLARING_ROLES), User.active.is_(True))
    )
    if body is not None:
        query = query.where(User.organisation_id == body.id)
    elif values["body"]:
        query = query.where(User.organisation_id == int(values["body"]))
    term = (values["q"] or "").strip()
    if term:
        query = query.where(User.name.contains(term, autoescape=True))
    if values["role"]:
        query = query.where(User.role == Role(values["role"]))
    if values["declared"] == YES:
        query = query.where(ImpartialityDeclaration.id.is_not(None))
    elif values["declared"] == NO:
        query = query.where(ImpartialityDeclaration.id.is_(None))
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS), year)


@dataclass(frozen=True)
class Line:
    name: str
    organisation: str
    role: Role
    declared: Any
    signed: datetime | None
    valid_until: date | None
    version: str
    conflicts: int


def lines(rows: Iterable[Any]) -> Iterator[Line]:
    for row in rows:
        yield Line(
            name=row.name,
            organisation=row.organisation,
            role=row.role,
            declared=_l("Declared") if row.signed_at else _l("Not declared"),
            signed=local_time(row.signed_at),
            valid_until=row.valid_until,
            version=row.pledge_version or "",
            conflicts=row.conflicts,
        )


COLUMNS = (
    Column(_l("Name"), "name"),
    Column(_l("Organisation"), "organisation"),
    Column(_l("Role"), "role"),
    Column(_l("Declaration"), "declared"),
    Column(_l("Signed"), "signed"),
    Column(_l("Valid until"), "valid_until"),
    Column(_l("Pledge version"), "version"),
    Column(_l("Conflicts declared"), "conflicts"),
)


def rows_of(rows: Iterable[Any]) -> Iterator[list[Any]]:
    return (
        [str(c) if not isinstance(c, (int, date, type(None))) else c for c in cells(line, COLUMNS)]
        for line in lines(rows)
    )
