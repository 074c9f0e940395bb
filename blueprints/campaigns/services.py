"""Campaigns: launching a round, finding the one an enterprise fills in for, setting quotas.

Rules (seeds 000, 001):
* an authority launches campaigns for its own region, several rounds a year if it wishes; a
  round's window lies within its year and the region's report is due after the window;
* at any day, an enterprise has at most one open campaign: the windows of campaigns over nested
  regions (a province's and one of its cities') may not overlap, so a city steers within its
  province's round (setting its districts' quotas) rather than beside it;
* an authority sets the quotas of the reporting units directly below its region, in any
  campaign over its region; a quota is a number, a share of the unit's roster, or both — the
  larger applies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from app.clock import local_today
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.security.access import in_region
from blueprints.campaigns.regions import ancestors_and_self, region_or_none, units_of
from models import (
    Campaign,
    CampaignQuota,
    EnterpriseTag,
    Organisation,
    OrgKind,
    Region,
    SeparateReportingUnit,
    User,
)


@dataclass(frozen=True)
class Launch:
    opens_on: date
    closes_on: date
    report_due_on: date
    title: str
    notice: str = ""
    target_tag: EnterpriseTag | None = None


def _authority_region(authority: Organisation) -> Region:
    region = authority.region
    if authority.kind != OrgKind.AUTHORITY or region is None:
        raise WorkflowError(_("Only an authority with a region runs campaigns."))
    return region


def nested_with(region: Region) -> sa.ColumnElement[bool]:
    """Campaigns over ``region``, over a region containing it, or over one inside it."""
    return sa.or_(
        Campaign.region_code.in_(ancestors_and_self(region.code)),
        in_region(region.prefix, Campaign.region_code),
    )


def overlapping(region: Region, opens_on: date, closes_on: date) -> Campaign | None:
    return db.session.scalar(
        sa.select(Campaign)
        .where(nested_with(region), Campaign.opens_on <= closes_on, Campaign.closes_on >= opens_on)
        .order_by(Campaign.opens_on)
        .limit(1)
    )


def check_window(launch: Launch, today: date) -> dict[str, str]:
    """The field errors of a launch's dates, by field name."""
    errors = {}
    if launch.closes_on < launch.opens_on:
        errors["closes_on"] = _("The window closes before it opens.")
    elif launch.closes_on.year != launch.opens_on.year:
        errors["closes_on"] = _("A round's window lies within one year.")
    elif launch.closes_on < today:
        errors["closes_on"] = _("The window would already be closed.")
    if launch.report_due_on < launch.closes_on:
        errors["report_due_on"] = _("The report is due after the window closes.")
    return errors


def launch(authority: Organisation, actor: User, launch: Launch) -> Campaign:
    """The next round of the year for ``authority``'s region; refused when the window overlaps
    a campaign over a nested region (the enterprise would not know which it fills in for)."""
    region = _authority_region(authority)
    refused = check_window(launch, local_today())
    if refused:
        raise WorkflowError(next(iter(refused.values())))
    # One launch at a time per province: the overlap check and the insert must not interleave
    # with another authority's of the same province.
    db.session.execute(
        sa.select(Region.code).where(Region.code == region.code[:2] + "0000").with_for_update()
    )
    other = overlapping(region, launch.opens_on, launch.closes_on)
    if other is not None:
        raise WorkflowError(
            _(
                "The window overlaps %(title)s of %(authority)s (%(opens)s – %(closes)s): an "
                "enterprise can take part in one campaign at a time.",
                title=other.title,
                authority=other.authority.name,
                opens=format_date(other.opens_on),
                closes=format_date(other.closes_on),
            )
        )
    year = launch.opens_on.year
    last = db.session.scalar(
        sa.select(sa.func.max(Campaign.round)).where(
            Campaign.authority_id == authority.id, Campaign.year == year
        )
    )
    campaign = Campaign(
        authority=authority,
        region_code=region.code,
        year=year,
        round=(last or 0) + 1,
        title=launch.title,
        opens_on=launch.opens_on,
        closes_on=launch.closes_on,
        report_due_on=launch.report_due_on,
        target_tag=launch.target_tag,
        notice=launch.notice,
        created_by_id=actor.id,
    )
    db.session.add(campaign)
    db.session.flush()
    announce("campaign.launch", campaign, actor)
    return campaign


def open_for(org: Organisation, day: date | None = None) -> Campaign | None:
    """The campaign whose window is open over ``org``'s region today (at most one)."""
    if org.region_code is None:
        return None
    day = day or local_today()
    return db.session.scalar(
        sa.select(Campaign)
        .where(
            Campaign.region_code.in_(ancestors_and_self(org.region_code)),
            Campaign.opens_on <= day,
            Campaign.closes_on >= day,
        )
        .order_by(sa.func.length(Campaign.region_code).desc(), Campaign.id)
        .limit(1)
    )


