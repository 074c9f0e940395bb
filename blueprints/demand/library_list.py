"""The demand library's list (/demand/): the entries the viewer reads (services.visible_to),
searched by enterprise (name, pinyin initials, credit code) or scenario (code or title, either
language), filtered by the scenario's first and second level, the enterprise's industry and
region, sorted by its columns, paged with the filters kept; and its Excel in the annex's
layout — a row per matched solution, exactly the entries the filters give."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import aliased
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_time
from app.extensions import db
from app.forms import IntegerField, filters_of, options
from app.input_boundary import region_arg
from app.list_sorting import Sorting
from app.lists import given_of
from app.region_lists import Column, cells
from app.search import name_matches, prefix_of
from app.security.access import in_region
from blueprints.demand import services
from blueprints.diagnosis.scenarios import level_of, parent_of
from models import (
    DemandEntry,
    DemandSolution,
    DiagnosisEngagement,
    Industry,
    IndustryLevel,
    Organisation,
    Region,
    User,
)

SEARCH_MAX = 100

Enterprise = aliased(Organisation, name="enterprise")
Provider = aliased(Organisation, name="provider")
Offering = aliased(Organisation, name="offering")


class LibraryFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); what does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Enterprise or scenario"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_l("A name or its pinyin initials, a credit code, a scenario code or title."),
    )
    first = SelectField(_l("First-level scenario"), validators=[Optional()], choices=[])
    second = SelectField(_l("Second-level scenario"), validators=[Optional()], choices=[])
    industry = SelectField(_l("Industry"), validators=[Optional()], choices=[])
    engagement = IntegerField(validators=[Optional()])

    FILTERS = ("q", "first", "second", "industry", "region", "engagement", "sort")


SOLUTIONS = (
    sa.select(sa.func.count(DemandSolution.id))
    .where(DemandSolution.entry_id == DemandEntry.id)
    .correlate(DemandEntry)
    .scalar_subquery()
)

SORTING = Sorting(
    keys={
        "enterprise": (Enterprise.name,),
        "scenario": (DemandEntry.scenario_code,),
        "provider": (Provider.name,),
        "solutions": (SOLUTIONS,),
        "recorded": (DemandEntry.created_at,),
    },
    default="-recorded",
    tiebreak=DemandEntry.id,
)


@dataclass(frozen=True)
class Asked:
    form: LibraryFilterForm
    query: sa.Select  # a row per entry
    export: sa.Select  # a row per matched solution (an entry without one: a row of its own)
    sort: str
    given: dict[str, str]
    region: str
    within: str


def _scenario_options(level: int, under: str | None) -> list[Any]:
    locale = get_locale()
    found = [
        (s.code, s.label(locale))
        for s in services.every_scenario().values()
        if s.level == level and (under is None or parent_of(s.code) == under)
    ]
    return options(found, blank=_l("All"))


def _industry_options() -> list[Any]:
    rows = db.session.scalars(
        sa.select(Industry).where(Industry.level == IndustryLevel.DIVISION).order_by(Industry.code)
    )
    return options(((i.code, f"{i.code} {i.display_name}") for i in rows), blank=_l("All"))


def _base(user: User, *columns: Any) -> sa.Select:
    return (
        sa.select(*columns)
        .select_from(DemandEntry)
        .join(DiagnosisEngagement, DiagnosisEngagement.id == DemandEntry.engagement_id)
        .join(Enterprise, Enterprise.id == DemandEntry.enterprise_id)
        .join(Provider, Provider.id == DiagnosisEngagement.provider_id)
        .outerjoin(Region, Region.code == Enterprise.region_code)
        .outerjoin(Industry, Industry.code == Enterprise.industry_code)
        .where(services.visible_to(user))
    )


ENTRY_COLUMNS = (
    DemandEntry.id,
    DemandEntry.engagement_id,
    DemandEntry.scenario_code,
    DemandEntry.problem,
    DemandEntry.need,
    DemandEntry.description,
    DemandEntry.created_at,
    Enterprise.name.label("enterprise"),
    Enterprise.credit_code,
    Region.name.label("region"),
    Region.name_en.label("region_en"),
    Industry.name.label("industry"),
    Industry.name_en.label("industry_en"),
    Provider.name.label("provider"),
)


def asked(user: User, args: Any) -> Asked:
    form = LibraryFilterForm(args)
    form.first.choices = _scenario_options(1, None)
    first = args.get("first", "")[:8]
    form.second.choices = _scenario_options(2, first if first else None)
    form.industry.choices = _industry_options()
    values = filters_of(form)
    within = services.authority_prefix(user) or ""
    region = region_arg(within)
    conditions: list[sa.ColumnElement[bool]] = []
    term = (values["q"] or "").strip()
    if term:
        codes = services.matching_scenarios(term)
        conditions.append(
            sa.or_(
                name_matches(
                    Enterprise.name, Enterprise.name_tokens, term, initials=Enterprise.name_initials
                ),
                prefix_of(Enterprise.credit_code, term),
                DemandEntry.scenario_code.in_(codes) if codes else sa.false(),
            )
        )
    for key in ("second", "first"):
        if values[key]:
            under = [
                s.code
                for s in services.every_scenario().values()
                if s.level == 3 and (s.code + ".").startswith(values[key] + ".")
            ]
            conditions.append(DemandEntry.scenario_code.in_(under))
            break
    if values["industry"]:
        conditions.append(Enterprise.industry_code == values["industry"])
    if region:
        conditions.append(in_region(region, Enterprise.region_code))
    if values["engagement"]:
        conditions.append(DemandEntry.engagement_id == values["engagement"])
    sort = SORTING.asked()
    query = SORTING.apply(_base(user, *ENTRY_COLUMNS, SOLUTIONS.label("solutions")), sort)
    export = SORTING.apply(
        _base(
            user,
            *ENTRY_COLUMNS,
            DemandSolution.name.label("solution"),
            DemandSolution.summary,
            DemandSolution.price_low,
            DemandSolution.price_high,
            DemandSolution.origin,
            Offering.name.label("offered_by"),
        )
        .outerjoin(DemandSolution, DemandSolution.entry_id == DemandEntry.id)
        .outerjoin(Offering, Offering.id == DemandSolution.provider_id),
        sort,
    ).order_by(DemandSolution.id)
    return Asked(
        form,
        query.where(*conditions),
        export.where(*conditions),
        sort,
        given_of(args, form.FILTERS),
        region,
        within,
    )


# --- the Excel, in the annex's layout --------------------------------------------------------


@dataclass(frozen=True)
class Line:
    enterprise: str
    credit_code: str | None
    industry: str
    region: str
    first: str
    second: str
    third: str
    analysis: str  # 问题及需求分析
    description: str
    solution: str
    summary: str
    price: str
    offered_by: str
    origin: Any
    provider: str
    recorded: Any


def price_range(low: Any, high: Any) -> str:
    """万元, as the annex's price column: one figure, or low–high."""
    if low is None:
        return ""
    return f"{low:.2f}" if low == high else f"{low:.2f}–{high:.2f}"


