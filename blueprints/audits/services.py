"""Findings and corrective actions: logged by the audit team, answered by the enterprise,
accepted, rejected or verified by the team. Only flushes."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.clock import local_today, utcnow
from app.errors import WorkflowError
from app.extensions import db
from models import (
    Audit,
    AuditKind,
    AuditTeamMember,
    Clause,
    CorrectiveAction,
    Finding,
    FindingKind,
    FindingStatus,
    Project,
    ProjectStatus,
    User,
)

F = FindingStatus
P = ProjectStatus

# While findings may be logged on an audit of each kind: during the audit, until it is completed.
_LOGGING_STATUSES = {AuditKind.STAGE1: P.STAGE1_PLANNED, AuditKind.STAGE2: P.STAGE2_PLANNED}
# While the enterprise answers and the team decides: any time up to the conclusion.
_CORRECTION_STATUSES = frozenset({P.STAGE1_PLANNED, P.STAGE1_DONE, P.STAGE2_PLANNED, P.CORRECTION})
# Audits of a certificate (surveillance, recertification) live by their schedule item, not
# by the project's state: open while the item is.
CERTIFICATE_AUDITS = frozenset({AuditKind.SURVEILLANCE, AuditKind.RECERTIFICATION})


def _schedule_open(audit: Audit) -> bool:
    from models import ScheduleItem, ScheduleStatus

    return (
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    ScheduleItem.audit_id == audit.id, ScheduleItem.status == ScheduleStatus.OPEN
                )
            )
        )
        or False
    )


def logging_open(audit: Audit) -> bool:
    if audit.completed_on is not None:
        return False
    if audit.kind in CERTIFICATE_AUDITS:
        return _schedule_open(audit)
    return _project(audit).status == _LOGGING_STATUSES.get(audit.kind)


def correction_open(audit: Audit) -> bool:
    if audit.kind in CERTIFICATE_AUDITS:
        return _schedule_open(audit)
    return _project(audit).status in _CORRECTION_STATUSES


def on_team(audit: Audit, user: User) -> bool:
    return any(member.user_id == user.id for member in audit.team)


def _project(audit: Audit) -> Project:
    return db.session.get(Project, audit.project_id)


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
    return finding


def answer(
    finding: Finding, actor: User, cause: str, correction: str, action: str
) -> CorrectiveAction:
    project = _project(finding.audit)
    if actor.organisation_id != project.organisation_id:
        raise WorkflowError(_("Only the enterprise answers its nonconformities."))
    if finding.status != F.OPEN:
        raise WorkflowError(_("This finding is not waiting for an answer."))
    if not correction_open(finding.audit):
        raise WorkflowError(_("The project no longer accepts answers to findings."))
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
    finding.status = F.ANSWERED
    db.session.flush()
    return record


# decision -> (statuses it may follow, the status it leads to)
DECISIONS = {
    "accept": (frozenset({F.ANSWERED}), F.ACCEPTED),
    "verify": (frozenset({F.ANSWERED, F.ACCEPTED}), F.CLOSED),
    "reject": (frozenset({F.ANSWERED}), F.OPEN),
}


def decide(finding: Finding, actor: User, decision: str, comment: str = "") -> None:
    if decision not in DECISIONS:
        raise WorkflowError(_("Unknown action."))
    if not on_team(finding.audit, actor):
        raise WorkflowError(_("Only members of the audit team verify corrective actions."))
    if not correction_open(finding.audit):
        raise WorkflowError(_("The project no longer accepts decisions on findings."))
    sources, target = DECISIONS[decision]
    if finding.status not in sources:
        raise WorkflowError(
            _(
                "This action is not possible in the current state (%(state)s).",
                state=finding.status.title,
            )
        )
    if decision == "reject" and not comment.strip():
        raise WorkflowError(_("Say why the corrective action is rejected."))
    # Every decision follows an answer (OPEN and NOTED are no sources), so one exists.
    latest = finding.actions[-1]
    latest.decision = {"accept": "accepted", "verify": "verified", "reject": "rejected"}[decision]
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
    db.session.flush()


def findings_of(audit: Audit, kind: str | None = None, status: str | None = None) -> list[Finding]:
    query = (
        sa.select(Finding)
        .where(Finding.audit_id == audit.id)
        .options(sa.orm.joinedload(Finding.clause), sa.orm.selectinload(Finding.actions))
        .order_by(Finding.id)
    )
    if kind in {k.value for k in FindingKind}:
        query = query.where(Finding.kind == FindingKind(kind))
    if status in {s.value for s in FindingStatus}:
        query = query.where(Finding.status == FindingStatus(status))
    return list(db.session.scalars(query))


def team_of(audit: Audit) -> list[AuditTeamMember]:
    return list(
        db.session.scalars(
            sa.select(AuditTeamMember)
            .where(AuditTeamMember.audit_id == audit.id)
            .options(sa.orm.joinedload(AuditTeamMember.user))
            .order_by(AuditTeamMember.is_lead.desc())
        )
    )


def active_clauses() -> list[Clause]:
    return list(
        db.session.scalars(
            sa.select(Clause).where(Clause.active.is_(True)).order_by(Clause.sort_key)
        )
    )
