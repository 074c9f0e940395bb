"""An enterprise's own self-assessments (/assessments/): searched by campaign title, filtered by
year and status, sorted by its columns, paged with the filters kept, and in Excel — exactly the
rows the filters give. A few a year, but kept for good: after some years of campaigns the list
grows like any other."""

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
from app.list_sorting import Sorting, enum_order
from app.lists import given_of
from app.region_lists import Column, cells
from blueprints.assessment.region_list import stage_titles
from models import Assessment, AssessmentStatus, Campaign, Organisation

SEARCH_MAX = 100


class OwnAssessmentsForm(FlaskForm):
    """The list's filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(_l("Campaign"), validators=[Optional(), Length(max=SEARCH_MAX)])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(2000, 2100)])
    status = SelectField(
        _l("Status"),
        validators=[Optional()],
        choices=lambda: enum_options(AssessmentStatus, blank=_l("All")),
    )

    FILTERS = ("q", "year", "status", "sort")


SORTING = Sorting(
    keys={
        "year": (Assessment.year,),
        # An own assessment (no campaign) sorts first, on SQLite and PostgreSQL alike.
        "campaign": (sa.func.coalesce(Campaign.title, ""),),
        "status": (enum_order(Assessment.status, AssessmentStatus),),
        "total": (sa.func.coalesce(Assessment.total, -1.0),),
        "submitted": (sa.func.coalesce(Assessment.submitted_at, Assessment.created_at),),
    },
    default="-year",  # the newest first, as the page always showed
    tiebreak=Assessment.id,
)


@dataclass(frozen=True)
class Asked:
    form: OwnAssessmentsForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def asked(org: Organisation, args: Any) -> Asked:
    """``org``'s self-assessments (drafts included: they are its own), narrowed by the
    filters, in the sort asked; the campaign joined, for its title's search and sort."""
    form = OwnAssessmentsForm(args)
    values = filters_of(form)
    query = (
        sa.select(Assessment)
        .outerjoin(Campaign, Campaign.id == Assessment.campaign_id)
        .where(Assessment.organisation_id == org.id)
        .options(sa.orm.contains_eager(Assessment.campaign))
    )
    term = (values["q"] or "").strip()
    if term:
        query = query.where(Campaign.title.icontains(term, autoescape=True))
    if values["year"]:
        query = query.where(Assessment.year == values["year"])
    if values["status"]:
        query = query.where(Assessment.status == AssessmentStatus(values["status"]))
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """A self-assessment as the Excel shows it."""

    year: int
    campaign: str
    status: AssessmentStatus
    total: float | None
    stage: str
    submitted: datetime | None


def lines(assessments: Iterable[Assessment]) -> Iterator[Line]:
    stages = stage_titles()
    for a in assessments:
        yield Line(
            year=a.year,
            campaign=a.campaign.title if a.campaign else str(_l("Own assessment")),
            status=a.status,
            total=round(a.total, 1) if a.total is not None else None,
            stage=stages.get(a.stage or "", a.stage or "") if a.submitted_at else "",
            submitted=local_time(a.submitted_at),
        )


COLUMNS = (
    Column(_l("Year"), "year"),
    Column(_l("Campaign"), "campaign"),
    Column(_l("Status"), "status"),
    Column(_l("Total score"), "total"),
    Column(_l("Stage"), "stage"),
    Column(_l("Submitted"), "submitted"),
)


def rows_of(assessments: Iterable[Assessment]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(assessments))
