"""The roster an authority keeps: who sees which part of it, the filtered list and its export,
the template to fill in, and ``tagged`` for the other lists that filter by a roster tag.

An authority's part of the roster is the rows whose region lies in its own (its region and
every region below it, as GB/T 2260 codes by their prefix). The platform's administrator
reads the whole roster and imports nothing: an import belongs to an authority.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.excel import Sheet
from app.extensions import db
from app.search import prefix_of
from app.security.access import in_region, region_prefix
from app.security.permissions import Permission, has_permission
from blueprints.reference.names import region_label
from blueprints.roster.workbook import HEADERS
from models import EnterpriseTag, Industry, Organisation, OrgKind, RosterEnterprise, RosterTag
from models.reference import localised

# An IN list per query stays well below what either database takes in one statement.
CHUNK = 5_000
SEARCH_MAX = 100
_EXAMPLE_CODE = "91310115MA1K4B2C3J"  # a well-formed code, for the template's example row


@dataclass(frozen=True)
class Scope:
    """The part of the roster a user manages: region codes starting with ``prefix`` ("" is
    every region); ``authority_id`` imports into it (None: read only)."""

    prefix: str
    authority_id: int | None
    region_code: str | None

    def covers(self, region_code: str) -> bool:
        return region_code.startswith(self.prefix)


def scope_of(user: Any) -> Scope | None:
    """An authority's region, the administrator's whole country; None for anyone else (and
    for an authority whose region is unknown)."""
    org = user.organisation
    if org is not None and org.kind == OrgKind.AUTHORITY:
        prefix = region_prefix(org.region_code)
        return Scope(prefix, org.id, org.region_code) if prefix else None
    if has_permission(user, Permission.ALL_ORGS_VIEW):
        return Scope("", None, None)
    return None


def in_scope(scope: Scope) -> sa.ColumnElement[bool]:
    return in_region(scope.prefix, RosterEnterprise.region_code) if scope.prefix else sa.true()


def tagged(tag: EnterpriseTag, credit_code: Any = None) -> sa.ColumnElement[bool]:
    """Rows whose credit code is on the roster with ``tag``: an EXISTS that any list can add to
    its WHERE (``credit_code``: the list's column, by default ``Organisation.credit_code``)."""
    column = Organisation.credit_code if credit_code is None else credit_code
    return (
        sa.exists()
        .where(
            RosterEnterprise.credit_code == column,
            RosterTag.roster_id == RosterEnterprise.id,
            RosterTag.tag == tag,
        )
        .correlate_except(RosterEnterprise, RosterTag)
    )


@dataclass(frozen=True)
class Filters:
    q: str = ""
    tag: EnterpriseTag | None = None
    region: str = ""  # a GB/T 2260 code or its 2- or 4-digit beginning

    @property
    def region_start(self) -> str:
        """310000 means all of Shanghai, 310100 its districts: the code without its zero
        pairs, as a region's own prefix is."""
        code = self.region
        if not (code.isascii() and code.isdigit() and len(code) in (2, 4, 6)):
            return ""
        while len(code) > 2 and code.endswith("00"):
            code = code[:-2]
        return code

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments, for the pager and the export link."""
        values = {"q": self.q, "tag": self.tag.value if self.tag else "", "region": self.region}
        return {key: value for key, value in values.items() if value}


def _conditions(scope: Scope, filters: Filters) -> list[sa.ColumnElement[bool]]:
    conditions = [in_scope(scope)]
    if filters.tag is not None:
        # An alias: the export joins RosterTag itself, which would swallow the subquery's own.
        tag = sa.orm.aliased(RosterTag)
        conditions.append(
            sa.exists().where(tag.roster_id == RosterEnterprise.id, tag.tag == filters.tag)
        )
    if filters.region_start:
        conditions.append(in_region(filters.region_start, RosterEnterprise.region_code))
    term = filters.q.strip()[:SEARCH_MAX]
    if term:
        # The roster keeps no name tokens: a plain contains, ignoring case (a region's roster
        # is thousands of rows, not the country's register).
        conditions.append(
            sa.or_(
                RosterEnterprise.name.icontains(term, autoescape=True),
                prefix_of(RosterEnterprise.credit_code, term),
            )
        )
    return conditions


_ORDER = (RosterEnterprise.name, RosterEnterprise.id)


def listed(scope: Scope, filters: Filters) -> sa.Select:
    """The roster rows in ``scope`` that pass ``filters``, by name (tags loaded per page)."""
    return sa.select(RosterEnterprise).where(*_conditions(scope, filters)).order_by(*_ORDER)


def with_accounts(credit_codes: Iterable[str]) -> set[str]:
    """Those of ``credit_codes`` an organisation on Certpath has (one query per CHUNK)."""
    codes = sorted(set(credit_codes))
    found: set[str] = set()
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        found.update(
            db.session.scalars(
                sa.select(Organisation.credit_code).where(Organisation.credit_code.in_(chunk))
            )
        )
    return found


def tag_titles(tags: Iterable[EnterpriseTag]) -> str:
    order = list(EnterpriseTag)
    return "、".join(tag.title for tag in sorted(tags, key=order.index))


def _industry_names() -> dict[str, str]:
    rows = db.session.execute(sa.select(Industry.code, Industry.name, Industry.name_en))
    return {code: localised(name, name_en) for code, name, name_en in rows}


def _export_rows(scope: Scope, filters: Filters) -> Iterator[list[Any]]:
    """One row per enterprise, read in chunks as the workbook is written: the tags come joined
    (one row per tag, ordered by enterprise) and are gathered back here."""
    industries = _industry_names()
    has_account = (
        sa.exists()
        .where(Organisation.credit_code == RosterEnterprise.credit_code)
        .label("has_account")
    )
    query = (
        sa.select(
            RosterEnterprise.id,
            RosterEnterprise.credit_code,
            RosterEnterprise.name,
            RosterEnterprise.region_code,
            RosterEnterprise.industry_code,
            RosterEnterprise.contact_email,
            has_account,
            RosterTag.tag,
        )
        .outerjoin(RosterTag, RosterTag.roster_id == RosterEnterprise.id)
        .where(*_conditions(scope, filters))
        .order_by(*_ORDER, RosterTag.tag)
        .execution_options(yield_per=1_000)
    )
    yes, no = _("Yes"), _("No")
    for _id, group in itertools.groupby(db.session.execute(query), key=lambda row: row.id):
        rows = list(group)
        first = rows[0]
        yield [
            first.credit_code,
            first.name,
            first.region_code,
            region_label(first.region_code),
            first.industry_code or "",
            industries.get(first.industry_code or "", ""),
            tag_titles(row.tag for row in rows if row.tag is not None),
            first.contact_email,
            yes if first.has_account else no,
        ]


def export_sheet(scope: Scope, filters: Filters) -> Sheet:
    header = [
        _("Unified social credit code"),
        _("Enterprise name"),
        _("Region code"),
        _("Region"),
        _("Industry code"),
        _("Industry"),
        _("Tags"),
        _("Contact email"),
        _("Account on Certpath"),
    ]
    return Sheet(_("Roster"), header, _export_rows(scope, filters))


def template_sheet(scope: Scope | None) -> Sheet:
    """The header an import reads, in Chinese, and one example row (in the user's region)."""
    example = [
        _EXAMPLE_CODE,
        "上海示例智能制造有限公司",
        (scope.region_code if scope and scope.region_code else None) or "310115",
        "34",
        "规上；专精特新",
        "contact@example.com",
    ]
    return Sheet("企业名录", [chinese for chinese, _english in HEADERS.values()], [example])
