"""What waits on an authority: the self-assessments whose review is its organisation's turn
(district first, then city), the campaigns over its region whose quotas for its units it has
not set yet, and its running campaigns without this quarter's bulletin. Its decided reviews
are a page of their own (review_history)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.clock import local_today
from blueprints.campaigns.bulletins import quarter_of
from blueprints.campaigns.regions import ancestors_and_self
from blueprints.main.worklist import diagnosis, pool, reform, reform_subsidy
from blueprints.main.worklist.items import WorkItem, WorkList, capped
from blueprints.main.worklist.notices import notices_to_confirm
from models import (
    Assessment,
    AssessmentStatus,
    AuthorityContact,
    Campaign,
    CampaignBulletin,
    CampaignQuota,
    Organisation,
    RegionLevel,
    User,
)

AWAITING = (AssessmentStatus.AWAITING_DISTRICT, AssessmentStatus.AWAITING_CITY)


def lists(user: User) -> list[WorkList]:
    return [
        review_queue(user),
        quotas_to_set(user),
        contacts_to_report(user),
        bulletins_due(user),
        notices_to_confirm(user.organisation),
        diagnosis.reports_to_accept(user.organisation_id),
        diagnosis.authority_engagements(user.organisation_id),
        diagnosis.reports_overdue(user.organisation_id, local_today()),
        *pool.authority_lists(user),
        pool.expert_list(user),
        reform.authority_list(user),
        reform_subsidy.authority_list(user),
        reform.authority_review_list(user),
    ]


def bulletins_due(user: User) -> WorkList:
    """The authority's own campaigns, running (open, or closed with the report not yet due),
    without this quarter's bulletin (seed 001: 按季度通报)."""
    org = user.organisation
    today = local_today()
    issued = sa.exists().where(
        CampaignBulletin.campaign_id == Campaign.id,
        CampaignBulletin.region_code == Campaign.region_code,
        CampaignBulletin.quarter == quarter_of(today),
    )
    query = (
        sa.select(Campaign.id, Campaign.title, Campaign.opens_on, Campaign.report_due_on)
        .where(
            Campaign.authority_id == org.id,
            Campaign.opens_on <= today,
            Campaign.report_due_on >= today,
            ~issued,
        )
        .order_by(Campaign.report_due_on, Campaign.id)
    )
    return capped(
        "bulletins_due",
        _("Bulletins to issue"),
        query,
        lambda row: WorkItem(
            what=_("Issue this quarter's progress bulletin to your units"),
            whom=row.title,
            url=url_for("campaigns.view", campaign_id=row.id) + "#bulletins-title",
            since=row.opens_on,
        ),
        more_url=url_for("campaigns.index"),
    )


def contacts_to_report(user: User) -> WorkList:
    """Campaigns of an authority above, not yet closed, while this authority has named no
    contact person (seed 001: 请将工作联系人名单报我委)."""
    org = user.organisation
    named = sa.exists().where(AuthorityContact.authority_id == org.id)
    query = (
        sa.select(Campaign.id, Campaign.title, Campaign.opens_on, Campaign.closes_on)
        .where(
            Campaign.region_code.in_(ancestors_and_self(org.region_code or "")),
            Campaign.authority_id != org.id,
            Campaign.closes_on >= local_today(),
            ~named,
        )
        .order_by(Campaign.closes_on, Campaign.id)
    )
    return capped(
        "contacts_to_report",
        _("Contact persons to report"),
        query,
        lambda row: WorkItem(
            what=_("Name your person in charge, liaison and platform administrator"),
            whom=row.title,
            url=url_for("campaigns.contact_persons"),
            since=row.opens_on,
        ),
    )


def quotas_to_set(user: User) -> WorkList:
    """Campaigns not yet closed over the authority's region (its own included) in which it has
    set no quota for its units; a county-level authority has no units below it."""
    org = user.organisation
    region = org.region
    has_units = region is not None and region.level != RegionLevel.COUNTY
    set_any = sa.exists().where(
        CampaignQuota.campaign_id == Campaign.id, CampaignQuota.set_by_id == org.id
    )
    query = (
        sa.select(Campaign.id, Campaign.title, Campaign.opens_on, Campaign.closes_on)
        .where(
            sa.true() if has_units else sa.false(),
            Campaign.region_code.in_(ancestors_and_self(org.region_code or "")),
            Campaign.closes_on >= local_today(),
            ~set_any,
        )
        .order_by(Campaign.closes_on, Campaign.id)
    )
    return capped(
        "quotas_to_set",
        _("Quotas to set"),
        query,
        lambda row: WorkItem(
            what=_("Set the quotas of the units below you"),
            whom=row.title,
            url=url_for("campaigns.view", campaign_id=row.id) + "#quotas-title",
            since=row.opens_on,
            due=row.closes_on,
        ),
        more_url=url_for("campaigns.index"),
    )


def review_queue(user: User) -> WorkList:
    query = (
        sa.select(
            Assessment.id,
            Assessment.year,
            Assessment.status,
            Assessment.submitted_at,
            Organisation.name.label("enterprise"),
        )
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(Assessment.reviewer_id == user.organisation_id, Assessment.status.in_(AWAITING))
        .order_by(Assessment.submitted_at, Assessment.id)
    )
    return capped(
        "review_queue",
        _("Self-assessments to review"),
        query,
        lambda row: WorkItem(
            what=_("Review the self-assessment %(year)d: approve or return", year=row.year),
            whom=row.enterprise,
            url=url_for("assessment.report", assessment_id=row.id),
            since=row.submitted_at,
            detail=row.status.title,
        ),
        more_url=url_for("assessment.queue"),
    )
