"""Special audits: the handler orders one from a complaint about a certificate holder, the
certificate's evaluation body schedules it (its team under the same rules as every audit
team) and completes it; each step is written on the case's history and announced. Only
flushes; the request commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import workflow
from app.clock import local_today, utcnow
from app.errors import WorkflowError, is_conflict
from app.events import announce
from app.extensions import db
from app.security.permissions import Permission, has_permission
from blueprints.audits.impartiality import new_audit
from blueprints.cases import services as cases
from blueprints.cases.impartiality import impartial_handler
from blueprints.cases.transitions import the_handler
from blueprints.special_audits.transitions import CONCLUSIONS, LIVE, TRANSITIONS
from models import (
    OPEN_SPECIAL_AUDIT_STATUSES,
    Audit,
    AuditKind,
    Case,
    CaseKind,
    CaseStatus,
    CaseSubject,
    ComplaintVerdict,
    Project,
    SpecialAudit,
    SpecialAuditRecommendation,
    User,
)

REASON_MAX, SCOPE_MAX, SUMMARY_MAX = 2000, 2000, 5000


def _conflict() -> str:
    return _("This special audit was changed meanwhile. Reload the page to see its current state.")


def _under_way() -> str:
    return _("A special audit of this certificate is under way already.")


# --- who sees it -----------------------------------------------------------------------------


def of_the_body(actor: Any, special: SpecialAudit) -> bool:
    return actor.organisation_id == special.body_id and has_permission(
        actor, Permission.PROJECT_EVALUATE
    )


def special_audit_or_404(special_id: int, actor: Any) -> SpecialAudit:
    """A special audit the actor's evaluation body performs, or one the alliance's case
    handlers follow; anyone else's (the holder's included: it learns of the audit, not of the
    complaint) is not found."""
    special = db.session.get(SpecialAudit, special_id)
    if special is None or not (
        of_the_body(actor, special) or has_permission(actor, Permission.CASES_HANDLE)
    ):
        abort(404)
    return special


def of_case(case: Case) -> list[SpecialAudit]:
    return list(
        db.session.scalars(
            sa.select(SpecialAudit)
            .where(SpecialAudit.case_id == case.id)
            .options(sa.orm.joinedload(SpecialAudit.audit))
            .order_by(SpecialAudit.id.desc())
        )
    )


def under_way_for(certificate_id: int) -> SpecialAudit | None:
    return db.session.scalar(
        sa.select(SpecialAudit).where(
            SpecialAudit.certificate_id == certificate_id,
            SpecialAudit.status.in_(OPEN_SPECIAL_AUDIT_STATUSES),
        )
    )


# --- ordering --------------------------------------------------------------------------------


def about_a_holder(case: Case) -> bool:
    return (
        case.kind is CaseKind.COMPLAINT
        and case.subject is CaseSubject.CERTIFICATE
        and case.certificate_id is not None
    )


def ordering_refusal(case: Case, actor: Any) -> str | None:
    """Why ``actor`` may not order a special audit from ``case`` now, or None."""
    if not about_a_holder(case) or case.certificate is None:
        return _("A special audit follows a complaint about a certificate holder.")
    if case.status is not CaseStatus.ACKNOWLEDGED:
        return _("A special audit is ordered while the case is under investigation.")
    refusal = the_handler(case, actor) or impartial_handler(case, actor)
    if refusal:
        return refusal
    if case.certificate.status_on(local_today()) not in LIVE:
        return _("The certificate is no longer in force.")
    if under_way_for(case.certificate.id) is not None:
        return _under_way()
    return None


def order(case: Case, actor: User, reason: str, scope: str, version: int | None) -> SpecialAudit:
    """The handler's order, on the case's history; the body is told. A second order for the
    same certificate (even one racing this one) is refused: 409."""
    workflow.expect_version(case, version)
    refusal = ordering_refusal(case, actor)
    if refusal:
        raise WorkflowError(refusal)
    reason, scope = reason.strip(), scope.strip()
    if not reason or len(reason) > REASON_MAX:
        raise WorkflowError(
            _("Give the reason (at most %(n)d characters).", n=REASON_MAX), "reason"
        )
    if len(scope) > SCOPE_MAX:
        raise WorkflowError(_("At most %(n)d characters.", n=SCOPE_MAX), "scope")
    certificate = case.certificate
    assert certificate is not None  # ordering_refusal checked it
    special = SpecialAudit(
        case_id=case.id,
        certificate_id=certificate.id,
        body_id=certificate.body_id,
        reason=reason,
        scope=scope,
        ordered_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(special)
    except IntegrityError as error:
        if not is_conflict(error):
            raise
        raise WorkflowError(_under_way()) from error
    cases.record(case, "order_special_audit", case.status, actor, reason)
    db.session.flush()
    announce("special_audit.order", special, actor)
    return special


# --- the moves of the table ------------------------------------------------------------------


def perform(
    special: SpecialAudit, name: str, actor: User, version: int | None, **inputs: Any
) -> None:
    """Check and apply one move of the table; a form older than the last move is refused."""
    workflow.expect_version(special, version)
    _transition, target = workflow.begin(TRANSITIONS, special, name, special.status, actor)
    EFFECTS[name](special, actor, name=name, **inputs)
    special.status = target
    workflow.flush(_conflict())
    announce(f"special_audit.{name}", special, actor)


def _schedule(
    special: SpecialAudit,
    actor: User,
    starts_on: date | None = None,
    ends_on: date | None = None,
    member_ids: list[int] | None = None,
    **_unused: Any,
) -> None:
    """Dates not in the past and a team of the body led by the planner, under every team
    rule (impartiality, declarations, registration, lead qualification, coverage)."""
    today = local_today()
    if starts_on is None or starts_on < today:
        raise WorkflowError(_("The first day cannot be in the past."), "starts_on")
    if ends_on is None or ends_on < starts_on:
        raise WorkflowError(_("The last day cannot be before the first."), "ends_on")
    certificate = special.certificate
    project = db.session.get(Project, certificate.project_id)
    if project is None:  # a certificate is always issued at the end of a project
        raise WorkflowError(_("The certificate is no longer in force."))
    audit = new_audit(
        project,
        special.body,
        AuditKind.SPECIAL,
        actor,
        member_ids or [],
        starts_on=starts_on,
        ends_on=ends_on,
        scope=special.scope or certificate.scope,
    )
    db.session.flush()
    special.audit = audit


def _complete(
    special: SpecialAudit,
    actor: User,
    name: str = "",
    verdict: ComplaintVerdict | None = None,
    summary: str = "",
    completed_on: date | None = None,
    **_unused: Any,
) -> None:
    """The verdict on the complaint and the recommendation (the move's name), back on the
    case's history for its handler."""
    if verdict is None:
        raise WorkflowError(_("Say whether the complaint is substantiated."), "verdict")
    summary = summary.strip()
    if not summary or len(summary) > SUMMARY_MAX:
        raise WorkflowError(
            _("Summarise the audit's result (at most %(n)d characters).", n=SUMMARY_MAX),
            "summary",
        )
    audit = db.session.get(Audit, special.audit_id) if special.audit_id else None
    if audit is None:  # planned is the only source of a completion
        raise WorkflowError(_("There is no special audit under way to complete."))
    completed_on = completed_on or local_today()
    if completed_on > local_today() or completed_on < audit.starts_on:
        raise WorkflowError(
            _("The audit's completion date must lie between its first day and today."),
            "completed_on",
        )
    audit.completed_on = completed_on
    recommendation = SpecialAuditRecommendation(name)
    special.verdict, special.recommendation, special.summary = verdict, recommendation, summary
    special.completed_by_id, special.completed_at = actor.id, utcnow()
    # The history names the step; the case page shows the result in its reader's language.
    cases.record(special.case, "special_audit_completed", special.case.status, actor)


def _cancel(special: SpecialAudit, actor: User, **_unused: Any) -> None:
    cases.record(special.case, "cancel_special_audit", special.case.status, actor)


EFFECTS: dict[str, Callable[..., None]] = {
    "schedule": _schedule,
    **dict.fromkeys(CONCLUSIONS, _complete),
    "cancel": _cancel,
}