def lines(rows: Iterable[Any]) -> Iterator[Line]:
    locale = get_locale()
    english = str(locale).startswith("en")
    table = services.every_scenario()

    def title(code: str) -> str:
        scenario = table.get(code)
        return scenario.label(locale) if scenario else code

    for r in rows:
        code = r.scenario_code
        second = parent_of(code) if level_of(code) == 3 else code
        yield Line(
            enterprise=r.enterprise,
            credit_code=r.credit_code,
            industry=(r.industry_en if english and r.industry_en else r.industry) or "",
            region=(r.region_en if english and r.region_en else r.region) or "",
            first=title(parent_of(second)),
            second=title(second),
            third=title(code),
            analysis="\n".join(part for part in (r.problem, r.need) if part),
            description=r.description,
            solution=r.solution or "",
            summary=r.summary or "",
            price=price_range(r.price_low, r.price_high),
            offered_by=r.offered_by or "",
            origin=r.origin,
            provider=r.provider,
            recorded=local_time(r.created_at),
        )


COLUMNS = (
    Column(_l("Enterprise"), "enterprise"),
    Column(_l("Unified social credit code"), "credit_code"),
    Column(_l("Industry"), "industry"),
    Column(_l("Region"), "region"),
    Column(_l("First-level scenario"), "first"),
    Column(_l("Second-level scenario"), "second"),
    Column(_l("Third-level scenario"), "third"),
    Column(_l("Problems and needs (common to the industry and the enterprise's own)"), "analysis"),
    Column(_l("Scenario description"), "description"),
    Column(_l("Name of the product or solution"), "solution"),
    Column(_l("Brief description"), "summary"),
    Column(_l("Price (10,000 yuan)"), "price"),
    Column(_l("Offered by"), "offered_by"),
    Column(_l("Existing or new"), "origin"),
    Column(_l("Diagnosed by"), "provider"),
    Column(_l("Recorded"), "recorded"),
)


def rows_of(rows: Iterable[Any]) -> Iterator[list[Any]]:
    return ([v if v is not None else "" for v in cells(line, COLUMNS)] for line in lines(rows))
