"""The subsidies an authority reads (the city its programme's, a county its county's, the
enterprise its own): searched by enterprise or project (name, pinyin initials), filtered by
status and region (county), paged, totalled (requested, approved, paid: one aggregate over the
same filters) and in Excel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Response, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_time, local_today
from app.extensions import db
from app.forms import enum_options, filters_of
from app.input_boundary import region_arg
from app.lists import given_of, list_xlsx
from app.region_lists import Column, cells
from app.search import any_contains, name_matches
from app.security.access import in_region
from blueprints.reform import services
from models import Organisation, ReformProject, Region, User
from models.reform_subsidy import ReformSubsidy, SubsidyStatus

SEARCH_MAX = 100


class SubsidyFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); what does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Enterprise or project"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_l("A name or its pinyin initials."),
    )
    status = SelectField(_l("Status"), validators=[Optional()], choices=[])

    FILTERS = ("q", "status", "region")


@dataclass(frozen=True)
class Totals:
    count: int
    requested: Decimal
    approved: Decimal
    paid: Decimal


@dataclass(frozen=True)
class Asked:
    form: SubsidyFilterForm
    query: sa.Select
    given: dict[str, str]
    where: tuple[sa.ColumnElement[bool], ...]

    def totals(self) -> Totals:
        """One aggregate over the filtered subsidies (refused ones count in no amount)."""
        live = ReformSubsidy.status != SubsidyStatus.REFUSED
        approved = ReformSubsidy.status.in_((SubsidyStatus.APPROVED, SubsidyStatus.PAID))
        row = db.session.execute(
            _joined(
                sa.select(
                    sa.func.count(ReformSubsidy.id),
                    sa.func.coalesce(
                        sa.func.sum(sa.case((live, ReformSubsidy.requested_amount))), 0
                    ),
                    sa.func.coalesce(
                        sa.func.sum(sa.case((approved, ReformSubsidy.approved_amount))), 0
                    ),
                    sa.func.coalesce(sa.func.sum(ReformSubsidy.paid_amount), 0),
                )
            ).where(*self.where)
        ).one()
        return Totals(row[0], Decimal(row[1]), Decimal(row[2]), Decimal(row[3]))


def _joined(query: sa.Select) -> sa.Select:
    return (
        query.select_from(ReformSubsidy)
        .join(ReformProject, ReformProject.id == ReformSubsidy.project_id)
        .join(Organisation, Organisation.id == ReformProject.enterprise_id)
    )


def asked(args: Any, user: User) -> Asked:
    form = SubsidyFilterForm(args)
    form.status.choices = enum_options(SubsidyStatus, blank=_l("All"))
    values = filters_of(form)
    region = region_arg()
    where: list[sa.ColumnElement[bool]] = [services.visible_to(user)]
    if values["status"]:
        where.append(ReformSubsidy.status == SubsidyStatus(values["status"]))
    term = (values["q"] or "").strip()
    if term:
        where.append(
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
    if region:
        where.append(in_region(region, Organisation.region_code))
    query = (
        _joined(sa.select(ReformSubsidy, ReformProject, Organisation.name, Region))
        .outerjoin(Region, Region.code == Organisation.region_code)
        .where(*where)
        .order_by(ReformSubsidy.applied_at.desc(), ReformSubsidy.id.desc())
    )
    return Asked(form, query, given_of(args, form.FILTERS), tuple(where))


# --- the Excel -------------------------------------------------------------------------------

COLUMNS = (
    Column(_l("Enterprise"), "enterprise"),
    Column(_l("Region"), "region"),
    Column(_l("Project name"), "project"),
    Column(_l("Status"), "status"),
    Column(_l("Applied on"), "applied_on"),
    Column(_l("Eligible cost (yuan)"), "eligible_cost"),
    Column(_l("Amount requested (yuan)"), "requested"),
    Column(_l("Share applied"), "share"),
    Column(_l("Cap applied (yuan)"), "cap"),
    Column(_l("Amount approved (yuan)"), "approved"),
    Column(_l("Decision note"), "note"),
    Column(_l("Amount paid (yuan)"), "paid"),
    Column(_l("Paid on"), "paid_on"),
    Column(_l("Payment reference"), "reference"),
)


@dataclass(frozen=True)
class Line:
    enterprise: str
    region: str
    project: str
    status: Any
    applied_on: str
    eligible_cost: Any
    requested: Any
    share: Any
    cap: Any
    approved: Any
    note: str
    paid: Any
    paid_on: str
    reference: str


def _money(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def lines(rows: Iterable[Any]) -> Iterator[Line]:
    for subsidy, project, enterprise, region in rows:
        applied = local_time(subsidy.applied_at)
        yield Line(
            enterprise=enterprise,
            region=region.display_name if region else "",
            project=project.name,
            status=subsidy.status,
            applied_on=applied.date().isoformat() if applied else "",
            eligible_cost=_money(subsidy.eligible_cost),
            requested=_money(subsidy.requested_amount),
            share=_money(subsidy.share),
            cap=_money(subsidy.cap),
            approved=_money(subsidy.approved_amount),
            note=subsidy.decision_note,
            paid=_money(subsidy.paid_amount),
            paid_on=subsidy.paid_on.isoformat() if subsidy.paid_on else "",
            reference=subsidy.payment_reference,
        )


def rows_of(rows: Iterable[Any]) -> Iterator[list[Any]]:
    return ([v if v is not None else "" for v in cells(line, COLUMNS)] for line in lines(rows))


def xlsx(user: User) -> Response | WerkzeugResponse:
    return list_xlsx(
        asked(request.args, user).query,
        header=[c.title for c in COLUMNS],
        rows=rows_of,
        sheet=_("Reform subsidies"),
        title=_("Subsidies of the reform projects"),
        filename=f"reform-subsidies-{local_today().isoformat()}.xlsx",
        scalars=False,
    )
