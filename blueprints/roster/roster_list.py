"""The roster list (/roster/): the enterprises of the viewer's part of the roster searched by
name or credit code, filtered by tag, region, whether the enterprise has an account on
Certpath and the day its row was last imported; sorted by its columns, paged with the filters
kept, and in Excel with exactly the rows the filters give (a region's roster runs to thousands:
past EXPORT_INLINE_ROWS in the background).

The roster keeps no name tokens (a region's roster is thousands of rows, not the country's
register): a name is searched by a plain contains, ignoring case, without pinyin initials."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_time
from app.extensions import db
from app.forms import DateField, enum_options, filters_of, options
from app.list_sorting import Sorting
from app.lists import given_of, within_days
from app.region_lists import Column, cells
from app.search import prefix_of
from blueprints.reference.fields import RegionSearchField
from blueprints.reference.names import region_label
from blueprints.roster.services import SEARCH_MAX, Scope, in_scope, tag_titles
from models import EnterpriseTag, Industry, Organisation, RosterEnterprise, RosterTag
from models.reference import localised

WITH, WITHOUT = "yes", "no"


def _account_choices() -> list[Any]:
    return options(((WITH, _l("Yes")), (WITHOUT, _l("No"))), blank=_l("All"))


class RosterFilterForm(FlaskForm):
    """The roster's filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or credit code"), validators=[Optional(), Length(max=SEARCH_MAX)])
    tag = SelectField(
        _l("Tag"),
        validators=[Optional()],
        choices=lambda: enum_options(EnterpriseTag, blank=_l("All tags")),
    )
    region = RegionSearchField()
    account = SelectField(
        _l("Account on Certpath"), validators=[Optional()], choices=_account_choices
    )
    since = DateField(_l("Imported from"), validators=[Optional()])
    until = DateField(_l("Imported until"), validators=[Optional()])

    FILTERS = ("q", "tag", "region", "account", "since", "until", "sort")


HAS_ACCOUNT = (
    sa.exists().where(Organisation.credit_code == RosterEnterprise.credit_code).label("has_account")
)

SORTING = Sorting(
    keys={
        "name": (RosterEnterprise.name,),
        "code": (RosterEnterprise.credit_code,),
        "region": (RosterEnterprise.region_code, RosterEnterprise.name),
        "account": (HAS_ACCOUNT, RosterEnterprise.name),
        "imported": (RosterEnterprise.updated_at,),
    },
    default="name",
    tiebreak=RosterEnterprise.id,
)


@dataclass(frozen=True)
class Asked:
    form: RosterFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def asked(scope: Scope, args: Any) -> Asked:
    """The roster rows in ``scope``, narrowed by the filters, in the sort asked; each with
    whether an organisation on Certpath has its credit code (tags loaded per page or chunk)."""
    form = RosterFilterForm(args)
    values = filters_of(form)
    query = sa.select(RosterEnterprise, HAS_ACCOUNT).where(in_scope(scope))
    term = (values["q"] or "").strip()
    if term:
        query = query.where(
            sa.or_(
                RosterEnterprise.name.icontains(term, autoescape=True),
                prefix_of(RosterEnterprise.credit_code, term),
            )
        )
    if values["tag"]:
        tag = sa.orm.aliased(RosterTag)
        query = query.where(
            sa.exists().where(
                tag.roster_id == RosterEnterprise.id, tag.tag == EnterpriseTag(values["tag"])
            )
        )
    region = form.region.where(RosterEnterprise.region_code)
    if region is not None:  # a name or code that names no region: nothing, said beside the box
        query = query.where(region)
    if values["account"] == WITH:
        query = query.where(HAS_ACCOUNT)
    elif values["account"] == WITHOUT:
        query = query.where(~HAS_ACCOUNT)
    query = query.where(*within_days(RosterEnterprise.updated_at, values["since"], values["until"]))
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """A roster row as the Excel shows it."""

    credit_code: str
    name: str
    region_code: str
    region: str
    industry_code: str
    industry: str
    tags: str
    email: str
    account: str
    imported: datetime | None


COLUMNS = (
    Column(_l("Unified social credit code"), "credit_code"),
    Column(_l("Enterprise name"), "name"),
    Column(_l("Region code"), "region_code"),
    Column(_l("Region"), "region"),
    Column(_l("Industry code"), "industry_code"),
    Column(_l("Industry"), "industry"),
    Column(_l("Tags"), "tags"),
    Column(_l("Contact email"), "email"),
    Column(_l("Account on Certpath"), "account"),
    Column(_l("Last imported"), "imported"),
)


def _industry_names() -> dict[str, str]:
    rows = db.session.execute(sa.select(Industry.code, Industry.name, Industry.name_en))
    return {code: localised(name, name_en) for code, name, name_en in rows}


def rows_of(result: Iterable[Any]) -> Iterator[list[Any]]:
    """The Excel's rows of the query's: an enterprise (its tags loaded a chunk at a time) and
    whether it has an account."""
    industries = _industry_names()
    yes, no = _("Yes"), _("No")
    for item, has_account in result:
        line = Line(
            credit_code=item.credit_code,
            name=item.name,
            region_code=item.region_code,
            region=region_label(item.region_code),
            industry_code=item.industry_code or "",
            industry=industries.get(item.industry_code or "", ""),
            tags=tag_titles(item.tag_set),
            email=item.contact_email,
            account=yes if has_account else no,
            imported=local_time(item.updated_at),
        )
        yield cells(line, COLUMNS)
