"""An engagement's way as data: the provider files the service agreement, forms its work
group and goes on site once the group holds the programme's team rules; it records its
meetings, trainings and visits and submits the report once the programme's field work, photos
and length are there; it presents the report to the enterprise's head; the enterprise answers
the satisfaction survey; the authority's experts accept the report or return it for revision.
The authority that enrolled the engagement may withdraw it until it is accepted."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.security.permissions import Permission
from app.workflow import Transition, names
from blueprints.diagnosis import rules
from blueprints.engagements import grading, indicators, paperwork, record, team
from models import DiagnosisEngagement, EngagementStatus

S = EngagementStatus
UNDER_WAY = frozenset(
    {S.ENROLLED, S.AGREED, S.ON_SITE, S.REPORTED, S.PRESENTED, S.SURVEYED, S.REVISING}
)
PROVIDE, MANAGE = Permission.DIAGNOSIS_PROVIDE, Permission.DIAGNOSIS_MANAGE
VIEW = Permission.DIAGNOSIS_VIEW


def of_the_provider(engagement: DiagnosisEngagement, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != engagement.provider_id:
        return _("Only the engaged provider records the diagnosis.")
    return None


def of_the_authority(engagement: DiagnosisEngagement, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != engagement.authority_id:
        return _("Only the authority that enrolled the engagement may do this.")
    return None


def of_the_enterprise(engagement: DiagnosisEngagement, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != engagement.enterprise_id:
        return _("Only the enterprise diagnosed answers the survey.")
    return None


def submission_problems(
    engagement: DiagnosisEngagement, entries: paperwork.Entries | None = None
) -> list[str]:
    """Everything the programme still asks before the report goes in."""
    return (
        record.submission_problems(engagement)
        + paperwork.problems(engagement, "submit_report", entries)
        + indicators.problems(engagement)
        + grading.problems(engagement)
    )


def record_complete(engagement: DiagnosisEngagement, _actor: object) -> str | None:
    problems = submission_problems(engagement)
    return problems[0] if problems else None


def agreement_filed(engagement: DiagnosisEngagement, _actor: object) -> str | None:
    if engagement.agreement_signed_on is None:
        return _("File the signed service agreement first.")
    return None


def team_holds_the_rules(engagement: DiagnosisEngagement, _actor: object) -> str | None:
    """The first problem of the work group against the programme's team rules."""
    programme = team.programme_of(engagement)
    problems = rules.team_problems(programme, team.members_of(engagement))
    return problems[0] if problems else None


def forms_filed(engagement: DiagnosisEngagement, _actor: object) -> str | None:
    """The first of the programme's forms still to fill in before going on site (the
    application, the plan, the advance notice of seed 002)."""
    problems = paperwork.problems(engagement, "start")
    return problems[0] if problems else None


_t = Transition.of

TRANSITIONS: tuple[Transition[EngagementStatus], ...] = (
    _t("file_agreement", {S.ENROLLED}, S.AGREED, PROVIDE, of_the_provider),
    _t("start", {S.AGREED}, S.ON_SITE, PROVIDE, of_the_provider, agreement_filed,
       team_holds_the_rules, forms_filed),
    _t("submit_report", {S.ON_SITE}, S.REPORTED, PROVIDE, of_the_provider, record_complete),
    _t("present", {S.REPORTED}, S.PRESENTED, PROVIDE, of_the_provider),
    _t("survey", {S.PRESENTED}, S.SURVEYED, VIEW, of_the_enterprise),
    _t("accept", {S.SURVEYED}, S.ACCEPTED, MANAGE, of_the_authority),
    _t("return", {S.SURVEYED}, S.REVISING, MANAGE, of_the_authority),
    _t("resubmit", {S.REVISING}, S.SURVEYED, PROVIDE, of_the_provider, record_complete),
    _t("withdraw", UNDER_WAY, S.WITHDRAWN, MANAGE, of_the_authority),
)  # fmt: skip

ACTION_NAMES = names(TRANSITIONS)
# The work group may change until the team goes on site.
TEAM_OPEN = frozenset({S.ENROLLED, S.AGREED})
ACTION_TITLES = {
    "file_agreement": _l("File the agreement"),
    "start": _l("Go on site"),
    "withdraw": _l("Withdraw the engagement"),
    "submit_report": _l("Submit the report"),
    "present": _l("Record the presentation to the enterprise's head"),
    "survey": _l("Send the survey"),
    "accept": _l("Accept the report"),
    "return": _l("Return for revision"),
    "resubmit": _l("Resubmit the revised report"),
}
