"""Reference data: GB/T 2260 administrative divisions and GB/T 4754-2017 industries."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from models.types import TitledEnum, enum_column_type


class RegionLevel(TitledEnum):
    PROVINCE = "province", _l("Province")
    PREFECTURE = "prefecture", _l("Prefecture")
    COUNTY = "county", _l("County / district")


def localised(name: str, name_en: str | None) -> str:
    locale = get_locale()
    if locale is not None and locale.language == "en" and name_en:
        return name_en
    return name


def region_prefix(code: str, level: RegionLevel) -> str:
    """Codes of this region and of every region below it start with this prefix."""
    significant = {RegionLevel.PROVINCE: 2, RegionLevel.PREFECTURE: 4, RegionLevel.COUNTY: 6}
    return code[: significant[level]]


class Region(Model):
    """An administrative division; the code's prefix encodes the hierarchy (GB/T 2260)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(sa.String(6), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    name_en: Mapped[str | None] = mapped_column(sa.String(128))
    level: Mapped[RegionLevel] = mapped_column(enum_column_type(RegionLevel, "region_level"))
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), index=True)

    parent: Mapped[Region | None] = relationship(remote_side=[code])

    @property
    def display_name(self) -> str:
        return localised(self.name, self.name_en)

    @property
    def prefix(self) -> str:
        return region_prefix(self.code, self.level)

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"


class IndustryLevel(enum.Enum):
    SECTION = "section"  # 门类, a letter
    DIVISION = "division"  # 大类, two digits


class Industry(Model):
    """A GB/T 4754-2017 category: 门类 (section) or 大类 (division)."""

    __tablename__ = "industries"

    code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    name_en: Mapped[str] = mapped_column(sa.String(128))
    level: Mapped[IndustryLevel] = mapped_column(enum_column_type(IndustryLevel, "industry_level"))
    section_code: Mapped[str | None] = mapped_column(sa.ForeignKey("industries.code"), index=True)

    section: Mapped[Industry | None] = relationship(remote_side=[code])

    @property
    def display_name(self) -> str:
        return localised(self.name, self.name_en)

    def __repr__(self) -> str:
        return f"<Industry {self.code} {self.name}>"
