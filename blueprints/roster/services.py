"""The roster an authority keeps: who sees which part of it (the list itself: roster_list), the
template to fill in, and ``tagged`` for the other lists that filter by a roster tag.

An authority's part of the roster is the rows whose region lies in its own (its region and
every region below it, as GB/T 2260 codes by their prefix). The platform's administrator
reads the whole roster and imports nothing: an import belongs to an authority.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.excel import Sheet
from app.security.access import in_region, region_prefix
from app.security.permissions import Permission, has_permission
from blueprints.roster.workbook import HEADERS
from models import EnterpriseTag, Organisation, OrgKind, RosterEnterprise, RosterTag

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


def tag_titles(tags: Iterable[EnterpriseTag]) -> str:
    order = list(EnterpriseTag)
    return "、".join(tag.title for tag in sorted(tags, key=order.index))


def template_sheet(scope: Scope | None) -> Sheet:
    """The header an import reads, in Chinese, and one example row (in the user's region)."""
    example = [
        _EXAMPLE_CODE,
        "上海示例智能制造有限公司",
        (scope.region_code if scope and scope.region_code else None) or "310115",
        "34",
        "规上；专精特新",
        "contact@example.com",
        "否",
        "否",
    ]
    return Sheet("企业名录", [chinese for chinese, _english in HEADERS.values()], [example])