def visible_to(authority: Organisation) -> sa.Select:
    """The campaigns over the authority's region, above it or inside it, newest first."""
    region = _authority_region(authority)
    return (
        sa.select(Campaign)
        .where(nested_with(region))
        .options(sa.orm.joinedload(Campaign.authority))
        .order_by(Campaign.opens_on.desc(), Campaign.id.desc())
    )


def default_region(campaign: Campaign, authority: Organisation) -> Region | None:
    """The region an authority's view of a campaign starts at: the narrower of its own and
    the campaign's (None when neither contains the other)."""
    own = authority.region
    theirs = db.session.get(Region, campaign.region_code)
    if own is None or theirs is None:
        return None
    if own.code.startswith(theirs.prefix):
        return own
    if theirs.code.startswith(own.prefix):
        return theirs
    return None


def in_view(
    campaign_id: int, authority: Organisation, region_code: str | None = None
) -> tuple[Campaign, Region] | None:
    """The campaign and the region of it to show (``region_code``, else where the authority's
    view starts), both within what ``authority`` sees; None otherwise."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return None
    start = default_region(campaign, authority)
    if start is None:
        return None
    if not region_code:
        return campaign, start
    region = region_or_none(region_code)
    if region is None or not region.code.startswith(start.prefix):
        return None
    return campaign, region


# --- quotas -----------------------------------------------------------------------------------


def effective_quota(absolute: int | None, share_percent: int | None, roster: int) -> int | None:
    """The larger of the number and the share of the roster (rounded up); None without either."""
    if absolute is None and share_percent is None:
        return None
    by_share = math.ceil(roster * share_percent / 100) if share_percent else 0
    return max(absolute or 0, by_share)


def set_quotas(
    campaign: Campaign,
    authority: Organisation,
    targets: dict[str, tuple[int | None, int | None]],
    actor: User,
) -> int:
    """Set (or clear, with (None, None)) the quotas of the authority's reporting units in
    ``campaign``; refuses a unit that is not one of them. The authority of each unit whose
    quota was set or changed hears of it. Returns how many changed."""
    region = authority.region
    if region is None or default_region(campaign, authority) != region:
        raise WorkflowError(_("Only an authority within the campaign's region sets quotas."))
    units = {u.code for u in units_of(region).rows if not u.direct}
    unknown = set(targets) - units
    if unknown:
        raise WorkflowError(
            _("%(code)s is not a reporting unit of your region.", code=sorted(unknown)[0])
        )
    existing = quotas_of(campaign, sorted(targets))
    changed, told = 0, []
    for code, (absolute, share) in targets.items():
        quota = existing.get(code)
        if absolute is None and share is None:
            if quota is not None:
                db.session.delete(quota)
                changed += 1
            continue
        if quota is None:
            quota = CampaignQuota(
                campaign=campaign,
                region_code=code,
                absolute=absolute,
                share_percent=share,
                set_by_id=authority.id,
            )
            db.session.add(quota)
        elif (quota.absolute, quota.share_percent) != (absolute, share):
            quota.absolute, quota.share_percent = absolute, share
            quota.set_by_id = authority.id
        else:
            continue
        changed += 1
        told.append(quota)
    db.session.flush()
    for quota in told:
        occurrence = (
            f"quota:{campaign.id}:{quota.region_code}:{quota.absolute}:{quota.share_percent}"
        )
        announce("campaign.quota", quota, actor, occurrence=occurrence)
    return changed


def quotas_of(campaign: Campaign, codes: list[str]) -> dict[str, CampaignQuota]:
    return {
        q.region_code: q
        for q in db.session.scalars(
            sa.select(CampaignQuota).where(
                CampaignQuota.campaign_id == campaign.id, CampaignQuota.region_code.in_(codes)
            )
        )
    }


# --- separately reporting units ---------------------------------------------------------------


def separate_units(authority: Organisation) -> list[Region]:
    return list(
        db.session.scalars(
            sa.select(Region)
            .join(SeparateReportingUnit, SeparateReportingUnit.region_code == Region.code)
            .where(SeparateReportingUnit.authority_id == authority.id)
            .order_by(Region.code)
        )
    )


def add_separate_unit(authority: Organisation, code: str) -> Region:
    """Have a county-level unit below a child prefecture report to ``authority`` on its own."""
    region = _authority_region(authority)
    unit = db.session.get(Region, code) if code.isdigit() and len(code) == 6 else None
    if unit is None or not code.startswith(region.prefix) or code == region.code:
        raise WorkflowError(_("Choose a county-level unit within your region."))
    if unit.parent_code == region.code:
        raise WorkflowError(_("%(name)s already reports to you directly.", name=unit.display_name))
    if db.session.get(SeparateReportingUnit, (authority.id, code)) is None:
        db.session.add(SeparateReportingUnit(authority_id=authority.id, region_code=code))
        db.session.flush()
    return unit


def remove_separate_unit(authority: Organisation, code: str) -> None:
    row = db.session.get(SeparateReportingUnit, (authority.id, code))
    if row is None:
        raise WorkflowError(_("This unit does not report to you on its own."))
    db.session.delete(row)
    db.session.flush()
