"""The figures a statistics page shows, from a snapshot for the widest scopes.

The country's, a province's and a prefecture's figures aggregate up to hundreds of thousands of
score and indicator rows: the scheduler keeps them (this year's and last year's, every
industry) in ``statistics_snapshots``, and the pages read that row, saying as of when. Every
other scope — a county, one industry — is computed on the spot (a few thousand rows at most),
as is a scope whose snapshot is missing or older than STATISTICS_SNAPSHOT_MAX_AGE_MINUTES (the
scheduler is down): the figures are never silently stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.clock import local_today, utcnow
from app.extensions import db
from blueprints.statistics import services
from models import Region, RegionLevel, StatisticsSnapshot

REFRESH = timedelta(minutes=30)
WIDE = (RegionLevel.PROVINCE, RegionLevel.PREFECTURE)  # and the country


@dataclass(frozen=True)
class Figures:
    assessed: int
    stages: list[services.StageShare]
    dimensions: list[services.DimensionStat]
    indicators: list[services.IndicatorStat]
    units: list[services.UnitRow]
    trend: list[tuple[int, int, float | None]]
    as_of: datetime | None = None  # the snapshot's time; None: computed for this request


def kept(scope: services.Scope) -> bool:
    """Whether the scheduler keeps this scope's figures."""
    wide = scope.region is None or scope.region.level in WIDE
    return wide and not scope.industry and scope.year >= local_today().year - 1


def _key(scope: services.Scope) -> str:
    return f"{scope.year}:{scope.region.code if scope.region else '000000'}"


def numbers(scope: services.Scope, cut: services.Parts | None = None) -> dict[str, Any]:
    return {
        "stages": services.stage_numbers(scope),
        "dimensions": services.dimension_numbers(scope),
        "indicators": services.indicator_numbers(scope),
        "units": services.unit_numbers(scope, cut),
        "trend": services.trend_numbers(scope),
    }


def _snapshot(scope: services.Scope) -> StatisticsSnapshot | None:
    """The scope's snapshot, if it is kept and fresh."""
    if not kept(scope):
        return None
    snapshot = db.session.get(StatisticsSnapshot, _key(scope))
    limit = timedelta(minutes=current_app.config["STATISTICS_SNAPSHOT_MAX_AGE_MINUTES"])
    if snapshot is None or snapshot.computed_at < utcnow() - limit:
        return None
    return snapshot


def units(scope: services.Scope) -> tuple[list[services.UnitRow], datetime | None]:
    """The reporting units' figures alone (the data map), and as of when."""
    snapshot = _snapshot(scope)
    if snapshot is None:
        return services.units(scope), None
    return services.units(scope, snapshot.payload["units"]), snapshot.computed_at


def figures(scope: services.Scope) -> Figures:
    snapshot = _snapshot(scope)
    cut = services.parts(scope)  # the units' order, read once
    found = snapshot.payload if snapshot is not None else numbers(scope, cut)
    as_of = snapshot.computed_at if snapshot is not None else None
    assessed, stages = services.stages(scope, found["stages"])
    return Figures(
        assessed=assessed,
        stages=stages,
        dimensions=services.dimensions(scope, found["dimensions"]),
        indicators=services.indicators(scope, found["indicators"]),
        units=services.units(scope, found["units"], cut),
        trend=services.trend(scope, found["trend"]),
        as_of=as_of,
    )


def refresh() -> int:
    """Recompute every kept scope (the country, each province and prefecture, this year and
    last);
    returns how many were written. Each is replaced whole, in the scheduler's transaction."""
    db.session.expire_all()  # the rows are written past the session: read them afresh
    this_year = local_today().year
    regions = db.session.scalars(
        sa.select(Region).where(Region.level.in_(WIDE)).order_by(Region.code)
    ).all()
    written = 0
    for year in (this_year - 1, this_year):
        for region in (None, *regions):
            scope = services.Scope(region, year)
            _store(_key(scope), numbers(scope))
            written += 1
    return written


def _store(key: str, payload: dict[str, Any]) -> None:
    """Insert or replace the snapshot in one statement: two scheduler runs racing (a standby
    taking over) both succeed, the later one's figures stay."""
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    statement = insert(StatisticsSnapshot).values(key=key, payload=payload, computed_at=utcnow())
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[StatisticsSnapshot.key],
            set_={
                "payload": statement.excluded.payload,
                "computed_at": statement.excluded.computed_at,
            },
        )
    )
