"""Regional statistics of the self-assessments (seeds 000, 001, 002): for a region (or the
country), a year and optionally an industry — the distribution over the four stages, the
dimension scores' mean and quartiles, the 24 key indicators of seed 002's table 1, the stage
shares of each reporting unit below, and the trend over the years.

What counts is what the reports compare with: a submitted self-assessment, not sent back
(SUBMITTED_STATES), with its region and industry as they were at submission. Each figure is one
grouped SQL query: the quartiles are read from the scores' histogram (a few hundred distinct
scores whatever the number of enterprises), a regional indicator is the mean of the
enterprises' values — for a "share" indicator (企业比例), stored per enterprise as 100 or 0,
that mean is the share of enterprises answering yes; for a rate (关键工序数控化率), the mean of
the enterprises' rates — each enterprise weighs the same, whatever its size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _

from app.clock import local_today
from app.extensions import db
from app.security.access import in_region
from blueprints.assessment.questionnaire import DIRECTIONS, naming_edition
from blueprints.campaigns.regions import Units, units_of
from blueprints.statistics import development_index
from models import (
    SUBMITTED_STATES,
    TOTAL_KEY,
    Assessment,
    AssessmentIndicator,
    AssessmentScore,
    Certificate,
    CertificateStatus,
    Industry,
    Region,
    RosterEnterprise,
)

QUARTILES = (0.25, 0.5, 0.75)
# How a code maps to its unit's row, which codes a table counts, and the rows in order.
Parts = tuple[Callable[[Any], Any], Callable[[Any], Any], list[tuple]]
LATER = sa.orm.aliased(Assessment, name="later")  # the same enterprise's, in the same year
TREND_YEARS = 5


@dataclass(frozen=True)
class Scope:
    region: Region | None  # None: the whole country
    year: int
    industry: str = ""  # a GB/T 4754 section letter or division, or "" for every industry

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        return [Assessment.year == self.year, *self.place()]

    def place(self) -> list[sa.ColumnElement[bool]]:
        """Region and industry, whatever the year; an enterprise counts once a year (by its
        latest submitted assessment, when it took part in several rounds)."""
        found: list[sa.ColumnElement[bool]] = [
            Assessment.status.in_(SUBMITTED_STATES),
            ~sa.exists().where(
                LATER.organisation_id == Assessment.organisation_id,
                LATER.year == Assessment.year,
                LATER.status.in_(SUBMITTED_STATES),
                LATER.id > Assessment.id,
            ),
        ]
        if self.region is not None:
            found.append(in_region(self.region.prefix, Assessment.region_code))
        if self.industry.isdigit():
            found.append(Assessment.industry_code == self.industry)
        elif self.industry:
            divisions = sa.select(Industry.code).where(Industry.section_code == self.industry)
            found.append(Assessment.industry_code.in_(divisions))
        return found


@dataclass(frozen=True)
class StageShare:
    key: str
    title: str
    count: int
    share: float | None  # of the assessed enterprises, 0–1


@dataclass(frozen=True)
class DimensionStat:
    key: str
    title: str
    count: int
    mean: float | None
    quartiles: tuple[float | None, float | None, float | None]


@dataclass(frozen=True)
class IndicatorStat:
    key: str
    direction: str
    title: str
    kind: str  # "rate" or "share"
    count: int  # enterprises with a known value
    value: float | None  # percent


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    drill: bool
    count: int
    mean_total: float | None
    stages: dict[str, float]  # stage key → share of the unit's assessed enterprises
    roster: int = 0
    certificates: int = 0  # valid today
    index: float | None = None  # the development index (data/development_index.yaml)


def _locale() -> str:
    return str(get_locale() or "zh")


# Each figure in two steps: its numbers (one grouped query; plain JSON, what a snapshot keeps,
# see snapshots.py) and the rows the pages show, titled in the reader's language.


def stage_numbers(scope: Scope) -> dict[str, int]:
    return {
        stage or "": count
        for stage, count in db.session.execute(
            sa.select(Assessment.stage, sa.func.count())
            .where(*scope.conditions())
            .group_by(Assessment.stage)
        )
    }


def stages(scope: Scope, counted: dict[str, int] | None = None) -> tuple[int, list[StageShare]]:
    counted = stage_numbers(scope) if counted is None else counted
    total = sum(counted.values())
    locale = _locale()
    return total, [
        StageShare(
            stage.key,
            stage.title.get(locale),
            counted.get(stage.key, 0),
            counted.get(stage.key, 0) / total if total else None,
        )
        for stage in naming_edition(scope.year).stages
    ]


def quartiles_of(histogram: Iterable[tuple[float, int]]) -> tuple[float | None, ...]:
    """The quartiles (linear interpolation between ranks, as PostgreSQL's percentile_cont) of
    the values a histogram of (value, count) holds."""
    bins = sorted(histogram)
    n = sum(count for _value, count in bins)
    if n == 0:
        return (None,) * len(QUARTILES)

    def at(rank: int) -> float:
        seen = 0
        for value, count in bins:
            seen += count
            if rank < seen:
                return value
        return bins[-1][0]

    found = []
    for q in QUARTILES:
        position = q * (n - 1)
        low, high = math.floor(position), math.ceil(position)
        below, above = at(low), at(high)
        found.append(round(below + (above - below) * (position - low), 2))
    return tuple(found)


def dimension_numbers(scope: Scope) -> dict[str, list]:
    """Per dimension (and the total): [count, mean, lower quartile, median, upper quartile]."""
    rows = db.session.execute(
        sa.select(AssessmentScore.dimension, AssessmentScore.score, sa.func.count())
        .join(Assessment, Assessment.id == AssessmentScore.assessment_id)
        .where(*scope.conditions())
        .group_by(AssessmentScore.dimension, AssessmentScore.score)
    ).all()
    histograms: dict[str, list[tuple[float, int]]] = {}
    for dimension, score, count in rows:
        histograms.setdefault(dimension, []).append((score, count))
    found: dict[str, list] = {}
    for key, histogram in histograms.items():
        n = sum(count for _score, count in histogram)
        mean = round(sum(score * count for score, count in histogram) / n, 2) if n else None
        found[key] = [n, mean, *quartiles_of(histogram)]
    return found


def dimensions(scope: Scope, numbers: dict[str, list] | None = None) -> list[DimensionStat]:
    numbers = dimension_numbers(scope) if numbers is None else numbers
    questionnaire = naming_edition(scope.year)
    locale = _locale()
    titles = [(d.key, d.title.get(locale)) for d in questionnaire.dimensions]
    titles.append((TOTAL_KEY, _("Total score")))
    found = []
    for key, title in titles:
        n, mean, q1, q2, q3 = numbers.get(key, [0, None, None, None, None])
        found.append(DimensionStat(key, title, n, mean, (q1, q2, q3)))
    return found


def indicator_numbers(scope: Scope) -> dict[str, list]:
    """Per indicator: [enterprises with a value, their mean]."""
    rows = db.session.execute(
        sa.select(
            AssessmentIndicator.key,
            sa.func.count(),
            sa.func.avg(AssessmentIndicator.value),
        )
        .join(Assessment, Assessment.id == AssessmentIndicator.assessment_id)
        .where(*scope.conditions())
        .group_by(AssessmentIndicator.key)
    ).all()
    return {
        key: [count, round(float(mean), 1) if mean is not None else None]
        for key, count, mean in rows
    }


def indicators(scope: Scope, numbers: dict[str, list] | None = None) -> list[IndicatorStat]:
    numbers = indicator_numbers(scope) if numbers is None else numbers
    locale = _locale()
    return [
        IndicatorStat(
            i.key,
            DIRECTIONS[i.direction].get(locale),
            i.title.get(locale),
            i.kind,
            *numbers.get(i.key, [0, None]),
        )
        for i in naming_edition(scope.year).indicators
    ]


def parts(scope: Scope) -> Parts:
    """How a code maps to the unit of its row, which codes the table counts, and the rows in
    order (code, name, has a level below, the region's own code)."""
    if scope.region is None:
        provinces = db.session.scalars(
            sa.select(Region).where(Region.parent_code.is_(None)).order_by(Region.code)
        ).all()
        return (
            lambda column: sa.func.substr(column, 1, 2) + "0000",
            lambda column: sa.true(),
            [(p.code, p.display_name, True, False) for p in provinces],
        )
    parts: Units = units_of(scope.region)
    return parts.key, parts.scope, [(u.code, u.name, u.drill, u.direct) for u in parts.rows]


def _by_unit(key: Callable[[Any], Any], column: Any, *where: Any) -> dict[str, int]:
    """How many rows of ``column``'s table satisfy ``where``, by unit."""
    inner = sa.select(key(column).label("unit")).where(*where).subquery()
    query = sa.select(inner.c.unit, sa.func.count()).group_by(inner.c.unit)
    return {row[0]: row[1] for row in db.session.execute(query)}


def unit_numbers(scope: Scope, cut: Parts | None = None) -> dict[str, Any]:
    """Per unit: [unit, stage, count, sum of totals] rows, the roster and the valid
    certificates (``cut``: the scope's parts, when already read)."""
    key, within, _order = cut or parts(scope)
    return _unit_numbers(scope, key, within)


def _unit_numbers(
    scope: Scope, key: Callable[[Any], Any], within: Callable[[Any], Any]
) -> dict[str, Any]:
    inner = (
        sa.select(key(Assessment.region_code).label("unit"), Assessment.stage, Assessment.total)
        .where(*scope.conditions(), within(Assessment.region_code))
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            inner.c.unit, inner.c.stage, sa.func.count(), sa.func.sum(inner.c.total)
        ).group_by(inner.c.unit, inner.c.stage)
    ).all()
    roster = _by_unit(key, RosterEnterprise.region_code, within(RosterEnterprise.region_code))
    today = local_today()
    certificates = _by_unit(
        key,
        Certificate.region_code,
        within(Certificate.region_code),
        Certificate.status == CertificateStatus.VALID,
        Certificate.expires_on >= today,
    )
    return {
        "rows": [[unit, stage, count, float(total or 0)] for unit, stage, count, total in rows],
        "roster": roster,
        "certificates": certificates,
    }


def units(
    scope: Scope, numbers: dict[str, Any] | None = None, cut: Parts | None = None
) -> list[UnitRow]:
    """Each reporting unit below the region (the provinces below the country): its stage
    shares, mean total, roster, valid certificates and development index."""
    key, within, order = cut or parts(scope)
    numbers = _unit_numbers(scope, key, within) if numbers is None else numbers
    return _unit_rows(numbers["rows"], order, numbers["roster"], numbers["certificates"])


def _unit_rows(
    rows: Iterable[Any],
    order: list[tuple[str, str, bool, bool]],
    roster: dict[str, int],
    certificates: dict[str, int],
) -> list[UnitRow]:
    counts: dict[str, dict[str, int]] = {}
    sums: dict[str, float] = {}
    for unit, stage, count, total in rows:
        counts.setdefault(unit, {})[stage or ""] = count
        sums[unit] = sums.get(unit, 0.0) + float(total or 0)
    upper = development_index.definition()["advanced_stages"]
    found = []
    for code, name, drill, direct in order:
        by_stage = counts.get(code, {})
        n = sum(by_stage.values())
        if direct and not (n or roster.get(code) or certificates.get(code)):
            continue
        mean = round(sums[code] / n, 1) if n else None
        parts = development_index.components(
            n,
            roster.get(code, 0),
            mean,
            sum(count for stage, count in by_stage.items() if stage in upper),
            certificates.get(code, 0),
        )
        found.append(
            UnitRow(
                code,
                name,
                drill,
                n,
                mean,
                {stage: count / n for stage, count in by_stage.items()} if n else {},
                roster.get(code, 0),
                certificates.get(code, 0),
                development_index.index(parts),
            )
        )
    return found


def trend_numbers(scope: Scope) -> list[list]:
    """[year, assessed enterprises, mean total] over the last TREND_YEARS years."""
    first = scope.year - TREND_YEARS + 1
    rows = db.session.execute(
        sa.select(Assessment.year, sa.func.count(), sa.func.avg(Assessment.total))
        .where(*scope.place(), Assessment.year.between(first, scope.year))
        .group_by(Assessment.year)
        .order_by(Assessment.year)
    ).all()
    return [
        [year, count, round(float(mean), 1) if mean is not None else None]
        for year, count, mean in rows
    ]


def trend(scope: Scope, numbers: list[list] | None = None) -> list[tuple[int, int, float | None]]:
    rows = trend_numbers(scope) if numbers is None else numbers
    return [(year, count, mean) for year, count, mean in rows]
