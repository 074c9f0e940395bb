"""What waits on an evaluator: applications to its body, the audits and conclusions of the
projects it leads, answers to verify on the audits it sits on, and the surveillance of the
certificates its body issued."""

from __future__ import annotations

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app, url_for
from flask_babel import gettext as _

from app.security.permissions import Permission, has_permission
from blueprints.main.worklist import diagnosis, evaluators, reform, special_audits
from blueprints.main.worklist.items import (
    WorkItem,
    WorkList,
    capped,
    expected_by,
    horizon,
    projects_where,
)
from blueprints.projects.transitions import ACTION_TITLES
from models import (
    Audit,
    AuditTeamMember,
    Certificate,
    CertificateStatus,
    CorrectiveAction,
    Finding,
    FindingStatus,
    Organisation,
    Project,
    ProjectStatus,
    ScheduleItem,
    ScheduleStatus,
    User,
)

P = ProjectStatus
IN_FORCE = (CertificateStatus.VALID, CertificateStatus.SUSPENDED)
# The stage audits the lead evaluator plans or completes next, by the project's state.
_AUDIT_STEP = {
    P.ACCEPTED: "plan_stage1",
    P.STAGE1_PLANNED: "complete_stage1",
    P.STAGE1_DONE: "plan_stage2",
    P.STAGE2_PLANNED: "complete_stage2",
}


def lists(user: User) -> list[WorkList]:
    return [
        applications(user),
        audits(user),
        answers_to_verify(user),
        conclusions(user),
        surveillance(user),
        *special_audits.for_the_body(user),
        *diagnosis.provider_lists(user),
        reform.evaluation_body_list(user),
        *(
            evaluators.of_body(user.organisation_id)
            if has_permission(user, Permission.EVALUATORS_RECORD)
            else []
        ),
    ]


def applications(user: User) -> WorkList:
    status = P.APPLIED
    return capped(
        "applications",
        _("Applications to accept"),
        projects_where(Project.body_id == user.organisation_id, Project.status == status),
        lambda row: WorkItem(
            what=str(ACTION_TITLES["accept_application"]),
            whom=row.enterprise,
            url=url_for("projects.view", project_id=row.id),
            since=row.status_changed_at,
            due=expected_by(row.status, row.status_changed_at),
        ),
        more_url=url_for("projects.index", status=status.value),
    )


def audits(user: User) -> WorkList:
    """Stage audits to plan or complete, for the project's lead evaluator. A planned audit is
    due on its last day (the audit not yet completed: the one under way)."""
    last_day = (
        sa.select(sa.func.max(Audit.ends_on))
        .where(Audit.project_id == Project.id, Audit.completed_on.is_(None))
        .correlate(Project)
        .scalar_subquery()
        .label("last_day")
    )
    query = projects_where(
        Project.body_id == user.organisation_id,
        Project.lead_evaluator_id == user.id,
        Project.status.in_(list(_AUDIT_STEP)),
        extra=(last_day,),
    )
    return capped(
        "audits",
        _("Audits to plan or complete"),
        query,
        lambda row: WorkItem(
            what=str(ACTION_TITLES[_AUDIT_STEP[row.status]]),
            whom=row.enterprise,
            url=url_for("projects.view", project_id=row.id),
            since=row.status_changed_at,
            due=row.last_day or expected_by(row.status, row.status_changed_at),
        ),
    )


def answers_to_verify(user: User) -> WorkList:
    """Answered nonconformities of the audits the evaluator sits on."""
    answered_at = (
        sa.select(sa.func.max(CorrectiveAction.submitted_at))
        .where(CorrectiveAction.finding_id == Finding.id)
        .correlate(Finding)
        .scalar_subquery()
        .label("answered_at")
    )
    query = (
        sa.select(
            Finding.id,
            Finding.kind,
            Finding.clause_code,
            Finding.due_on,
            Audit.id.label("audit_id"),
            Audit.kind.label("audit_kind"),
            Organisation.name.label("enterprise"),
            answered_at,
        )
        .join(Audit, Audit.id == Finding.audit_id)
        .join(
            AuditTeamMember,
            sa.and_(AuditTeamMember.audit_id == Audit.id, AuditTeamMember.user_id == user.id),
        )
        .join(Project, Project.id == Audit.project_id)
        .join(Organisation, Organisation.id == Project.organisation_id)
        .where(Finding.status == FindingStatus.ANSWERED)
        .order_by(answered_at, Finding.id)
    )
    return capped(
        "answers_to_verify",
        _("Answers to verify"),
        query,
        lambda row: WorkItem(
            what=_("Verify the answer to the %(kind)s", kind=row.kind.title.lower()),
            whom=row.enterprise,
            url=url_for("audits.view", audit_id=row.audit_id, _anchor=f"finding-{row.id}"),
            since=row.answered_at,
            detail=_(
                "%(audit)s · clause %(clause)s", audit=row.audit_kind.title, clause=row.clause_code
            ),
        ),
    )


def conclusions(user: User) -> WorkList:
    """Projects in correction whose conclusion the lead evaluator submits; due when the
    major nonconformities must be verified (MAJOR_NC_MAX_MONTHS after stage 2)."""
    months = current_app.config["MAJOR_NC_MAX_MONTHS"]
    query = projects_where(
        Project.body_id == user.organisation_id,
        Project.lead_evaluator_id == user.id,
        Project.status == P.CORRECTION,
        extra=(Project.stage2_completed_on,),
    )
    return capped(
        "conclusions",
        _("Conclusions to submit"),
        query,
        lambda row: WorkItem(
            what=_("Verify the corrections and submit the conclusion"),
            whom=row.enterprise,
            url=url_for("projects.view", project_id=row.id),
            since=row.status_changed_at,
            due=row.stage2_completed_on + relativedelta(months=months)
            if row.stage2_completed_on
            else None,
        ),
    )


def surveillance(user: User) -> WorkList:
    """The body's certificates with an evaluation due within the reminder window or overdue:
    any of its evaluators plans one; the audit's lead concludes it."""
    leads = sa.exists().where(
        AuditTeamMember.audit_id == ScheduleItem.audit_id,
        AuditTeamMember.user_id == user.id,
        AuditTeamMember.is_lead.is_(True),
    )
    query = (
        sa.select(
            ScheduleItem.kind,
            ScheduleItem.status,
            ScheduleItem.due_on,
            Certificate.number,
            Certificate.enterprise_name,
        )
        .join(Certificate, Certificate.id == ScheduleItem.certificate_id)
        .where(
            Certificate.body_id == user.organisation_id,
            Certificate.status.in_(IN_FORCE),
            ScheduleItem.due_on <= horizon(),
            sa.or_(
                ScheduleItem.status == ScheduleStatus.OPEN,
                sa.and_(ScheduleItem.status == ScheduleStatus.PLANNED, leads),
            ),
        )
        .order_by(ScheduleItem.due_on, ScheduleItem.id)
    )
    return capped(
        "surveillance",
        _("Surveillance and recertification due"),
        query,
        lambda row: WorkItem(
            what=(
                _("Plan the audit: %(kind)s", kind=row.kind.title)
                if row.status == ScheduleStatus.OPEN
                else _("Conclude the audit: %(kind)s", kind=row.kind.title)
            ),
            whom=f"{row.enterprise_name} · {row.number}",
            url=url_for("certificates.verify", number=row.number),
            due=row.due_on,
        ),
        more_url=url_for("certificates.queues.issued", surveillance="due"),
    )
