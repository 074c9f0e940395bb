"""The authority's review queue (/assessments/queue): the self-assessments waiting for its
decision, searched by enterprise name or credit code, filtered by status, year and region
(inside the authority's: the queue holds no other), sorted by submission, enterprise or total
score, paged with the filters kept, and in Excel — exactly the rows the filters give."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from app.clock import local_time
from app.forms import IntegerField, enum_options, filters_of
from app.list_sorting import Sorting
from app.lists import given_of
from app.region_lists import Column, cells
from app.search import organisation_matches
from blueprints.assessment.region_list import stage_titles
from blueprints.assessment.services import review_queue
from blueprints.reference.fields import RegionSearchField
from blueprints.reference.names import region_label
from models import Assessment, AssessmentStatus, Organisation

SEARCH_MAX = 100
WAITING = (AssessmentStatus.AWAITING_DISTRICT, AssessmentStatus.AWAITING_CITY)


class QueueForm(FlaskForm):
    """The queue's filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Enterprise name or credit code"), validators=[Optional(), Length(max=SEARCH_MAX)]
    )
    status = SelectField(
        _l("Status"),
        validators=[Optional()],
        choices=lambda: enum_options(WAITING, blank=_l("All")),
    )
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(2000, 2100)])
    region = RegionSearchField()

    FILTERS = ("q", "status", "year", "region", "sort")


SORTING = Sorting(
    keys={
        "submitted": (Assessment.submitted_at,),
        "enterprise": (Organisation.name,),
        # No total sorts as the lowest, on SQLite and PostgreSQL alike.
        "total": (sa.func.coalesce(Assessment.total, -1.0),),
    },
    default="submitted",  # the longest waiting first
    tiebreak=Assessment.id,
)


@dataclass(frozen=True)
class Asked:
    form: QueueForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def asked(authority: Organisation, args: Any) -> Asked:
    """The assessments waiting for ``authority`` (review_queue), narrowed by the filters, in
    the sort asked."""
    form = QueueForm(args)
    values = filters_of(form)
    query = review_queue(authority)
    if values["status"]:
        query = query.where(Assessment.status == AssessmentStatus(values["status"]))
    if values["year"]:
        query = query.where(Assessment.year == values["year"])
    term = (values["q"] or "").strip()
    if term:
        query = query.where(organisation_matches(term))
    region = form.region.where(Assessment.region_code)
    if region is not None:
        query = query.where(region)
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """An assessment of the queue as the Excel shows it."""

    enterprise: str
    credit_code: str | None
    region: str
    year: int
    status: AssessmentStatus
    total: float | None
    stage: str
    submitted: datetime | None


def lines(assessments: Iterable[Assessment]) -> Iterator[Line]:
    stages = stage_titles()
    for a in assessments:
        yield Line(
            enterprise=a.organisation.name,
            credit_code=a.organisation.credit_code,
            region=region_label(a.region_code),
            year=a.year,
            status=a.status,
            total=round(a.total, 1) if a.total is not None else None,
            stage=stages.get(a.stage or "", a.stage or ""),
            submitted=local_time(a.submitted_at),
        )


COLUMNS = (
    Column(_l("Enterprise"), "enterprise"),
    Column(_l("Credit code"), "credit_code"),
    Column(_l("Region"), "region"),
    Column(_l("Year"), "year"),
    Column(_l("Status"), "status"),
    Column(_l("Total score"), "total"),
    Column(_l("Stage"), "stage"),
    Column(_l("Submitted"), "submitted"),
)


def rows_of(assessments: Iterable[Assessment]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(assessments))
