"""Certification projects: start, move through the transition table, record, notify.

``perform`` is the one way a project changes state. Each action may carry inputs (a chosen
consultancy, dates, an audit plan); its effect validates them and fails with WorkflowError
before anything is written, so a refused action leaves the database untouched (the request
rolls back on any 4xx).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _

from app import workflow
from app.clock import local_today, utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.workflow import SYSTEM, Actor
from blueprints.audits.impartiality import (
    evaluator_of,
    new_audit,
    refuse_partial,
    refuse_undeclared,
    refuse_unqualified_lead,
)
from blueprints.certificates.services import issue_for
from blueprints.projects.transitions import (
    CONSULTING_STEP_NUMBER,
    TRANSITIONS,
    last_event,
    major_deadline_passed,
    self_assessment_valid,
)
from models import (
    FINISHED_STATUSES,
    Audit,
    AuditKind,
    ConsultingStep,
    Organisation,
    OrgKind,
    Project,
    ProjectEvent,
    ProjectStatus,
    User,
)

P = ProjectStatus


def active_project(organisation_id: int) -> Project | None:
    return db.session.scalar(
        sa.select(Project).where(
            Project.organisation_id == organisation_id, Project.status.notin_(FINISHED_STATUSES)
        )
    )


def start(
    org: Organisation, actor: User, scope: str, capabilities: list[str], sites: list[str]
) -> Project:
    if org.kind != OrgKind.ENTERPRISE or actor.organisation_id != org.id:
        raise WorkflowError(_("Only an enterprise can start its own project."))
    reason = self_assessment_valid(Project(organisation_id=org.id), actor)
    if reason:
        raise WorkflowError(reason)
    if active_project(org.id) is not None:
        raise WorkflowError(_("Your enterprise already has a certification project under way."))
    capabilities = [c.strip() for c in capabilities if c.strip()]
    if not capabilities:
        raise WorkflowError(_("Name at least one new capability."))
    project = Project(
        organisation=org,
        status=P.STARTED,
        scope=scope.strip(),
        capabilities=capabilities,
        sites=[s.strip() for s in sites if s.strip()],
    )
    project.steps = [ConsultingStep(number=n) for n in range(1, 7)]
    db.session.add(project)
    db.session.flush()
    db.session.add(
        ProjectEvent(
            project=project,
            action="start",
            from_status=P.STARTED,
            to_status=P.STARTED,
            actor_id=actor.id,
        )
    )
    db.session.flush()
    return project


# --- effects: validate the action's inputs and apply them --------------------------------------


def _invite(
    project: Project, actor: User, consultancy_id: int | None = None, **_unused: Any
) -> None:
    consultancy = db.session.get(Organisation, consultancy_id) if consultancy_id else None
    if consultancy is None or consultancy.kind != OrgKind.CONSULTANCY or not consultancy.active:
        raise WorkflowError(_("Choose a consultancy from the list."))
    project.consultancy = consultancy
    project.self_consulting = False


def _consult_ourselves(project: Project, actor: User, **_unused: Any) -> None:
    project.self_consulting = True
    project.consultancy = None
    _begin_step(project, 1)


def _accept_engagement(project: Project, actor: User, **_unused: Any) -> None:
    _begin_step(project, 1)


def _decline_engagement(project: Project, actor: User, **_unused: Any) -> None:
    project.consultancy = None


def _begin_step(project: Project, number: int) -> None:
    step = project.steps[number - 1]
    step.started_on = step.started_on or local_today()


def _complete_step(
    project: Project,
    actor: User,
    completed_on: date | None = None,
    notes: str = "",
    operation_started_on: date | None = None,
    **_unused: Any,
) -> None:
    number = CONSULTING_STEP_NUMBER[project.status]
    step = project.steps[number - 1]
    today = local_today()
    completed_on = completed_on or today
    if completed_on > today:
        raise WorkflowError(_("A step cannot be completed in the future."))
    if step.started_on and completed_on < step.started_on:
        raise WorkflowError(
            _(
                "A step cannot be completed before it started (%(date)s).",
                date=step.started_on.isoformat(),
            )
        )
    if project.status == P.DOCUMENTATION:
        if operation_started_on is None:
            raise WorkflowError(_("Record the date the management system went into operation."))
        if operation_started_on > today:
            raise WorkflowError(_("The operation start date cannot be in the future."))
        project.operation_started_on = operation_started_on
    step.completed_on = completed_on
    step.notes = notes.strip()
    step.completed_by_id = actor.id
    if number < 6:
        _begin_step(project, number + 1)


def _apply(
    project: Project,
    actor: User,
    body_id: int | None = None,
    scope: str = "",
    capabilities: list[str] | None = None,
    sites: list[str] | None = None,
    headcount: int | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    **_unused: Any,
) -> None:
    body = db.session.get(Organisation, body_id) if body_id else None
    if body is None or body.kind != OrgKind.EVALUATION_BODY or not body.active:
        raise WorkflowError(_("Choose an evaluation body from the list."))
    capabilities = [c.strip() for c in capabilities or project.capabilities if c.strip()]
    if not capabilities:
        raise WorkflowError(_("Name at least one new capability."))
    if headcount is None or headcount < 1:
        raise WorkflowError(_("Give the number of employees within the scope."))
    project.body = body
    project.scope = scope.strip() or project.scope
    project.capabilities = capabilities
    project.sites = [s.strip() for s in (sites or project.sites) if s.strip()]
    project.headcount = headcount
    project.contact_name = contact_name.strip()
    project.contact_phone = contact_phone.strip()
    project.applied_at = utcnow()


# The field of the accepting form where the lead is chosen: a refusal stands beside it.
LEAD_FIELD = "lead_evaluator_id"


def _evaluator_of_body(project: Project, user_id: int | None) -> User:
    if project.body is None:  # the table lets only applied projects get here
        raise WorkflowError(_("Choose an evaluation body from the list."))
    return evaluator_of(project.body, user_id, LEAD_FIELD)


def _accept_application(
    project: Project, actor: User, lead_evaluator_id: int | None = None, **_unused: Any
) -> None:
    lead = _evaluator_of_body(project, lead_evaluator_id)
    refuse_partial(project, lead, LEAD_FIELD)
    refuse_undeclared(project, lead, field=LEAD_FIELD)
    refuse_unqualified_lead(lead, LEAD_FIELD)
    project.lead_evaluator = lead


def _reject_application(project: Project, actor: User, comment: str = "", **_unused: Any) -> None:
    if not comment.strip():
        raise WorkflowError(_("Give the reason for rejecting the application."))
    project.body = None
    project.lead_evaluator = None
    project.applied_at = None


def _plan(kind: AuditKind) -> Callable[..., None]:
    def effect(
        project: Project,
        actor: User,
        starts_on: date | None = None,
        ends_on: date | None = None,
        member_ids: list[int] | None = None,
        scope: str = "",
        sites: str = "",
        **_unused: Any,
    ) -> None:
        if starts_on is None or ends_on is None or ends_on < starts_on:
            raise WorkflowError(
                _("Give the audit's first and last day (the last not before the first).")
            )
        if project.body is None or project.lead_evaluator is None:
            raise WorkflowError(_("Only the lead evaluator of this project can do this."))
        new_audit(
            project,
            project.body,
            kind,
            project.lead_evaluator,
            member_ids or [],
            starts_on=starts_on,
            ends_on=ends_on,
            scope=scope.strip() or project.scope,
            sites=sites.strip(),
        )

    return effect


def current_audit(project: Project, kind: AuditKind) -> Audit | None:
    return db.session.scalar(
        sa.select(Audit)
        .where(Audit.project_id == project.id, Audit.kind == kind)
        .order_by(Audit.id.desc())
        .limit(1)
    )


def _complete(kind: AuditKind) -> Callable[..., None]:
    def effect(
        project: Project, actor: User, completed_on: date | None = None, **_unused: Any
    ) -> None:
        audit = current_audit(project, kind)
        if audit is None:  # planned by the previous step; absent only in hand-made data
            raise WorkflowError(_("There is no audit to complete."))
        completed_on = completed_on or local_today()
        if completed_on > local_today() or completed_on < audit.starts_on:
            raise WorkflowError(
                _("The audit's completion date must lie between its first day and today.")
            )
        audit.completed_on = completed_on
        if kind == AuditKind.STAGE2:
            project.stage2_completed_on = completed_on

    return effect


def _conclude(recommended: bool) -> Callable[..., None]:
    def effect(project: Project, actor: User, **_unused: Any) -> None:
        project.recommended = recommended
        project.concluded_at = utcnow()

    return effect


def _confirm(project: Project, actor: User, **_unused: Any) -> None:
    project.confirmed_at = utcnow()


def _nothing(project: Project, actor: User, **_unused: Any) -> None:
    return None


def _send_back(project: Project, actor: User, comment: str = "", **_unused: Any) -> None:
    """Back to the evaluation body (correction and conclusion), with the problems listed."""
    if not comment.strip():
        raise WorkflowError(_("List the problems the evaluation body must resolve."))
    project.publicity_batch_id = None


def _publish(project: Project, actor: User, batch_id: int | None = None, **_unused: Any) -> None:
    project.publicity_batch_id = batch_id


def _issue(project: Project, actor: User, **_unused: Any) -> None:
    issue_for(project, actor)


def _reopen(project: Project, actor: Actor, body_id: int | None = None, **_unused: Any) -> None:
    """Undo what the appealed decision did, so that its step is taken again: a rejected
    application is with its evaluation body again, a conclusion is to be submitted again."""
    event = last_event(project)
    if event is not None and event.action == "reject_application":
        body = db.session.get(Organisation, body_id) if body_id else None
        if body is None or body.kind != OrgKind.EVALUATION_BODY:
            raise WorkflowError(_("Choose an evaluation body from the list."))
        project.body = body
        project.applied_at = utcnow()
    elif event is not None and event.action == "not_recommend":
        project.recommended = None
        project.concluded_at = None


EFFECTS: dict[str, Callable[..., None]] = {
    "invite_consultancy": _invite,
    "consult_ourselves": _consult_ourselves,
    "accept_engagement": _accept_engagement,
    "decline_engagement": _decline_engagement,
    "complete_step": _complete_step,
    "apply": _apply,
    "accept_application": _accept_application,
    "reject_application": _reject_application,
    "plan_stage1": _plan(AuditKind.STAGE1),
    "complete_stage1": _complete(AuditKind.STAGE1),
    "plan_stage2": _plan(AuditKind.STAGE2),
    "complete_stage2": _complete(AuditKind.STAGE2),
    "recommend": _conclude(True),
    "not_recommend": _conclude(False),
    "confirm": _confirm,
    "withdraw": _nothing,
    "stage2_expired": _nothing,
    "pass_compliance": _nothing,
    "return_compliance": _send_back,
    "pass_re_review": _nothing,
    "return_re_review": _send_back,
    "publish": _publish,
    "uphold_objection": _send_back,
    "close_publicity": _nothing,
    "issue": _issue,
    "appeal_upheld": _reopen,
}


def perform(project: Project, name: str, actor: Actor, comment: str = "", **inputs: Any) -> None:
    """Check, apply, record and notify one transition; raise WorkflowError (409) if refused.

    ``actor`` is a user, or ``SYSTEM`` for the scheduler (only transitions marked ``system``)."""
    source = project.status
    _transition, target = workflow.begin(TRANSITIONS, project, name, source, actor)
    EFFECTS[name](project, actor, comment=comment, **inputs)
    project.status = target
    project.status_changed_at = utcnow()
    event = ProjectEvent(
        project=project,
        action=name,
        from_status=source,
        to_status=target,
        actor_id=actor.id,
        comment=comment.strip(),
    )
    db.session.add(event)
    workflow.flush(
        _(
            "Someone else changed this project at the same moment. "
            "Reload the page to see its current state."
        )
    )
    announce(f"project.{name}", project, actor, project=project, event=event,
             org=project.organisation)  # fmt: skip


def expire_overdue_corrections() -> int:
    """The 6-month rule (configurable), for the scheduler: a major nonconformity not verified
    within that time after the stage-2 audit sends the project back to stage-2 planning. Until
    the job runs, the ``within_major_deadline`` guard refuses the conclusion and the project
    page says why."""
    months = current_app.config["MAJOR_NC_MAX_MONTHS"]
    limit = local_today() - relativedelta(months=months)
    projects = db.session.scalars(
        sa.select(Project).where(
            Project.status == P.CORRECTION, Project.stage2_completed_on < limit
        )
    ).all()
    overdue = [project for project in projects if major_deadline_passed(project)]
    for project in overdue:
        reason = _(
            "A major nonconformity was not verified within %(n)d months of the stage-2 audit.",
            n=months,
        )
        perform(project, "stage2_expired", SYSTEM, reason)
    return len(overdue)
