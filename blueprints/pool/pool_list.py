"""The pool's lists: the public pool (/providers/: the admitted providers and the suspended
ones, marked) and the signed-in list of places one reads (/pool/: a provider its own, an
authority its pools', an expert those assigned). Both search by provider (name, pinyin
initials) or product, filter by programme, scenario, region (and status, signed in), page,
and export to Excel the rows the filters give."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Response, request
from flask_babel import get_locale, ngettext
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
from blueprints.diagnosis import programmes
from blueprints.pool import services
from models import (
    PUBLIC_STATUSES,
    Organisation,
    PoolMember,
    PoolProduct,
    PoolStatus,
    Region,
    User,
)

SEARCH_MAX = 100


class PoolFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); what does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Provider or product"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_l("A name or its pinyin initials, or a product's name."),
    )
    programme = SelectField(_l("Programme"), validators=[Optional()], choices=[])
    scenario = SelectField(_l("Scenario"), validators=[Optional()], choices=[])
    status = SelectField(_l("Status"), validators=[Optional()], choices=[])

    FILTERS = ("q", "programme", "scenario", "status", "region")


@dataclass(frozen=True)
class Asked:
    form: PoolFilterForm
    query: sa.Select  # PoolMember rows, the provider joined
    given: dict[str, str]
    region: str


def _programme_options() -> list[Any]:
    locale = get_locale()
    found = [
        (key, programmes.load_all()[key].title.get(locale)) for key in demand.library_programmes()
    ]
    return options(found, blank=_l("All"))


def _scenario_options() -> list[Any]:
    locale = get_locale()
    found = [
        (s.code, f"{s.code} {s.label(locale)}")
        for s in demand.every_scenario().values()
        if s.level < 3
    ]
    return options(found, blank=_l("All"))


def asked(args: Any, user: User | None) -> Asked:
    """The public pool (``user`` None) or the places ``user`` reads, as the filters ask."""
    form = PoolFilterForm(args)
    form.programme.choices = _programme_options()
    form.scenario.choices = _scenario_options()
    form.status.choices = enum_options(PoolStatus, blank=_l("All"))
    values = filters_of(form)
    region = region_arg()
    query = (
        sa.select(PoolMember)
        .join(Organisation, Organisation.id == PoolMember.provider_id)
        .outerjoin(Region, Region.code == Organisation.region_code)
        .options(
            sa.orm.contains_eager(PoolMember.provider).contains_eager(Organisation.region),
            sa.orm.selectinload(PoolMember.products),
            sa.orm.joinedload(PoolMember.authority),
        )
    )
    if user is None:
        query = query.where(PoolMember.status.in_(PUBLIC_STATUSES))
    else:
        query = query.where(services.visible_to(user))
        if values["status"]:
            query = query.where(PoolMember.status == PoolStatus(values["status"]))
    term = (values["q"] or "").strip()
    if term:
        product = (
            sa.select(PoolProduct.id)
            .where(PoolProduct.member_id == PoolMember.id, any_contains(term, PoolProduct.name))
            .exists()
        )
        query = query.where(
            sa.or_(
                name_matches(
                    Organisation.name,
                    Organisation.name_tokens,
                    term,
                    initials=Organisation.name_initials,
                ),
                product,
            )
        )
    if values["programme"]:
        query = query.where(PoolMember.programme_key == values["programme"])
    if values["scenario"]:
        prefix = values["scenario"] + "."
        codes = [c for c in demand.every_scenario() if c.startswith(prefix)]
        query = query.where(
            sa.select(PoolProduct.id)
            .where(PoolProduct.member_id == PoolMember.id, PoolProduct.scenario_code.in_(codes))
            .exists()
        )
    if region:
        query = query.where(in_region(region, Organisation.region_code))
    query = query.order_by(PoolMember.rating.desc().nulls_last(), Organisation.name, PoolMember.id)
    return Asked(form, query, given_of(args, form.FILTERS), region)


def basis(member: PoolMember) -> str:
    """The rating and its basis in the reader's language."""
    if member.rating is None:
        return _("Not rated yet")
    surveys = ngettext("%(num)d survey", "%(num)d surveys", member.rated_surveys)
    accepted = ngettext("%(num)d acceptance", "%(num)d acceptances", member.rated_acceptances)
    return _(
        "%(rating)s ★ from %(surveys)s and %(acceptances)s",
        rating=f"{member.rating:.1f}",
        surveys=surveys,
        acceptances=accepted,
    )


# --- the Excel -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    provider: str
    region: str
    programme: str
    authority: str
    status: Any
    rating: str
    products: str
    publicity: str


def lines(members: Iterable[PoolMember]) -> Iterator[Line]:
    locale = get_locale()
    for m in members:
        programme = programmes.programme(m.programme_key)
        yield Line(
            provider=m.provider.name,
            region=m.provider.region.display_name if m.provider.region else "",
            programme=programme.title.get(locale) if programme else m.programme_key,
            authority=m.authority.name,
            status=m.status,
            rating=basis(m),
            products="\n".join(
                f"{p.name} ({p.scenario_code}, {p.price_low:.2f}–{p.price_high:.2f})"
                for p in m.products
            ),
            publicity=(
                f"{m.publicity_starts_on.isoformat()} – {m.publicity_ends_on.isoformat()}"
                if m.publicity_starts_on and m.publicity_ends_on
                else ""
            ),
        )


COLUMNS = (
    Column(_l("Provider"), "provider"),
    Column(_l("Region"), "region"),
    Column(_l("Programme"), "programme"),
    Column(_l("Authority"), "authority"),
    Column(_l("Status"), "status"),
    Column(_l("Rating"), "rating"),
    Column(_l("Products and solutions"), "products"),
    Column(_l("Publicity"), "publicity"),
)


def xlsx(user: User | None) -> Response | WerkzeugResponse:
    """The list's Excel: the rows its filters give, across pages (a pool's few hundred at most:
    never a background export)."""
    return list_xlsx(
        asked(request.args, user).query,
        header=[c.title for c in COLUMNS],
        rows=rows_of,
        sheet=_("Provider pool"),
        title=_("Service providers of the diagnosis programmes"),
        filename=f"provider-pool-{local_today().isoformat()}.xlsx",
    )


def rows_of(members: Iterable[PoolMember]) -> Iterator[list[Any]]:
    return ([v if v is not None else "" for v in cells(line, COLUMNS)] for line in lines(members))
