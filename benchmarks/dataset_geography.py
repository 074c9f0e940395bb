"""Where enterprises are: the GB/T 2260 regions and GB/T 4754 divisions loaded from the
reference tables, with each province's counties weighted (urban districts first)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from benchmarks.dataset_core import Weights
from benchmarks.dataset_names import PROVINCE_WEIGHTS
from models import Industry, IndustryLevel, Region, RegionLevel


@dataclass
class Geography:
    names: dict[str, str]
    parents: dict[str, str | None]
    counties: dict[str, list[str]]  # province prefix → its counties
    county_weights: dict[str, Weights[str]]
    sections: dict[str, str | None]  # division → section

    @classmethod
    def load(cls) -> Geography:
        regions = db.session.execute(
            sa.select(Region.code, Region.name, Region.level, Region.parent_code)
        ).all()
        names = {r.code: r.name for r in regions}
        parents = {r.code: r.parent_code for r in regions}
        counties: dict[str, list[str]] = {}
        urban: dict[str, list[float]] = {}
        for r in sorted(regions, key=lambda r: r.code):
            if r.level == RegionLevel.COUNTY and r.code[:2] in PROVINCE_WEIGHTS:
                counties.setdefault(r.code[:2], []).append(r.code)
                weight = 3.0 if r.name.endswith("区") else 2.0 if r.name.endswith("市") else 1.0
                urban.setdefault(r.code[:2], []).append(weight)
        weights = {p: Weights(counties[p], urban[p]) for p in counties}
        divisions = sa.select(Industry.code, Industry.section_code).where(
            Industry.level == IndustryLevel.DIVISION
        )
        sections = dict(db.session.execute(divisions).tuples().all())
        return cls(names, parents, counties, weights, sections)

    def chain(self, code: str) -> list[str]:
        codes = [code]
        while (parent := self.parents.get(codes[0])) is not None:
            codes.insert(0, parent)
        return codes
