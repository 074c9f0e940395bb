"""Surveillance and recertification audits (DOMAIN.md §6), run through the schedule items'
transition table: the evaluation body plans an audit like a stage audit (its team checked for
impartiality) and concludes it; the alliance reviews a recommended recertification with four
eyes and issues the new certificate. Only flushes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import workflow
from app.clock import local_today, utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.workflow import Actor
from blueprints.audits.impartiality import new_audit
from blueprints.certificates import services as certificates
from blueprints.surveillance.transitions import TRANSITIONS
from models import Audit, AuditKind, Certificate, Project, Role, ScheduleItem, ScheduleKind, User


def perform(item: ScheduleItem, name: str, actor: Actor, **inputs: Any) -> Certificate | None:
    """Check and apply one move of a schedule item; raises WorkflowError (409) if refused.
    Returns the new certificate when a recertification is issued."""
    _transition, target = workflow.begin(TRANSITIONS, item, name, item.status, actor)
    issued = EFFECTS[name](item, actor, **inputs)
    item.status = target
    workflow.flush(
        _(
            "Someone else changed this evaluation at the same moment. "
            "Reload the page to see its current state."
        )
    )
    announce(f"schedule.{name}", item, actor, comment=str(inputs.get("reason", "")).strip())
    return issued


def _plan(
    item: ScheduleItem,
    actor: User,
    starts_on: date | None = None,
    ends_on: date | None = None,
    member_ids: list[int] | None = None,
    scope: str = "",
    **_unused: Any,
) -> None:
    """Dates and a team of the body's evaluators led by the planner, impartiality checked."""
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise WorkflowError(
            _("Give the audit's first and last day (the last not before the first).")
        )
    certificate = item.certificate
    project = db.session.get(Project, certificate.project_id)
    if project is None:  # a certificate is always issued at the end of a project
        raise WorkflowError(_("The certificate is no longer in force."))
    recertification = item.kind == ScheduleKind.RECERTIFICATION
    audit = new_audit(
        project,
        certificate.body,
        AuditKind.RECERTIFICATION if recertification else AuditKind.SURVEILLANCE,
        actor,
        member_ids or [],
        starts_on=starts_on,
        ends_on=ends_on,
        scope=scope.strip() or certificate.scope,
    )
    db.session.flush()
    item.audit_id = audit.id


def _complete_audit(item: ScheduleItem, completed_on: date | None) -> date:
    audit = db.session.get(Audit, item.audit_id) if item.audit_id else None
    if audit is None:  # planned is the only source of a conclusion
        raise WorkflowError(_("There is no surveillance audit under way to conclude."))
    completed_on = completed_on or local_today()
    if completed_on > local_today() or completed_on < audit.starts_on:
        raise WorkflowError(
            _("The audit's completion date must lie between its first day and today.")
        )
    audit.completed_on = completed_on
    return completed_on


def _maintain(
    item: ScheduleItem, actor: User, completed_on: date | None = None, **_unused: Any
) -> None:
    item.completed_on = _complete_audit(item, completed_on)


def _suspend(
    item: ScheduleItem,
    actor: User,
    completed_on: date | None = None,
    reason: str = "",
    **_unused: Any,
) -> None:
    if not reason.strip():
        raise WorkflowError(_("Give the reason for this change."))
    item.completed_on = _complete_audit(item, completed_on)
    certificates.perform(item.certificate, "suspend_at_surveillance", actor, reason)


def _recommend(
    item: ScheduleItem, actor: User, completed_on: date | None = None, **_unused: Any
) -> None:
    _complete_audit(item, completed_on)
    item.recommended_at = utcnow()


def _not_recommend(
    item: ScheduleItem, actor: User, completed_on: date | None = None, **_unused: Any
) -> None:
    """The certificate then ends at its expiry."""
    _complete_audit(item, completed_on)


def _pass_review(item: ScheduleItem, actor: User, **_unused: Any) -> None:
    item.compliance_by_id = actor.id


def _issue(item: ScheduleItem, actor: User, **_unused: Any) -> Certificate:
    """The new certificate, gap-free when the recertification is done in time."""
    new = certificates.recertify(item.certificate, actor)
    item.completed_on = local_today()
    return new


def _miss(item: ScheduleItem, actor: Actor, **_unused: Any) -> None:
    return None


EFFECTS: dict[str, Callable[..., Any]] = {
    "plan": _plan,
    "maintain": _maintain,
    "suspend": _suspend,
    "recommend": _recommend,
    "not_recommend": _not_recommend,
    "pass_review": _pass_review,
    "issue": _issue,
    "miss": _miss,
}


def evaluators_of(certificate: Certificate) -> list[tuple[int, str]]:
    """The body's active evaluators, for the planning form's team list."""
    return [
        (row.id, row.name)
        for row in db.session.execute(
            sa.select(User.id, User.name)
            .where(
                User.organisation_id == certificate.body_id,
                User.role == Role.EVALUATOR,
                User.active.is_(True),
            )
            .order_by(User.name)
        )
    ]
