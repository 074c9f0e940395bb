"""The enterprise's SME digital level evaluations (/diagnosis/sme-level): its own
self-evaluations only, searched by number or by who made them, filtered by grade and the day
evaluated, sorted by its columns, paged with the filters kept, and in Excel — exactly the rows
the filters give. (An on-site evaluation belongs to its engagement and is read there.)"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_time
from app.forms import DateField, filters_of, options
from app.list_sorting import Sorting
from app.lists import given_of, within_days
from app.region_lists import Column, cells
from blueprints.diagnosis import services, sme_level
from models import SmeLevelEvaluation, SmeLevelKind, User

SEARCH_MAX = 100


def _locale() -> str:
    return str(get_locale() or "zh")


def grade_title(table: sme_level.EvaluationTable, level: int) -> str:
    """The grade of ``level`` (0: none) in the reader's language."""
    if 1 <= level <= len(table.grades):
        return table.grades[level - 1].title.get(_locale())
    return table.no_grade.get(_locale())


def _grade_choices() -> list[Any]:
    table = sme_level.table(services.TABLE_KEY)
    levels = [*(g.level for g in table.grades), 0]  # the grades, then none
    return options(((str(level), grade_title(table, level)) for level in levels), blank=_l("All"))


class EvaluationFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(_l("Number or made by"), validators=[Optional(), Length(max=SEARCH_MAX)])
    grade = SelectField(_l("Grade"), validators=[Optional()], choices=_grade_choices)
    since = DateField(_l("Evaluated from"), validators=[Optional()])
    until = DateField(_l("Evaluated until"), validators=[Optional()])

    FILTERS = ("q", "grade", "since", "until", "sort")


SORTING = Sorting(
    keys={
        "number": (SmeLevelEvaluation.number,),
        "points": (SmeLevelEvaluation.total_points,),
        "grade": (SmeLevelEvaluation.grade_level, SmeLevelEvaluation.total_points),
        "by": (User.name,),
    },
    default="-number",  # the newest first
    tiebreak=SmeLevelEvaluation.id,
)


@dataclass(frozen=True)
class Asked:
    form: EvaluationFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def asked(organisation_id: int | None, args: Any) -> Asked:
    """The self-evaluations of the enterprise ``organisation_id`` (as services.own_evaluations),
    narrowed by the filters, in the sort asked; the maker joined (searched, sorted, shown)."""
    form = EvaluationFilterForm(args)
    values = filters_of(form)
    query = (
        sa.select(SmeLevelEvaluation)
        .join(User, User.id == SmeLevelEvaluation.created_by_id)
        .where(
            SmeLevelEvaluation.organisation_id == organisation_id,
            SmeLevelEvaluation.kind == SmeLevelKind.SELF,
        )
        .options(sa.orm.contains_eager(SmeLevelEvaluation.created_by))
    )
    term = (values["q"] or "").strip().removeprefix("#")
    if term:
        by_name = User.name.contains(term, autoescape=True)
        if term.isdigit() and len(term) < 10:
            query = query.where(sa.or_(by_name, SmeLevelEvaluation.number == int(term)))
        else:
            query = query.where(by_name)
    if values["grade"]:
        query = query.where(SmeLevelEvaluation.grade_level == int(values["grade"]))
    query = query.where(
        *within_days(SmeLevelEvaluation.created_at, values["since"], values["until"])
    )
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """An evaluation as the Excel shows it."""

    number: int
    evaluated: datetime | None
    points: float
    grade: str
    edition: str
    by: str


def lines(evaluations: Iterable[SmeLevelEvaluation]) -> Iterator[Line]:
    for e in evaluations:
        table = sme_level.table(e.table_key)
        yield Line(
            number=e.number,
            evaluated=local_time(e.created_at),
            points=e.total_points,
            grade=grade_title(table, e.grade_level),
            edition=table.title.get(_locale()),
            by=e.created_by.name,
        )


COLUMNS = (
    Column(_l("No."), "number"),
    Column(_l("Date"), "evaluated"),
    Column(_l("Points"), "points"),
    Column(_l("Grade"), "grade"),
    Column(_l("Evaluation table"), "edition"),
    Column(_l("Made by"), "by"),
)


def rows_of(evaluations: Iterable[SmeLevelEvaluation]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(evaluations))
