"""What waits on an enterprise: nonconformities to answer, its project's next step, a returned
self-assessment, surveillance coming due, and its requests waiting on the alliance."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.clock import local_today
from blueprints.campaigns.regions import ancestors_and_self
from blueprints.main.worklist import cases, diagnosis, pool, reform, reform_subsidy
from blueprints.main.worklist.items import WorkItem, WorkList, capped, expected_by, horizon
from blueprints.main.worklist.notices import notices_to_confirm
from blueprints.projects.transitions import ACTION_TITLES
from models import (
    CONSULTING_STEPS,
    PENDING_SCHEDULE_STATUSES,
    SUBMITTED_STATES,
    Assessment,
    AssessmentStatus,
    Audit,
    Campaign,
    Certificate,
    CertificateRequest,
    CertificateStatus,
    Finding,
    FindingStatus,
    Organisation,
    Project,
    ProjectStatus,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
    User,
)

P = ProjectStatus
C = CertificateStatus
# An expired certificate still shows its recommended recertification, until the alliance
# issues the new one (a pending item of it can be nothing else: the others were missed).
WITH_PENDING_EVALUATIONS = (C.VALID, C.SUSPENDED, C.EXPIRED)


def lists(user: User) -> list[WorkList]:
    org = user.organisation_id
    return [
        open_campaigns(user.organisation),
        notices_to_confirm(user.organisation),
        findings_to_answer(org),
        project_steps(org),
        returned_assessments(org),
        surveillance_due(org),
        diagnosis.applications_to_fill(org),
        diagnosis.surveys_to_answer(org),
        pool.providers_to_rate(org),
        *reform.enterprise_lists(org),
        reform_subsidy.enterprise_list(org),
        diagnosis.enterprise_engagements(org),
        requests_waiting(org),
        cases.appeals_under_way(org),
    ]


def findings_to_answer(org: int | None) -> WorkList:
    """Open nonconformities of the enterprise's audits: stage audits and, through the
    certificate's project, surveillance and recertification audits alike."""
    query = (
        sa.select(
            Finding.id,
            Finding.kind,
            Finding.clause_code,
            Finding.due_on,
            Finding.created_at,
            Audit.id.label("audit_id"),
            Audit.kind.label("audit_kind"),
        )
        .join(Audit, Audit.id == Finding.audit_id)
        .join(Project, Project.id == Audit.project_id)
        .where(Project.organisation_id == org, Finding.status == FindingStatus.OPEN)
        .order_by(Finding.due_on.asc().nulls_last(), Finding.id)
    )
    return capped(
        "answer_findings",
        _("Nonconformities to answer"),
        query,
        lambda row: WorkItem(
            what=_("Answer the %(kind)s", kind=row.kind.title.lower()),
            whom=_(
                "%(audit)s · clause %(clause)s", audit=row.audit_kind.title, clause=row.clause_code
            ),
            url=url_for("audits.view", audit_id=row.audit_id, _anchor=f"finding-{row.id}"),
            since=row.created_at,
            due=row.due_on,
        ),
    )


# What the enterprise does next in each state that waits on it.
_NEXT = {
    P.STARTED: "choose",
    P.READY_TO_APPLY: "apply",
    P.CONCLUDED: "confirm",
}


def _project_task(status: ProjectStatus) -> str:
    if status == P.STARTED:
        return _("Choose how to run the consulting phase: with a consultancy or yourselves")
    if status in CONSULTING_STEPS:
        return _("Record the consulting step: %(step)s", step=status.title)
    return str(ACTION_TITLES[_NEXT[status]])


def project_steps(org: int | None) -> WorkList:
    """The project under way when it waits on the enterprise (at most one, by a constraint)."""
    query = (
        sa.select(Project.id, Project.status, Project.status_changed_at)
        .where(
            Project.organisation_id == org,
            sa.or_(
                Project.status.in_(list(_NEXT)),
                sa.and_(Project.self_consulting.is_(True), Project.status.in_(CONSULTING_STEPS)),
            ),
        )
        .order_by(Project.status_changed_at, Project.id)
    )
    return capped(
        "project_steps",
        _("Your certification project"),
        query,
        lambda row: WorkItem(
            what=_project_task(row.status),
            whom=row.status.title,
            url=url_for("projects.view", project_id=row.id),
            since=row.status_changed_at,
            due=expected_by(row.status, row.status_changed_at),
        ),
    )


