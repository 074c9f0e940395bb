"""What waits on an authority: the self-assessments whose review is its organisation's turn
(district first, then city). Its decided reviews are a page of their own (review_history)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import Assessment, AssessmentStatus, Organisation, User

AWAITING = (AssessmentStatus.AWAITING_DISTRICT, AssessmentStatus.AWAITING_CITY)


def lists(user: User) -> list[WorkList]:
    return [review_queue(user)]


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
