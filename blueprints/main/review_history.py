"""An authority's decided reviews (/dashboard/reviews): the approvals and returns its
officials gave, searched by enterprise name or credit code (pinyin initials too), filtered by
decision, year, region and the day decided, sorted by its columns, paged with the filters kept,
and in Excel — exactly the rows the filters give. The review queue (assessment/queue_list.py)
lists what still waits; this is what was decided."""

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
from app.forms import DateField, IntegerField, filters_of, options
from app.list_sorting import Sorting, enum_order
from app.lists import given_of, within_days
from app.region_lists import Column, cells
from app.search import organisation_matches
from blueprints.reference.fields import RegionSearchField
from blueprints.reference.names import region_label
from models import Assessment, AssessmentAction, AssessmentEvent, Organisation, User

A = AssessmentAction
DECISIONS: dict[str, tuple[AssessmentAction, ...]] = {
    "approve": (A.APPROVE_DISTRICT, A.APPROVE_CITY),
    "return": (A.RETURN,),
}
SEARCH_MAX = 100


def _decision_choices() -> list[Any]:
    return options(
        (("approve", _l("Approved")), ("return", _l("Returned for correction"))), blank=_l("All")
    )


class ReviewFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Enterprise name or credit code"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_l("Names can also be found by their pinyin initials."),
    )
    decision = SelectField(_l("Decision"), validators=[Optional()], choices=_decision_choices)
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(2000, 2100)])
    region = RegionSearchField()
    since = DateField(_l("Decided from"), validators=[Optional()])
    until = DateField(_l("Decided until"), validators=[Optional()])

    FILTERS = ("q", "decision", "year", "region", "since", "until", "sort")


SORTING = Sorting(
    keys={
        "decided": (AssessmentEvent.created_at,),
        "enterprise": (Organisation.name,),
        "year": (Assessment.year,),
        "decision": (enum_order(AssessmentEvent.action, AssessmentAction),),
        "by": (User.name,),
    },
    default="-decided",  # the newest first
    tiebreak=AssessmentEvent.id,
)


@dataclass(frozen=True)
class Asked:
    form: ReviewFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def decided_by(organisation_id: int | None) -> sa.Select[tuple[AssessmentEvent]]:
    """The decisions taken by members of ``organisation_id`` (an authority), each with its
    assessment, enterprise and official loaded (one SELECT)."""
    actions = tuple(a for d in DECISIONS.values() for a in d)
    return (
        sa.select(AssessmentEvent)
        .join(AssessmentEvent.assessment)
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .join(User, User.id == AssessmentEvent.actor_id)
        .where(User.organisation_id == organisation_id, AssessmentEvent.action.in_(actions))
        .options(
            sa.orm.contains_eager(AssessmentEvent.assessment).contains_eager(
                Assessment.organisation
            ),
            sa.orm.contains_eager(AssessmentEvent.actor),
        )
    )


def asked(organisation_id: int | None, args: Any) -> Asked:
    """The decisions of the authority ``organisation_id``, narrowed by the filters, in the
    sort asked."""
    form = ReviewFilterForm(args)
    values = filters_of(form)
    query = decided_by(organisation_id)
    term = (values["q"] or "").strip()
    if term:
        query = query.where(organisation_matches(term))
    if values["decision"]:
        query = query.where(AssessmentEvent.action.in_(DECISIONS[values["decision"]]))
    if values["year"]:
        query = query.where(Assessment.year == values["year"])
    region = form.region.where(Assessment.region_code)
    if region is not None:
        query = query.where(region)
    query = query.where(*within_days(AssessmentEvent.created_at, values["since"], values["until"]))
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """A decision as the Excel shows it."""

    decided: datetime | None
    enterprise: str
    credit_code: str | None
    region: str
    year: int
    decision: AssessmentAction
    by: str
    comment: str


def lines(events: Iterable[AssessmentEvent]) -> Iterator[Line]:
    for e in events:
        yield Line(
            decided=local_time(e.created_at),
            enterprise=e.assessment.organisation.name,
            credit_code=e.assessment.organisation.credit_code,
            region=region_label(e.assessment.region_code),
            year=e.assessment.year,
            decision=e.action,
            by=e.actor.name,
            comment=e.comment,
        )


COLUMNS = (
    Column(_l("Decided"), "decided"),
    Column(_l("Enterprise"), "enterprise"),
    Column(_l("Credit code"), "credit_code"),
    Column(_l("Region"), "region"),
    Column(_l("Year"), "year"),
    Column(_l("Decision"), "decision"),
    Column(_l("By"), "by"),
    Column(_l("Comment"), "comment"),
)


def rows_of(events: Iterable[AssessmentEvent]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(events))
