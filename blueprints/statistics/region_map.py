"""The data map: one figure per reporting unit of a region, for the metric chosen.

The figures are those of the statistics page (stage shares, mean total score, valid
certificates against the roster) and, when a campaign over the region is chosen, of its progress
table (participation and completion against the quota): the same grouped queries, merged by
unit code, so the map, the table beside it and the other pages never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _

from app.extensions import db
from blueprints.assessment.questionnaire import naming_edition
from blueprints.campaigns import progress
from blueprints.campaigns.regions import ancestors_and_self
from blueprints.statistics import services, snapshots
from models import Campaign

PER = 1000  # valid certificates per this many roster enterprises


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    unit: str  # "%", "" (a score) or "‰" (per thousand)
    campaign: bool = False  # needs a campaign's progress table


@dataclass
class MapRow:
    code: str
    name: str
    drill: bool
    direct: bool  # the region's own level: a row of the table, not a shape of the map
    assessed: int = 0
    mean: float | None = None
    stages: dict[str, float] = field(default_factory=dict)
    roster: int = 0
    certificates: int = 0
    quota: int | None = None
    participated: int | None = None
    completed: int | None = None

    @property
    def per_thousand(self) -> float | None:
        return round(self.certificates * PER / self.roster, 1) if self.roster else None

    def value(self, metric: str) -> float | None:
        """The figure the map colours the unit by (shares in percent)."""
        if metric == "participation":
            return _percent(self.participated, self.quota)
        if metric == "completion":
            return _percent(self.completed, self.quota)
        if metric == "mean":
            return self.mean
        if metric == "certificates":
            return self.per_thousand
        stage = metric.removeprefix("stage:")
        if stage != metric and self.assessed:
            return round(self.stages.get(stage, 0.0) * 100, 1)
        return None


def _percent(part: int | None, whole: int | None) -> float | None:
    return round(part * 100 / whole, 1) if part is not None and whole else None


def metrics(scope: services.Scope, campaign: Campaign | None) -> list[Metric]:
    locale = str(get_locale() or "zh")
    found = []
    if campaign is not None:
        found += [
            Metric("participation", _("Participation against quota"), "%", True),
            Metric("completion", _("Completion against quota"), "%", True),
        ]
    found.append(Metric("mean", _("Mean total score"), ""))
    found += [
        Metric(f"stage:{s.key}", _("Share at %(stage)s", stage=s.title.get(locale)), "%")
        for s in naming_edition(scope.year).stages
    ]
    found.append(Metric("certificates", _("Valid certificates per 1,000 enterprises"), "‰"))
    return found


def campaigns_over(scope: services.Scope) -> list[Campaign]:
    """The campaigns of the year over the region (its own and those above): their progress
    tables can be drawn at this region. None for the whole country."""
    if scope.region is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Campaign)
            .where(
                Campaign.year == scope.year,
                Campaign.region_code.in_(ancestors_and_self(scope.region.code)),
            )
            .order_by(Campaign.opens_on.desc(), Campaign.id.desc())
        )
    )


def rows(scope: services.Scope, campaign: Campaign | None) -> tuple[list[MapRow], datetime | None]:
    """The region's reporting units with their figures (the statistics' rows, the progress
    table's merged in), the region's own level last as in the other tables; and as of when the
    statistics' figures are (None: now)."""
    unit_rows, as_of = snapshots.units(scope)
    found = {
        u.code: MapRow(
            u.code,
            u.name,
            u.drill,
            direct=scope.region is not None and u.code == scope.region.code,
            assessed=u.count,
            mean=u.mean_total,
            stages=u.stages,
            roster=u.roster,
            certificates=u.certificates,
        )
        for u in unit_rows
    }
    if campaign is not None and scope.region is not None:
        for row in progress.table(campaign, scope.region).rows:
            code = row.unit.code
            target = found.setdefault(
                code, MapRow(code, row.unit.name, row.unit.drill, direct=row.unit.direct)
            )
            target.quota, target.participated, target.completed = (
                row.quota,
                row.participated,
                row.completed,
            )
    return sorted(found.values(), key=lambda r: (r.direct, r.code)), as_of
