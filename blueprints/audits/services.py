"""Findings and corrective actions: logged by the audit team, answered by the enterprise,
accepted, rejected or verified by the team. Only flushes."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import gettext as _

from app import workflow
from app.clock import local_today, utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.security.access import get_project_or_404
from app.security.permissions import Permission
from blueprints.audits.transitions import DECISIONS, TRANSITIONS, logging_open, on_team
from models import (
    Audit,
    AuditTeamMember,
    Clause,
    CorrectiveAction,
    Finding,
    FindingKind,
    FindingStatus,
    Project,
    User,
)

F = FindingStatus


def audit_or_404(audit_id: int, permission: Permission) -> tuple[Audit, Project]:
    """The audit of a project the current user's organisation is a party to, with its team (the
    pages list it and the table's guards ask who is on it), and the project; else 404."""
    team = sa.orm.selectinload(Audit.team).joinedload(AuditTeamMember.user)
    audit = db.session.get(Audit, audit_id, options=[team])
    if audit is None or audit.project_id is None:
        abort(404)
    project = get_project_or_404(audit.project_id, permission)  # parties only, else 404
    return audit, project


def add_finding(
    audit: Audit, actor: User, kind: FindingKind, clause_code: str, description: str
) -> Finding:
    if not on_team(audit, actor):
        raise WorkflowError(_("Only members of the audit team log findings."))
    if not logging_open(audit):
        raise WorkflowError(_("Findings are logged while the audit is under way."))
    clause = db.session.get(Clause, clause_code)
    if clause is None or not clause.active:
        raise WorkflowError(_("Choose a clause of GB/T 23001-2017 from the list."))
    if not description.strip():
        raise WorkflowError(_("Describe the finding."))
    is_nc = kind in (FindingKind.MAJOR, FindingKind.MINOR)
    finding = Finding(
        audit=audit,
        kind=kind,
        clause_code=clause.code,
        description=description.strip(),
        status=F.OPEN if is_nc else F.NOTED,
        created_by_id=actor.id,
        due_on=local_today() + timedelta(days=current_app.config["CORRECTIVE_ACTION_DAYS"])
        if is_nc
        else None,
    )
    db.session.add(finding)
    db.session.flush()
    if is_nc:  # an observation asks nothing of anyone
        announce("finding.logged", finding, actor, occurrence=f"finding:{finding.id}")
    return finding


def _move(finding: Finding, name: str, actor: User) -> FindingStatus:
    """Check the move against the table (state, who, whether the audit still takes it)."""
    _transition, target = workflow.begin(TRANSITIONS, finding, name, finding.status, actor)
    return target


def _flush() -> None:
    workflow.flush(
        _(
            "Someone else changed this finding at the same moment. "
            "Reload the page to see its current state."
        )
    )


def answer(
    finding: Finding, actor: User, cause: str, correction: str, action: str
) -> CorrectiveAction:
    target = _move(finding, "answer", actor)
    if not (cause.strip() and correction.strip() and action.strip()):
        raise WorkflowError(_("Give the cause analysis, the correction and the corrective action."))
    record = CorrectiveAction(
        finding=finding,
        cause=cause.strip(),
        correction=correction.strip(),
        action=action.strip(),
        submitted_by_id=actor.id,
    )
    db.session.add(record)
    finding.status = target
    _flush()
    announce("finding.answer", finding, actor)
    return record


# What each decision records on the answer it decides.
_DECISION_RECORD = {"accept": "accepted", "verify": "verified", "reject": "rejected"}


def decide(finding: Finding, actor: User, decision: str, comment: str = "") -> None:
    if decision not in DECISIONS:
        raise WorkflowError(_("Unknown action."))
    target = _move(finding, decision, actor)
    if decision == "reject" and not comment.strip():
        raise WorkflowError(_("Say why the corrective action is rejected."))
    # Every decision follows an answer (OPEN and NOTED are no sources), so one exists.
    latest = finding.actions[-1]
    latest.decision = _DECISION_RECORD[decision]
    latest.decided_by_id = actor.id
    latest.decided_at = utcnow()
    latest.decision_comment = comment.strip()
    finding.status = target
    if target == F.CLOSED:
        finding.closed_at = utcnow()
    if decision == "reject":
        finding.due_on = local_today() + timedelta(
            days=current_app.config["CORRECTIVE_ACTION_DAYS"]
        )
    _flush()
    announce(f"finding.{decision}", finding, actor, comment=comment.strip())


def findings_of(audit: Audit, kind: str | None = None, status: str | None = None) -> list[Finding]:
    query = (
        sa.select(Finding)
        .where(Finding.audit_id == audit.id)
        .options(
            sa.orm.joinedload(Finding.clause),
            sa.orm.selectinload(Finding.actions).joinedload(CorrectiveAction.submitted_by),
        )
        .order_by(Finding.id)
    )
    if kind is not None and kind in {k.value for k in FindingKind}:
        query = query.where(Finding.kind == FindingKind(kind))
    if status is not None and status in {s.value for s in FindingStatus}:
        query = query.where(Finding.status == FindingStatus(status))
    return list(db.session.scalars(query))


def team_of(audit: Audit) -> list[AuditTeamMember]:
    """The team, lead evaluator first."""
    return sorted(audit.team, key=lambda member: not member.is_lead)


def active_clauses() -> list[Clause]:
    return list(
        db.session.scalars(
            sa.select(Clause).where(Clause.active.is_(True)).order_by(Clause.sort_key)
        )
    )
