"""Queries over the reference data (regions, industries)."""

from __future__ import annotations

import sqlalchemy as sa
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs: 3.2

from app.extensions import db
from app.forms import BLANK, options
from models import Industry, IndustryLevel, Region, RegionLevel


def provinces() -> list[Region]:
    return list(
        db.session.scalars(
            sa.select(Region).where(Region.level == RegionLevel.PROVINCE).order_by(Region.code)
        )
    )


def children(code: str | None) -> list[Region]:
    if not code:
        return []
    return list(
        db.session.scalars(
            sa.select(Region).where(Region.parent_code == code).order_by(Region.code)
        )
    )


def has_children(code: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Region.parent_code == code))) or False


def region_chain(code: str | None) -> list[Region]:
    """The region and its ancestors, province first (at most three rows, one query)."""
    if not code or len(code) != 6 or not code.isdigit():
        return []
    candidates = {code[:2] + "0000", code[:4] + "00", code}
    rows = db.session.scalars(sa.select(Region).where(Region.code.in_(candidates))).all()
    by_code = {r.code: r for r in rows}
    chain: list[Region] = []
    node = by_code.get(code)
    while node is not None:
        chain.insert(0, node)
        node = by_code.get(node.parent_code) if node.parent_code else None
    return chain


def industry_choices() -> list[SelectChoice]:
    """Divisions (大类) grouped under their section (门类), for an optgroup select."""
    section = sa.orm.aliased(Industry)
    rows = db.session.execute(
        sa.select(Industry, section)
        .join(section, Industry.section_code == section.code)
        .where(Industry.level == IndustryLevel.DIVISION)
        .order_by(section.code, Industry.code)
    ).all()
    return options([], blank=BLANK) + [
        SelectChoice(
            value=division.code,
            label=f"{division.code} {division.display_name}",
            optgroup=f"{parent.code} {parent.display_name}",
        )
        for division, parent in rows
    ]


def get_division(code: str | None) -> Industry | None:
    if not code:
        return None
    industry = db.session.get(Industry, code)
    if industry is None or industry.level != IndustryLevel.DIVISION:
        return None
    return industry
