"""The progress table of a campaign (seed 001, annex 2: 全省两化融合评估诊断和对标引导情况表).

Per reporting unit of a region: its quota, its roster, 参与评估数 — the enterprises with an
assessment record in the campaign (a draft counts) — and 完成评估数 — those whose assessment is
scored and submitted (waiting for review or approved; one returned for correction is not, until
it is submitted again); the completion rate against the quota, and the rank by it. The region's
own total comes first and is the sum of its rows. Each figure is one grouped SQL query, whatever
the number of enterprises.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from blueprints.campaigns.regions import Unit, Units, units_of
from blueprints.campaigns.services import effective_quota, quotas_of
from models import (
    SUBMITTED_STATES,
    Assessment,
    Campaign,
    CampaignQuota,
    Organisation,
    Region,
    RosterEnterprise,
    RosterTag,
)


@dataclass(frozen=True)
class Row:
    unit: Unit
    roster: int
    participated: int
    completed: int
    absolute: int | None = None
    share_percent: int | None = None
    quota: int | None = None  # the larger of the two
    rank: int | None = None

    @property
    def rate(self) -> float | None:
        """Completed against the quota (1.0 = met)."""
        return self.completed / self.quota if self.quota else None

    @property
    def below_quota(self) -> bool:
        return self.quota is not None and self.completed < self.quota


@dataclass(frozen=True)
class Table:
    campaign: Campaign
    region: Region
    total: Row
    rows: list[Row]
    units: Units


def _target(campaign: Campaign) -> sa.ColumnElement[bool]:
    """The roster enterprises a campaign targets: all, or those with its tag."""
    if campaign.target_tag is None:
        return sa.true()
    return sa.exists().where(
        RosterTag.roster_id == RosterEnterprise.id, RosterTag.tag == campaign.target_tag
    )


def _grouped(units: Units, query: sa.Select, column: Any) -> dict[str, tuple]:
    """``query``'s rows (with the unit of ``column``) counted by unit."""
    inner = query.add_columns(units.key(column).label("unit")).where(units.scope(column))
    rows = inner.subquery()
    counted = sa.select(
        rows.c.unit,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(rows.c.done), 0),
    ).group_by(rows.c.unit)
    return {unit: (count, done) for unit, count, done in db.session.execute(counted)}


def _participation(campaign: Campaign, units: Units) -> dict[str, tuple]:
    done = sa.case((Assessment.status.in_(SUBMITTED_STATES), 1), else_=0).label("done")
    query = sa.select(done).where(Assessment.campaign_id == campaign.id)
    return _grouped(units, query, Assessment.region_code)


def _roster(campaign: Campaign, units: Units) -> dict[str, tuple]:
    query = sa.select(sa.literal(0).label("done")).where(_target(campaign))
    return _grouped(units, query, RosterEnterprise.region_code)


def _ranked(rows: list[Row]) -> list[Row]:
    """Rank the rows with a quota by completion rate, then by completions; equal ones share."""
    order = sorted(
        (r for r in rows if r.quota), key=lambda r: (-(r.rate or 0.0), -r.completed, r.unit.code)
    )
    ranks: dict[str, int] = {}
    previous, rank = None, 0
    for position, row in enumerate(order, start=1):
        score = (row.rate, row.completed)
        if score != previous:
            rank, previous = position, score
        ranks[row.unit.code] = rank
    return [replace(row, rank=ranks.get(row.unit.code)) for row in rows]


def table(campaign: Campaign, region: Region) -> Table:
    """The table of ``region`` (the campaign's or one inside it) in ``campaign``."""
    units = units_of(region)
    taken = _participation(campaign, units)
    roster = _roster(campaign, units)
    # The units' quotas and the region's own (set from above), in one query.
    quotas = quotas_of(campaign, [u.code for u in units.rows] + [region.code])
    rows = []
    for unit in units.rows:
        participated, completed = taken.get(unit.code, (0, 0))
        listed = roster.get(unit.code, (0, 0))[0]
        if unit.direct and not (participated or listed):
            continue  # nobody registered at the region's own level
        quota = quotas.get(unit.code) if not unit.direct else None
        rows.append(
            Row(
                unit=unit,
                roster=listed,
                participated=participated,
                completed=completed,
                absolute=quota.absolute if quota else None,
                share_percent=quota.share_percent if quota else None,
                quota=effective_quota(quota.absolute, quota.share_percent, listed)
                if quota
                else None,
            )
        )
    rows = _ranked(rows)
    total = _total(region, rows, quotas.get(region.code))
    return Table(campaign, region, total, rows, units)


def _total(region: Region, rows: list[Row], own: CampaignQuota | None) -> Row:
    """The region's own row: the sums, and its quota as set from above (else the sum of its
    units' quotas, when any is set)."""
    roster = sum(r.roster for r in rows)
    if own is not None:
        quota = effective_quota(own.absolute, own.share_percent, roster)
    else:
        quotas = [r.quota for r in rows if r.quota is not None]
        quota = sum(quotas) if quotas else None
    unit = Unit(region.code, region.display_name, drill=False)
    return Row(
        unit=unit,
        roster=roster,
        participated=sum(r.participated for r in rows),
        completed=sum(r.completed for r in rows),
        absolute=own.absolute if own else None,
        share_percent=own.share_percent if own else None,
        quota=quota,
    )


# --- the enterprises of a unit ---------------------------------------------------------------


def participants(campaign: Campaign, units: Units) -> sa.Select:
    """The assessments of the campaign in the table's region, with their enterprise, as rows."""
    return (
        sa.select(
            Assessment.id,
            Assessment.status,
            Assessment.total,
            Assessment.stage,
            Assessment.submitted_at,
            Organisation.name,
            Organisation.credit_code,
            Assessment.region_code,
        )
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(Assessment.campaign_id == campaign.id, units.scope(Assessment.region_code))
        .order_by(Organisation.name, Assessment.id)
    )


def absentees(campaign: Campaign, units: Units) -> sa.Select:
    """The roster enterprises the campaign targets in the region that have no assessment in
    it (an enterprise without an account has none)."""
    took_part = (
        sa.select(Assessment.id)
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(
            Assessment.campaign_id == campaign.id,
            Organisation.credit_code == RosterEnterprise.credit_code,
        )
    )
    return (
        sa.select(
            RosterEnterprise.id,
            RosterEnterprise.name,
            RosterEnterprise.credit_code,
            RosterEnterprise.region_code,
            RosterEnterprise.contact_email,
        )
        .where(units.scope(RosterEnterprise.region_code), _target(campaign), ~took_part.exists())
        .order_by(RosterEnterprise.region_code, RosterEnterprise.name, RosterEnterprise.id)
    )
