"""The campaigns over an authority's region (/campaigns/): searched by title, filtered by year
and state (open, upcoming, closed), sorted by their columns and paged with the filters kept.
And a campaign's enterprises of a region (/campaigns/<id>/enterprises): those taking part
searched by name or credit code and filtered by the assessment's status, those not taking part
searched the same way; both sorted, paged with the filters kept, and in Excel with exactly the
rows the filters give."""

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

from app.clock import local_time, local_today
from app.forms import IntegerField, enum_options, filters_of, options
from app.list_sorting import Sorting, enum_order
from app.lists import given_of
from app.search import organisation_matches, prefix_of
from blueprints.campaigns import progress, services
from blueprints.campaigns.regions import Units
from models import (
    Assessment,
    AssessmentStatus,
    Campaign,
    Organisation,
    RosterEnterprise,
)

SEARCH_MAX = 100
OPEN, UPCOMING, CLOSED = "open", "upcoming", "closed"
# No score yet (a draft) sorts last, on SQLite and PostgreSQL alike.
NO_SCORE = -1.0
NEVER = datetime(9999, 12, 31)  # not submitted yet: last


@dataclass(frozen=True)
class Asked:
    form: Any
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


class CampaignFilterForm(FlaskForm):
    """The campaigns' filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(_l("Title contains"), validators=[Optional(), Length(max=SEARCH_MAX)])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(2000, 2100)])
    state = SelectField(
        _l("State"),
        validators=[Optional()],
        choices=lambda: options(
            ((OPEN, _l("Open")), (UPCOMING, _l("Upcoming")), (CLOSED, _l("Closed"))),
            blank=_l("All"),
        ),
    )

    FILTERS = ("q", "year", "state", "sort")


CAMPAIGN_SORTING = Sorting(
    keys={
        "title": (Campaign.title,),
        "authority": (Organisation.name,),
        "window": (Campaign.opens_on, Campaign.closes_on),
        "due": (Campaign.report_due_on,),
        "year": (Campaign.year, Campaign.round),
    },
    default="-window",  # the newest first
    tiebreak=Campaign.id,
)


def campaigns_asked(authority: Organisation, args: Any) -> Asked:
    """The campaigns the authority sees (services.visible_to), narrowed and sorted."""
    form = CampaignFilterForm(args)
    values = filters_of(form)
    query = services.visible_to(authority).join(
        Organisation, Organisation.id == Campaign.authority_id
    )
    term = (values["q"] or "").strip()
    if term:
        query = query.where(Campaign.title.contains(term, autoescape=True))
    if values["year"]:
        query = query.where(Campaign.year == values["year"])
    today = local_today()
    if values["state"] == OPEN:
        query = query.where(Campaign.opens_on <= today, Campaign.closes_on >= today)
    elif values["state"] == UPCOMING:
        query = query.where(Campaign.opens_on > today)
    elif values["state"] == CLOSED:
        query = query.where(Campaign.closes_on < today)
    sort = CAMPAIGN_SORTING.asked()
    return Asked(form, CAMPAIGN_SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


# --- a campaign's enterprises


class EnterpriseFilterForm(FlaskForm):
    """The enterprises' filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or credit code"), validators=[Optional(), Length(max=SEARCH_MAX)])
    status = SelectField(
        _l("Status"),
        validators=[Optional()],
        choices=lambda: enum_options(AssessmentStatus, blank=_l("All")),
    )

    # ``region`` and ``show`` say which table it is; carried with the filters.
    FILTERS = ("region", "show", "q", "status", "sort")


TAKEN_SORTING = Sorting(
    keys={
        "name": (Organisation.name,),
        "code": (Organisation.credit_code,),
        "status": (enum_order(Assessment.status, AssessmentStatus),),
        "total": (sa.func.coalesce(Assessment.total, NO_SCORE),),
        "submitted": (sa.func.coalesce(Assessment.submitted_at, NEVER),),
    },
    default="name",
    tiebreak=Assessment.id,
)
ABSENT_SORTING = Sorting(
    keys={
        "name": (RosterEnterprise.name,),
        "code": (RosterEnterprise.credit_code,),
        "region": (RosterEnterprise.region_code, RosterEnterprise.name),
    },
    default="region",
    tiebreak=RosterEnterprise.id,
)


def enterprises_asked(campaign: Campaign, units: Units, shown: str, args: Any) -> Asked:
    """The enterprises taking part (``shown`` 'taken') or not, narrowed and sorted."""
    form = EnterpriseFilterForm(args)
    values = filters_of(form)
    term = (values["q"] or "").strip()
    if shown == "taken":
        query = progress.participants(campaign, units)
        if term:
            query = query.where(organisation_matches(term))
        if values["status"]:
            query = query.where(Assessment.status == AssessmentStatus(values["status"]))
        sorting = TAKEN_SORTING
    else:
        query = progress.absentees(campaign, units)
        if term:
            query = query.where(
                sa.or_(
                    RosterEnterprise.name.contains(term, autoescape=True),
                    prefix_of(RosterEnterprise.credit_code, term),
                )
            )
        sorting = ABSENT_SORTING
    sort = sorting.asked()
    given = given_of(args, form.FILTERS)
    given["region"], given["show"] = units.region.code, shown
    return Asked(form, sorting.apply(query, sort), sort, given)


def header(shown: str) -> list[Any]:
    if shown == "taken":
        return [
            _l("Enterprise"),
            _l("Credit code"),
            _l("Region code"),
            _l("Status"),
            _l("Total score"),
            _l("Stage"),
            _l("Submitted"),
        ]
    return [_l("Enterprise"), _l("Credit code"), _l("Region code"), _l("Contact email")]


def rows_of(shown: str):
    def rows(result: Iterable[Any]) -> Iterator[list[Any]]:
        for r in result:
            if shown == "taken":
                yield [
                    r.name,
                    r.credit_code,
                    r.region_code,
                    r.status.title,
                    r.total,
                    r.stage,
                    local_time(r.submitted_at),
                ]
            else:
                yield [r.name, r.credit_code, r.region_code, r.contact_email]

    return rows