def open_campaigns(org: Organisation) -> WorkList:
    """Campaigns open over the enterprise's region that it has not submitted for yet."""
    submitted = sa.exists().where(
        Assessment.organisation_id == org.id,
        Assessment.campaign_id == Campaign.id,
        Assessment.status.in_(SUBMITTED_STATES),
    )
    today = local_today()
    query = (
        sa.select(Campaign.title, Campaign.opens_on, Campaign.closes_on)
        .where(
            Campaign.region_code.in_(ancestors_and_self(org.region_code or "")),
            Campaign.opens_on <= today,
            Campaign.closes_on >= today,
            ~submitted,
        )
        .order_by(Campaign.closes_on)
    )
    return capped(
        "open_campaigns",
        _("Assessment campaigns open to you"),
        query,
        lambda row: WorkItem(
            what=_("Take part: fill in and submit the self-assessment"),
            whom=row.title,
            url=url_for("assessment.index"),
            since=row.opens_on,
            due=row.closes_on,
        ),
    )


def returned_assessments(org: int | None) -> WorkList:
    query = (
        sa.select(Assessment.id, Assessment.year, Assessment.updated_at)
        .where(Assessment.organisation_id == org, Assessment.status == AssessmentStatus.RETURNED)
        .order_by(Assessment.year.desc())
    )
    return capped(
        "returned_assessments",
        _("Self-assessments returned for correction"),
        query,
        lambda row: WorkItem(
            what=_("Correct and submit the self-assessment again"),
            whom=_("Self-assessment %(year)d", year=row.year),
            url=url_for("assessment.confirm", assessment_id=row.id),
            since=row.updated_at,
        ),
    )


def surveillance_due(org: int | None) -> WorkList:
    """Evaluations of its certificates due within the reminder window, or overdue."""
    query = (
        sa.select(
            ScheduleItem.kind,
            ScheduleItem.status,
            ScheduleItem.due_on,
            Certificate.number,
        )
        .join(Certificate, Certificate.id == ScheduleItem.certificate_id)
        .where(
            Certificate.organisation_id == org,
            Certificate.status.in_(WITH_PENDING_EVALUATIONS),
            ScheduleItem.status.in_(PENDING_SCHEDULE_STATUSES),
            ScheduleItem.due_on <= horizon(),
        )
        .order_by(ScheduleItem.due_on, ScheduleItem.id)
    )
    return capped(
        "surveillance_due",
        _("Surveillance and recertification due"),
        query,
        lambda row: WorkItem(
            what=_schedule_task(row.kind, row.status),
            whom=row.number,
            url=url_for("certificates.verify", number=row.number),
            due=row.due_on,
            detail=row.status.title,
        ),
    )


def _schedule_task(kind: ScheduleKind, status: ScheduleStatus) -> str:
    if status == ScheduleStatus.OPEN:
        return _("Agree the date of the %(kind)s with your evaluation body", kind=kind.title)
    if status == ScheduleStatus.PLANNED:
        return _("Prepare for the audit: %(kind)s", kind=kind.title)
    return _("%(kind)s recommended: the alliance reviews it", kind=kind.title)


def requests_waiting(org: int | None) -> WorkList:
    query = (
        sa.select(CertificateRequest.kind, CertificateRequest.created_at, Certificate.number)
        .join(Certificate, Certificate.id == CertificateRequest.certificate_id)
        .where(Certificate.organisation_id == org, CertificateRequest.handled_at.is_(None))
        .order_by(CertificateRequest.created_at, CertificateRequest.id)
    )
    return capped(
        "requests_waiting",
        _("Your requests waiting for the alliance"),
        query,
        lambda row: WorkItem(
            what=_("%(kind)s requested", kind=row.kind.title),
            whom=row.number,
            url=url_for("certificates.verify", number=row.number),
            since=row.created_at,
        ),
        waiting=True,
    )
