"""Self-assessments, campaigns and the enterprise check as the machine interface gives them: an
enterprise its own assessments; an authority the submitted ones of its region (the web's region
list, blueprints.assessment.region_list), its campaigns with their progress tables
(blueprints.campaigns.progress) and where enterprises stand by credit code
(blueprints.checks) — each through the web page's own query and lookups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from app.extensions import db
from app.security.access import (
    get_assessment_or_404,
    region_prefix,
    sees_other_organisations,
)
from app.security.permissions import Permission, has_permission
from blueprints.api import cursors
from blueprints.api.projects import utc
from blueprints.assessment import region_list
from blueprints.campaigns import progress
from blueprints.campaigns import services as campaign_services
from blueprints.checks import services as checks
from models import (
    Assessment,
    AssessmentScore,
    AssessmentStatus,
    Campaign,
)


def as_item(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "year": row.year,
        "status": row.status.value,
        "total": row.total,
        "stage": row.stage,
        "region_code": row.region_code,
        "submitted_at": utc(row.submitted_at),
        "enterprise": {"name": row.name, "credit_code": row.credit_code},
        "campaign": row.campaign,
    }


def _own() -> list[dict[str, Any]]:
    """The enterprise's own, drafts included (as its assessment page lists them)."""
    rows = db.session.execute(
        region_list.listed()
        .where(Assessment.organisation_id == current_user.organisation_id)
        .order_by(Assessment.year.desc(), Assessment.id.desc())
    )
    return [as_item(row) for row in rows]


def page(
    filters: region_list.Filters, *, after: tuple[datetime, int] | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """An authority: its region's list (404 without a region, as the web page); anyone else
    who fills in assessments: their own, on one page (one a year at most)."""
    if not has_permission(current_user, Permission.ASSESSMENT_REVIEW):
        if not has_permission(current_user, Permission.ASSESSMENT_FILL):
            abort(403)  # the alliance reads reports, but has no list of them
        return (_own(), None) if after is None else ([], None)
    prefix = region_prefix(current_user.organisation.region_code)
    if not prefix:
        abort(404)
    query = region_list.of_region(prefix, filters)
    query = cursors.start_after(query, Assessment.submitted_at, Assessment.id, after)
    rows = db.session.execute(query.limit(limit + 1)).all()
    shown, next_cursor = cursors.cut(rows, limit, lambda row: (row.submitted_at, row.id))
    return [as_item(row) for row in shown], next_cursor


def one(assessment_id: int) -> dict[str, Any]:
    """As the report page shows it to this member (404 for anyone else; a draft only to its
    enterprise), with its score per dimension."""
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_VIEW)
    scores = db.session.execute(
        sa.select(AssessmentScore.dimension, AssessmentScore.score)
        .where(AssessmentScore.assessment_id == assessment.id)
        .order_by(AssessmentScore.dimension)
    )
    org = assessment.organisation
    return {
        "id": assessment.id,
        "year": assessment.year,
        "status": assessment.status.value,
        "total": assessment.total,
        "stage": assessment.stage,
        "region_code": assessment.region_code,
        "submitted_at": utc(assessment.submitted_at),
        "approved_at": utc(assessment.approved_at),
        "enterprise": {"name": org.name, "credit_code": org.credit_code},
        "campaign": assessment.campaign.title if assessment.campaign else None,
        "scores": (
            []
            if assessment.status == AssessmentStatus.DRAFT
            else [{"dimension": d, "score": s} for d, s in scores]
        ),
    }


# --- campaigns ---------------------------------------------------------------------------------


def _campaign(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "title": campaign.title,
        "year": campaign.year,
        "round": campaign.round,
        "region_code": campaign.region_code,
        "authority": campaign.authority.name,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "report_due_on": campaign.report_due_on,
        "target_tag": campaign.target_tag.value if campaign.target_tag else None,
    }


def campaigns_page(*, after: tuple[Any, int] | None, limit: int):
    """The campaigns the authority's campaign page lists (over its region, above or inside
    it), newest first (404 for an authority without a region, as the web page)."""
    authority = current_user.organisation
    if authority.region is None:
        abort(404)
    query = campaign_services.visible_to(authority)
    query = cursors.start_after(query, Campaign.opens_on, Campaign.id, after)
    campaigns = list(db.session.scalars(query.limit(limit + 1)).unique())
    shown, next_cursor = cursors.cut(campaigns, limit, lambda c: (c.opens_on, c.id))
    return [_campaign(campaign) for campaign in shown], next_cursor


def _row(row: progress.Row) -> dict[str, Any]:
    return {
        "region_code": row.unit.code,
        "name": row.unit.name,
        "separate": row.unit.separate,
        "direct": row.unit.direct,
        "roster": row.roster,
        "participated": row.participated,
        "completed": row.completed,
        "quota": row.quota,
        "rate": row.rate,
        "rank": row.rank,
    }


def campaign_progress(campaign_id: int, region_code: str | None) -> dict[str, Any]:
    """The campaign page's progress table, for its region or one inside it (404 beyond what
    the authority sees, as the page)."""
    found = campaign_services.in_view(campaign_id, current_user.organisation, region_code)
    if found is None:
        abort(404)
    table = progress.table(*found)
    return {
        "campaign": _campaign(table.campaign),
        "region_code": table.region.code,
        "total": _row(table.total),
        "rows": [_row(row) for row in table.rows],
    }


# --- where enterprises stand ---------------------------------------------------------------------


def check(codes: list[str]) -> list[dict[str, Any]]:
    """The web page's enterprise check; 403 for a member who sees no other organisation."""
    if not sees_other_organisations(current_user):
        abort(403)
    return [_checked(result) for result in checks.check(codes, current_user)]


def _checked(result: checks.Result) -> dict[str, Any]:
    assessment, project, certificate = result.assessment, result.project, result.certificate
    return {
        "credit_code": result.credit_code,
        "valid": result.valid,
        "found": result.found,
        "enterprise": (
            {"name": result.name, "region_code": result.region_code} if result.found else None
        ),
        "assessment": (
            {
                "id": assessment.id,
                "year": assessment.year,
                "stage": assessment.stage,
                "status": assessment.status.value,
                "total": assessment.total,
                "submitted_at": utc(assessment.submitted_at),
            }
            if assessment
            else None
        ),
        "project": (
            {
                "id": project.id,
                "status": project.status.value,
                "status_changed_at": utc(project.status_changed_at),
            }
            if project
            else None
        ),
        "certificate": (
            {
                "number": certificate.number,
                "status": certificate.status.value,
                "expires_on": certificate.expires_on,
            }
            if certificate
            else None
        ),
    }
