"""The reform projects one reads (the enterprise its own, the county its county's, the city its
programme's, a provider those it is contracted for): searched by project or enterprise (name,
pinyin initials), filtered by state, region (county), scenario and provider, paged, and in
Excel with the columns of seed 004's 附件4 the data holds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Response, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_today
from app.forms import enum_options, filters_of, options
from app.input_boundary import region_arg
from app.lists import given_of, list_xlsx
from app.region_lists import Column, cells
from app.search import any_contains, name_matches
from app.security.access import in_region
from blueprints.demand import services as demand
from blueprints.reform import services
from blueprints.reform.review import grade_title
from models import (
    Organisation,
    ReformContract,
    ReformGrading,
    ReformProject,
    ReformStatus,
    Region,
    SmeLevelEvaluation,
    User,
)

SEARCH_MAX = 100


class ProjectFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); what does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Project or enterprise"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_l("A name or its pinyin initials."),
    )
    provider = StringField(_l("Provider"), validators=[Optional(), Length(max=SEARCH_MAX)])
    third_party = StringField(
        _l("Evaluation body or audit firm"), validators=[Optional(), Length(max=SEARCH_MAX)]
    )
    scenario = SelectField(_l("Scenario"), validators=[Optional()], choices=[])
    status = SelectField(_l("Status"), validators=[Optional()], choices=[])

    FILTERS = ("q", "provider", "third_party", "scenario", "status", "region")


@dataclass(frozen=True)
class Asked:
    form: ProjectFilterForm
    query: sa.Select
    given: dict[str, str]
    region: str


def _scenario_options() -> list[Any]:
    locale = get_locale()
    found = [(s.code, f"{s.code} {s.label(locale)}") for s in demand.every_scenario().values()]
    return options(found, blank=_l("All"))


def asked(args: Any, user: User) -> Asked:
    form = ProjectFilterForm(args)
    form.scenario.choices = _scenario_options()
    form.status.choices = enum_options(ReformStatus, blank=_l("All"))
    values = filters_of(form)
    region = region_arg()
    query = (
        sa.select(ReformProject)
        .join(Organisation, Organisation.id == ReformProject.enterprise_id)
        .outerjoin(Region, Region.code == Organisation.region_code)
        .where(services.visible_to(user))
        .options(
            sa.orm.contains_eager(ReformProject.enterprise).contains_eager(Organisation.region),
            sa.orm.selectinload(ReformProject.contracts).joinedload(ReformContract.provider),
            sa.orm.joinedload(ReformProject.county_authority),
            sa.orm.joinedload(ReformProject.evaluation_body),
            sa.orm.joinedload(ReformProject.audit_firm),
            sa.orm.selectinload(ReformProject.deliveries),
        )
    )
    if values["status"]:
        query = query.where(ReformProject.status == ReformStatus(values["status"]))
    term = (values["q"] or "").strip()
    if term:
        query = query.where(
            sa.or_(
                any_contains(term, ReformProject.name),
                name_matches(
                    Organisation.name,
                    Organisation.name_tokens,
                    term,
                    initials=Organisation.name_initials,
                ),
            )
        )
    provider = (values["provider"] or "").strip()
    if provider:
        named = sa.orm.aliased(Organisation)
        query = query.where(
            sa.select(ReformContract.id)
            .join(named, named.id == ReformContract.provider_id)
            .where(
                ReformContract.project_id == ReformProject.id, any_contains(provider, named.name)
            )
            .exists()
        )
    third_party = (values["third_party"] or "").strip()
    if third_party:
        named = sa.orm.aliased(Organisation)
        query = query.where(
            sa.select(named.id)
            .where(
                named.id.in_((ReformProject.evaluation_body_id, ReformProject.audit_firm_id)),
                any_contains(third_party, named.name),
            )
            .exists()
        )
    if values["scenario"]:
        code = values["scenario"]
        # The codes are few per project: read the JSON as text, a level's prefix included.
        query = query.where(sa.cast(ReformProject.scenario_codes, sa.Text).contains(f'"{code}'))
    if region:
        query = query.where(in_region(region, Organisation.region_code))
    query = query.order_by(ReformProject.status_changed_at.desc(), ReformProject.id.desc())
    return Asked(form, query, given_of(args, form.FILTERS), region)


# --- the Excel (附件4 备案入库申请表, as far as the data has it) -------------------------------


def newest_grade() -> sa.ScalarSelect[int]:
    """The grade of the project's newest grading after the reform, a column of the list's own
    query (no query per project)."""
    return (
        sa.select(SmeLevelEvaluation.grade_level)
        .join(ReformGrading, ReformGrading.evaluation_id == SmeLevelEvaluation.id)
        .where(ReformGrading.project_id == ReformProject.id)
        .order_by(ReformGrading.id.desc())
        .limit(1)
        .correlate(ReformProject)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class Line:
    enterprise: str
    credit_code: str
    region: str
    name: str
    scenarios: str
    period: str
    budget: Any
    providers: str
    contract_total: Any
    status: Any
    filed_on: str
    county: str
    in_step: str
    evaluation_body: str
    audit_firm: str
    grade: str


def lines(rows: Iterable[tuple[ReformProject, int | None]]) -> Iterator[Line]:
    locale = str(get_locale() or "zh")
    every = demand.every_scenario()
    for p, grade in rows:
        yield Line(
            enterprise=p.enterprise.name,
            credit_code=p.enterprise.credit_code or "",
            region=p.enterprise.region.display_name if p.enterprise.region else "",
            name=p.name,
            scenarios="\n".join(
                f"{c} {every[c].label(locale)}" if c in every else c for c in p.scenario_codes
            ),
            period=f"{p.starts_on.isoformat()} – {p.ends_on.isoformat()}",
            budget=float(p.budget),
            providers="\n".join(
                f"{c.provider.name}: {c.products} ({c.price:.2f}; "
                f"{c.starts_on.isoformat()} – {c.ends_on.isoformat()})"
                for c in p.contracts
            ),
            contract_total=float(sum((c.price for c in p.contracts), start=0)),
            status=p.status,
            filed_on=p.filed_on.isoformat() if p.filed_on else "",
            county=p.county_authority.name if p.county_authority else "",
            in_step=in_step_summary(p),
            evaluation_body=p.evaluation_body.name if p.evaluation_body else "",
            audit_firm=p.audit_firm.name if p.audit_firm else "",
            grade=grade_title(grade) if grade is not None else "",
        )


def in_step_summary(project: ReformProject) -> str:
    parts = []
    if project.training_recorded_on:
        parts.append(_("Training %(on)s", on=project.training_recorded_on.isoformat()))
    if project.deliveries:
        parts.append(_("Deliveries: %(n)d", n=len(project.deliveries)))
    if project.evaluated_on:
        parts.append(_("Evaluation %(on)s", on=project.evaluated_on.isoformat()))
    return "; ".join(parts)


COLUMNS = (
    Column(_l("Enterprise"), "enterprise"),
    Column(_l("Credit code"), "credit_code"),
    Column(_l("Region"), "region"),
    Column(_l("Project name"), "name"),
    Column(_l("Scenarios"), "scenarios"),
    Column(_l("Planned period"), "period"),
    Column(_l("Total budget (yuan)"), "budget"),
    Column(_l("Providers, products and contracts"), "providers"),
    Column(_l("Contract total (yuan)"), "contract_total"),
    Column(_l("Status"), "status"),
    Column(_l("Filed on"), "filed_on"),
    Column(_l("County authority"), "county"),
    Column(_l("Three in step"), "in_step"),
    Column(_l("Third-party evaluation body"), "evaluation_body"),
    Column(_l("Third-party audit firm"), "audit_firm"),
    Column(_l("Newest grade after the reform"), "grade"),
)


def xlsx(user: User) -> Response | WerkzeugResponse:
    return list_xlsx(
        asked(request.args, user).query.add_columns(newest_grade()),
        header=[c.title for c in COLUMNS],
        rows=rows_of,
        scalars=False,
        sheet=_("Reform projects"),
        title=_("Reform projects filed for the programme"),
        filename=f"reform-projects-{local_today().isoformat()}.xlsx",
    )


def rows_of(rows: Iterable[Any]) -> Iterator[list[Any]]:
    """The export's rows: each a project and its newest grade (``newest_grade``)."""
    return (
        [v if v is not None else "" for v in cells(line, COLUMNS)]
        for line in lines((row[0], row[1]) for row in rows)
    )
