"""Regions as campaigns see them: what contains what, and the reporting units of a region.

GB/T 2260 codes carry their hierarchy: 440606 lies in 440600 (佛山市) in 440000 (广东省). A
region's reporting units are its children, plus the county-level units that its authority has
report on their own (Guangdong's 顺德区); those leave their prefecture's figures, and so do the
units an authority higher up has report on their own, wherever the table is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.security.access import in_region
from models import Organisation, OrgKind, Region, RegionLevel, SeparateReportingUnit


def ancestors_and_self(code: str) -> list[str]:
    """The codes of the regions containing ``code`` (itself included), widest first."""
    codes = [code[:2] + "0000", code[:4] + "00", code]
    return list(dict.fromkeys(codes))  # a province's or prefecture's code repeats


def child_key(region: Region, column: Any) -> sa.ColumnElement[str]:
    """The code of the child of ``region`` a code lies in: a province's children are the
    prefectures (the first four digits), a prefecture's the counties (the code itself)."""
    if region.level == RegionLevel.PROVINCE:
        return sa.func.substr(column, 1, 4) + "00"
    return column


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    separate: bool = False  # reports on its own beside the children
    direct: bool = False  # the region's own code: enterprises registered at its level
    drill: bool = True  # has a level below to open


@dataclass(frozen=True)
class Units:
    """The rows of a region's table and the codes its figures leave out."""

    region: Region
    rows: list[Unit]
    separate: frozenset[str]  # its own separately reporting units (rows of their own)
    excluded: frozenset[str]  # reported by an authority above on their own: not here
    # County-level codes that are a unit by themselves: the separate ones, and the counties
    # directly under a province (Beijing's districts, Hubei's 仙桃市).
    whole: frozenset[str] = frozenset()

    def key(self, column: Any) -> sa.ColumnElement[str]:
        """The unit a code belongs to, in SQL."""
        if self.region.level == RegionLevel.COUNTY:
            return sa.literal(self.region.code, sa.String)
        if not self.whole:
            return child_key(self.region, column)
        return sa.case(
            (column.in_(sorted(self.whole)), column), else_=child_key(self.region, column)
        )

    def scope(self, column: Any) -> sa.ColumnElement[bool]:
        """The codes this table counts."""
        inside = in_region(self.region.prefix, column)
        if self.excluded:
            return sa.and_(inside, column.not_in(sorted(self.excluded)))
        return inside


def _separate_units(region: Region) -> list[tuple[str, str]]:
    """(authority's region, unit) for the separately reporting units set by the authorities
    of ``region`` and of every region containing it, that lie within ``region``."""
    rows = db.session.execute(
        sa.select(Organisation.region_code, SeparateReportingUnit.region_code)
        .join(Organisation, Organisation.id == SeparateReportingUnit.authority_id)
        .where(
            Organisation.kind == OrgKind.AUTHORITY,
            Organisation.region_code.in_(ancestors_and_self(region.code)),
            in_region(region.prefix, SeparateReportingUnit.region_code),
        )
    ).all()
    return [(authority_region or "", unit) for authority_region, unit in rows]


def units_of(region: Region) -> Units:
    """The rows of ``region``'s table: its children by code (less those reported on their own),
    its own separately reporting units, and the region itself for enterprises registered at its
    level (the row is dropped by the table when it counts nothing)."""
    pairs = _separate_units(region)
    separate = frozenset(u for owner, u in pairs if owner == region.code and u != region.code)
    excluded = frozenset(u for owner, u in pairs if owner != region.code and u != region.code)
    if region.level == RegionLevel.COUNTY:
        rows = [Unit(region.code, region.display_name, drill=False)]
        return Units(region, rows, frozenset(), excluded)
    children = db.session.scalars(
        sa.select(Region).where(Region.parent_code == region.code).order_by(Region.code)
    ).all()
    names = {r.code: r.display_name for r in children}
    if separate:
        names |= {
            r.code: r.display_name
            for r in db.session.scalars(sa.select(Region).where(Region.code.in_(separate)))
        }
    rows = [
        Unit(c.code, c.display_name, drill=c.level != RegionLevel.COUNTY)
        for c in children
        if c.code not in separate and c.code not in excluded
    ]
    rows += [
        Unit(code, names.get(code, code), separate=True, drill=False) for code in sorted(separate)
    ]
    rows.append(Unit(region.code, region.display_name, direct=True, drill=False))
    direct_counties = {c.code for c in children if c.level == RegionLevel.COUNTY}
    whole = separate | direct_counties if region.level == RegionLevel.PROVINCE else separate
    return Units(region, rows, separate, excluded, frozenset(whole))


def region_or_none(code: str | None) -> Region | None:
    if not code or not code.isdigit() or len(code) != 6:
        return None
    return db.session.get(Region, code)
