"""Quarterly bulletins (seed 001: 按季度通报): an authority issues the progress table of its
region as it stands, once a quarter per campaign; the bulletin keeps the figures as issued, and
each one says what changed since the one before (participation, completion, rank). The
authorities of the units it ranks hear of it; its PDF and Excel are drawn from what was kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.clock import local_today
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from blueprints.campaigns import progress
from blueprints.campaigns.regions import ancestors_and_self
from blueprints.campaigns.services import default_region
from models import Campaign, CampaignBulletin, Organisation, Region, User

FIGURES = ("quota", "participated", "completed", "rank", "roster")


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _kept(row: progress.Row) -> dict[str, Any]:
    return {
        "code": row.unit.code,
        "name": row.unit.name,
        "separate": row.unit.separate,
        **{name: getattr(row, name) for name in FIGURES},
    }


def may_issue(campaign: Campaign, authority: Organisation, region: Region) -> bool:
    """An authority issues bulletins of its own region, within the campaign's."""
    return region.code == authority.region_code and default_region(campaign, authority) == region


def issue(campaign: Campaign, authority: Organisation, actor: User) -> CampaignBulletin:
    """Keep the progress table of the authority's region as this quarter's bulletin."""
    region = authority.region
    if region is None or not may_issue(campaign, authority, region):
        raise WorkflowError(_("Only an authority within the campaign's region issues bulletins."))
    today = local_today()
    if today < campaign.opens_on:
        raise WorkflowError(_("The campaign has not opened yet: there is nothing to report."))
    quarter = quarter_of(today)
    done = sa.select(CampaignBulletin.id).where(
        CampaignBulletin.campaign_id == campaign.id,
        CampaignBulletin.region_code == region.code,
        CampaignBulletin.quarter == quarter,
    )
    if db.session.scalar(done) is not None:
        raise WorkflowError(_("This quarter's bulletin is already issued."))
    table = progress.table(campaign, region)
    bulletin = CampaignBulletin(
        campaign=campaign,
        region_code=region.code,
        quarter=quarter,
        authority_id=authority.id,
        issued_by_id=actor.id,
        rows=[_kept(table.total), *(_kept(r) for r in table.rows)],
    )
    db.session.add(bulletin)
    db.session.flush()  # a second issue of the quarter meets the unique constraint: 409
    announce("campaign.bulletin", bulletin, actor, occurrence=f"bulletin:{bulletin.id}")
    return bulletin


def _nested_over(campaign: Campaign, viewer: Organisation) -> sa.Select | None:
    """The campaign's bulletins of the viewer's region and of the regions containing it (the
    ones it received)."""
    start = default_region(campaign, viewer)
    if start is None:
        return None
    return sa.select(CampaignBulletin).where(
        CampaignBulletin.campaign_id == campaign.id,
        CampaignBulletin.region_code.in_(ancestors_and_self(start.code)),
    )


def nested_over(campaign: Campaign, viewer: Organisation) -> list[CampaignBulletin]:
    """Those bulletins, newest first."""
    query = _nested_over(campaign, viewer)
    if query is None:
        return []
    order = (CampaignBulletin.issued_at.desc(), CampaignBulletin.id.desc())
    return list(db.session.scalars(query.order_by(*order)))


def visible(bulletin_id: int, campaign: Campaign, viewer: Organisation) -> CampaignBulletin | None:
    query = _nested_over(campaign, viewer)
    if query is None:
        return None
    return db.session.scalar(query.where(CampaignBulletin.id == bulletin_id))


# --- what changed since the last bulletin ------------------------------------------------------


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    total: bool
    quota: int | None
    participated: int
    completed: int
    rank: int | None
    roster: int
    change_participated: int | None  # None: no earlier bulletin (or the unit was not in it)
    change_completed: int | None
    change_rank: int | None  # positive: moved up

    @property
    def rate(self) -> float | None:
        return self.completed / self.quota if self.quota else None


def previous(bulletin: CampaignBulletin) -> CampaignBulletin | None:
    return db.session.scalar(
        sa.select(CampaignBulletin)
        .where(
            CampaignBulletin.campaign_id == bulletin.campaign_id,
            CampaignBulletin.region_code == bulletin.region_code,
            CampaignBulletin.issued_at < bulletin.issued_at,
        )
        .order_by(CampaignBulletin.issued_at.desc())
        .limit(1)
    )


def lines(bulletin: CampaignBulletin, before: CampaignBulletin | None) -> list[Line]:
    earlier = {row["code"]: row for row in (before.rows if before else [])}
    found = []
    for n, row in enumerate(bulletin.rows):
        then = earlier.get(row["code"])
        rank, was = row.get("rank"), then.get("rank") if then else None
        found.append(
            Line(
                code=row["code"],
                name=row["name"],
                total=n == 0,
                quota=row.get("quota"),
                participated=row.get("participated") or 0,
                completed=row.get("completed") or 0,
                rank=rank,
                roster=row.get("roster") or 0,
                change_participated=(row.get("participated") or 0) - (then["participated"] or 0)
                if then
                else None,
                change_completed=(row.get("completed") or 0) - (then["completed"] or 0)
                if then
                else None,
                change_rank=was - rank if rank is not None and was is not None else None,
            )
        )
    return found
