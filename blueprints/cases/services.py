"""Handling a case: who may see it, naming its impartial handler, the handler's notes and the
moves of the table (acknowledge, decide with reasons, respond). An upheld appeal reopens the
step it concerns through the project's, the certificate's or the pool's own table. Services
flush; the request commits."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from app import workflow
from app.clock import local_time, local_today, utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.security.permissions import Permission, has_permission
from app.workflow import OnDecisionOf
from blueprints.cases import impartiality, messages
from blueprints.cases.transitions import TRANSITIONS
from blueprints.certificates import services as certificates
from blueprints.certificates import transitions as certificate_transitions
from blueprints.pool import services as pool
from blueprints.projects import services as projects
from blueprints.projects import transitions as project_transitions
from models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseNote,
    CaseOutcome,
    CaseStatus,
    User,
)

NOTE_MAX, REASONS_MAX, RESPONSE_MAX = 5000, 5000, 5000


def _conflict() -> str:
    return _("This case was changed meanwhile. Reload the page to see its current state.")


# --- who sees what --------------------------------------------------------------------------


def handles(actor: Any) -> bool:
    return has_permission(actor, Permission.CASES_HANDLE)


def is_filer(actor: Any, case: Case) -> bool:
    """The person who filed it, or — for an appeal — any member of the appellant enterprise."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if case.filed_by_id == actor.id:
        return True
    return (
        case.kind is CaseKind.APPEAL
        and case.enterprise_id == actor.organisation_id
        and has_permission(actor, Permission.CASES_FILE)
    )


def case_or_404(case_id: int, actor: Any) -> Case:
    """A case the actor handles (the alliance) or filed: anyone else's is not found."""
    case = db.session.get(Case, case_id)
    if case is None or not (handles(actor) or is_filer(actor, case)):
        abort(404)
    return case


def case_to_handle_or_404(case_id: int, actor: Any) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not handles(actor):
        abort(404)
    return case


def filed_by(actor: User) -> sa.Select:
    """The cases ``actor`` filed, and their enterprise's appeals, newest first."""
    mine = Case.filed_by_id == actor.id
    if has_permission(actor, Permission.CASES_FILE) and actor.organisation_id is not None:
        mine = sa.or_(
            mine,
            sa.and_(Case.kind == CaseKind.APPEAL, Case.enterprise_id == actor.organisation_id),
        )
    return (
        sa.select(Case)
        .where(mine)
        .options(sa.orm.joinedload(Case.concerned))
        .order_by(Case.received_at.desc(), Case.id.desc())
    )


# --- the handler ----------------------------------------------------------------------------


def record(case: Case, action: str, source: CaseStatus | None, actor: Any, comment: str = ""):
    case.events.append(
        CaseEvent(action=action, from_status=source, to_status=case.status,
                  actor_id=getattr(actor, "id", None), comment=comment.strip())
    )  # fmt: skip


def assign(case: Case, actor: User, handler_id: int | None, version: int | None) -> None:
    """Name (or change) the handler of an undecided case: refused, naming the person and the
    rule, when they took part in what the case is about."""
    workflow.expect_version(case, version)
    if case.status not in (CaseStatus.RECEIVED, CaseStatus.ACKNOWLEDGED):
        raise WorkflowError(_("A decided case keeps its handler."))
    handler = db.session.get(User, handler_id) if handler_id else None
    if handler is None:
        raise WorkflowError(_("Choose the handler from the list."))
    refusal = impartiality.refusal(case, handler)
    if refusal:
        raise WorkflowError(refusal)
    if case.handler_id == handler.id:
        raise WorkflowError(_("%(name)s handles this case already.", name=handler.name))
    case.handler = handler
    record(case, "assign", case.status, actor, handler.name)
    workflow.flush(_conflict())
    announce("case.assign", case, actor)


def add_note(case: Case, actor: User, text: str) -> CaseNote:
    """The handler's investigation notes, while the case is open."""
    if case.handler_id != actor.id:
        raise WorkflowError(_("Only the case's handler can do this."))
    if case.status not in (CaseStatus.RECEIVED, CaseStatus.ACKNOWLEDGED):
        raise WorkflowError(_("The investigation of a decided case is closed."))
    text = text.strip()
    if not text or len(text) > NOTE_MAX:
        raise WorkflowError(_("Write the note (at most %(n)d characters).", n=NOTE_MAX))
    note = CaseNote(author_id=actor.id, body=text)
    case.notes.append(note)
    db.session.flush()
    return note


def act(
    case: Case,
    name: str,
    actor: User,
    version: int | None,
    *,
    outcome: CaseOutcome | None = None,
    text: str = "",
) -> None:
    """Acknowledge (``text``: a word to the appellant or complainant), decide (``outcome`` and
    its reasons in ``text``) or respond (the response in ``text``). A form rendered before
    someone else's move is refused (409)."""
    workflow.expect_version(case, version)
    source = case.status
    _transition, target = workflow.begin(TRANSITIONS, case, name, source, actor)
    text = text.strip()
    now = utcnow()
    if name == "acknowledge":
        case.acknowledged_at = now
    elif name == "decide":
        if outcome is None:
            raise WorkflowError(_("Choose the outcome."))
        if not text or len(text) > REASONS_MAX:
            raise WorkflowError(_("Give the reasons for the decision."))
        case.outcome = outcome
        case.decision_reasons = text
        case.decided_at = now
    elif name == "respond":
        if not text or len(text) > RESPONSE_MAX:
            raise WorkflowError(_("Write the response to send."))
        case.response = text
        case.responded_at = now
        received = (local_time(case.received_at) or case.received_at).date()
        case.handling_days = (local_today() - received).days
    case.status = target
    record(case, name, source, actor, text if name != "decide" else "")
    workflow.flush(_conflict())
    if name == "decide" and case.kind is CaseKind.APPEAL and outcome is CaseOutcome.UPHELD:
        reopen(case, actor)
    announce(f"case.{name}", case, actor, comment=text if name != "decide" else "")
    messages.tell_the_public(case, name)


def reopen(case: Case, handler: User) -> None:
    """The upheld appeal's consequence: the project or certificate goes back, through its own
    table, to where the decision found it; its history names the appeal."""
    comment = _(
        "Appeal %(reference)s upheld: %(reasons)s",
        reference=case.reference,
        reasons=case.decision_reasons,
    )
    by = OnDecisionOf(handler)
    if case.project_event is not None and case.project is not None:
        latest = project_transitions.last_event(case.project)
        if latest is None or latest.id != case.project_event.id:
            raise WorkflowError(
                _("The project has moved on since the decision: there is nothing to reopen.")
            )
        projects.perform(case.project, "appeal_upheld", by, comment, body_id=case.body_id)
    elif case.certificate_event is not None and case.certificate is not None:
        latest_event = certificate_transitions.last_event(case.certificate)
        if latest_event is None or latest_event.id != case.certificate_event.id:
            raise WorkflowError(
                _("The certificate has changed since the decision: there is nothing to reopen.")
            )
        certificates.perform(case.certificate, "appeal_upheld", by, comment)
    elif case.pool_event is not None and case.pool_member is not None:
        # The pool's own table refuses when the place moved on since (a restoration, say).
        pool.perform(case.pool_member, "appeal_upheld", by, reason=comment, case=case)
