"""The close of an engagement: the report presented to the enterprise's head (a recorded
meeting), the enterprise's satisfaction survey, and the authority's acceptance or return."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from app import workflow
from app.clock import local_time, utcnow
from blueprints.engagements import record, services, team
from blueprints.engagements.changes import Refused
from blueprints.engagements.transitions import TRANSITIONS
from models import (
    ActivityKind,
    Adoption,
    DiagnosisActivity,
    DiagnosisEngagement,
    EngagementStatus,
    SurveyRating,
    SurveyVerdict,
    User,
)


def submit_report(engagement: DiagnosisEngagement, actor: User) -> None:
    name = "resubmit" if engagement.status == EngagementStatus.REVISING else "submit_report"
    engagement.report_submitted_at = utcnow()
    services.perform(engagement, name, actor)


def present(
    engagement: DiagnosisEngagement,
    actor: User,
    *,
    started_at: datetime,
    ended_at: datetime,
    attendees: str,
    outcome: str,
) -> None:
    """The report explained to the enterprise's head (seed 002 5.4): the meeting is kept with
    the record, then the enterprise is asked for its survey."""
    workflow.begin(TRANSITIONS, engagement, "present", engagement.status, actor)
    record.check_times(engagement, started_at, ended_at)
    submitted = local_time(engagement.report_submitted_at)
    # Times are entered to the minute: a presentation ending in the minute of the submission
    # comes after it.
    if submitted is not None and ended_at < submitted.replace(second=0, microsecond=0):
        raise Refused("started_at", _("The presentation comes after the report's submission."))
    engagement.activities.append(
        DiagnosisActivity(
            engagement_id=engagement.id,
            kind=ActivityKind.REPORT_TO_HEAD,
            started_at=started_at,
            ended_at=ended_at,
            topic=_("Presentation of the diagnosis report"),
            outcome=outcome,
            attendees=attendees,
            created_by_id=actor.id,
        )
    )
    services.perform(engagement, "present", actor)


def survey(
    engagement: DiagnosisEngagement,
    actor: User,
    *,
    ratings: dict[str, SurveyRating],
    verdict: SurveyVerdict,
    adoption: Adoption,
    comment: str,
) -> None:
    criteria = [c.key for c in team.programme_of(engagement).satisfaction.criteria]
    if sorted(ratings) != sorted(criteria):
        raise Refused("verdict", _("Rate every criterion of the survey."))
    workflow.begin(TRANSITIONS, engagement, "survey", engagement.status, actor)
    engagement.ratings = {key: ratings[key].value for key in criteria}
    engagement.verdict = verdict
    engagement.adoption = adoption
    engagement.survey_comment = comment
    engagement.surveyed_at = utcnow()
    services.perform(engagement, "survey", actor)


def decide(engagement: DiagnosisEngagement, actor: User, name: str, opinion: str) -> None:
    """``accept`` or ``return`` with the experts' opinion."""
    if name not in ("accept", "return"):
        raise workflow.WorkflowError(_("Unknown action."))
    workflow.begin(TRANSITIONS, engagement, name, engagement.status, actor)
    engagement.acceptance_opinion = opinion
    if name == "accept":
        engagement.accepted_at = utcnow()
    services.perform(engagement, name, actor, opinion)
