"""An authority's view of the self-assessments of its region (read only): every submitted one —
a draft stays the enterprise's own — filtered by year, campaign, state, stage, region below,
roster tag and enterprise name or credit code; one SELECT of the columns a row shows, the same
query paged on the page and streamed into the Excel."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _

from app.clock import local_today
from app.extensions import db
from app.input_boundary import int_arg, region_arg
from app.list_sorting import Sorting
from app.search import organisation_matches
from app.security.access import in_region_by_province
from blueprints.assessment import questionnaire
from blueprints.assessment.questionnaire_frame import STAGE_KEYS
from blueprints.campaigns.services import nested_with
from blueprints.roster.services import tagged
from models import (
    Assessment,
    AssessmentStatus,
    Campaign,
    EnterpriseTag,
    Organisation,
    Region,
)

SEARCH_MAX = 100
CHUNK = 1000
# A province holds tens of thousands: the page counts this far and says "more than" beyond.
COUNT_AT_MOST = 1000
SHOWN = [s for s in AssessmentStatus if s != AssessmentStatus.DRAFT]


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    campaign: int | None = None
    status: AssessmentStatus | None = None
    stage: str = ""
    region: str = ""  # a code prefix below the authority's region
    tag: EnterpriseTag | None = None
    q: str = ""

    @classmethod
    def from_request(cls, own_prefix: str) -> Filters:
        """What does not parse, or lies outside the authority's region, is ignored."""
        status = request.args.get("status", "")
        stage = request.args.get("stage", "")
        tag = request.args.get("tag", "")
        return cls(
            year=int_arg("year", 1990, 2099),
            campaign=int_arg("campaign"),
            status=AssessmentStatus(status) if status in {s.value for s in SHOWN} else None,
            stage=stage if stage in STAGE_KEYS else "",
            region=region_arg(own_prefix),
            tag=EnterpriseTag(tag) if tag in {t.value for t in EnterpriseTag} else None,
            q=request.args.get("q", "").strip()[:SEARCH_MAX],
        )

    def given(self) -> dict[str, str]:
        values = {
            "year": str(self.year or ""),
            "campaign": str(self.campaign or ""),
            "status": self.status.value if self.status else "",
            "stage": self.stage,
            "region": self.region,
            "tag": self.tag.value if self.tag else "",
            "q": self.q,
        }
        return {key: value for key, value in values.items() if value}


def listed() -> sa.Select:
    """The columns a row of an assessment list shows, with its enterprise and campaign."""
    return (
        sa.select(
            Assessment.id,
            Assessment.year,
            Assessment.status,
            Assessment.total,
            Assessment.stage,
            Assessment.region_code,
            Assessment.submitted_at,
            Organisation.name,
            Organisation.credit_code,
            Campaign.title.label("campaign"),
        )
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .outerjoin(Campaign, Campaign.id == Assessment.campaign_id)
    )


def of_region(prefix: str, filters: Filters) -> sa.Select:
    query = (
        listed()
        .where(
            Assessment.status != AssessmentStatus.DRAFT,
            # Implied by the status (submitting stamps it, nothing clears it); said so that
            # the index on (province, submitted_at) is read from its newest non-null end.
            Assessment.submitted_at.is_not(None),
        )
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
    )
    # The viewer's region, and the filter's (a region outside the viewer's finds nothing).
    for region in (prefix, filters.region):
        if region:
            query = query.where(in_region_by_province(region, Assessment.region_code))
    if filters.year:
        query = query.where(Assessment.year == filters.year)
    if filters.campaign:
        query = query.where(Assessment.campaign_id == filters.campaign)
    if filters.status:
        query = query.where(Assessment.status == filters.status)
    if filters.stage:
        query = query.where(Assessment.stage == filters.stage)
    if filters.tag:
        query = query.where(tagged(filters.tag))
    if filters.q:
        query = query.where(organisation_matches(filters.q))
    return query


SORTING = Sorting(
    keys={
        "enterprise": (Organisation.name,),
        "region": (Assessment.region_code,),
        "year": (Assessment.year,),
        "total": (Assessment.total,),
        "submitted": (Assessment.submitted_at,),
    },
    default="-submitted",  # of_region's own order, which an index serves
    tiebreak=Assessment.id,
)


def sorted_as_asked(query: sa.Select) -> tuple[sa.Select, str]:
    sort = SORTING.asked()
    return (query if sort == SORTING.default else SORTING.apply(query, sort)), sort


def given(filters: Filters, sort: str) -> dict[str, str]:
    """The filters and the sort, for the pager and the Excel."""
    return filters.given() | ({"sort": sort} if sort != SORTING.default else {})


def campaigns_over(region: Region) -> list[sa.Row[Any]]:
    """The campaigns whose assessments the list may hold, for its filter: over the region,
    above it or inside it (the latest fifty)."""
    return list(
        db.session.execute(
            sa.select(Campaign.id, Campaign.title, Campaign.year, Campaign.round)
            .where(nested_with(region))
            .order_by(Campaign.year.desc(), Campaign.round.desc(), Campaign.id.desc())
            .limit(50)
        ).all()
    )


def stage_titles() -> dict[str, str]:
    """The four stages by key, in the reader's language."""
    return questionnaire.stage_titles(local_today().year, str(get_locale() or "zh"))


def rows_of(stages: dict[str, str]) -> Callable[[Iterable[Any]], Iterator[list[Any]]]:
    """The Excel's cells of the list's rows, the stages named in the reader's language."""

    def rows(listed: Iterable[Any]) -> Iterator[list[Any]]:
        for row in listed:
            yield [
                row.name,
                row.credit_code,
                row.region_code,
                row.year,
                row.campaign or _("Own assessment"),
                row.status.title,
                row.total,
                stages.get(row.stage or "", ""),
                row.submitted_at,
            ]

    return rows


def header() -> list[str]:
    return [
        _("Enterprise"),
        _("Credit code"),
        _("Region code"),
        _("Year"),
        _("Campaign"),
        _("Status"),
        _("Total score"),
        _("Stage"),
        _("Submitted"),
    ]


FORMATS = {6: "0.0"}  # the total score
