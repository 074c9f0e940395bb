"""A nonconformity's way as data (DOMAIN.md §3): the enterprise answers it with cause,
correction and corrective action; the audit team accepts the action plan, verifies it closed,
or rejects it back to the enterprise. Observations are noted and go nowhere."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.security.permissions import Permission
from app.workflow import Transition, names
from models import (
    Audit,
    AuditKind,
    AuditTeamMember,
    Finding,
    FindingStatus,
    Project,
    ProjectStatus,
    Role,
    ScheduleItem,
    ScheduleStatus,
    SpecialAudit,
    SpecialAuditStatus,
)

F = FindingStatus
P = ProjectStatus

# While findings may be logged on an audit of each kind: during the audit, until it is completed.
LOGGING_STATUSES = {AuditKind.STAGE1: P.STAGE1_PLANNED, AuditKind.STAGE2: P.STAGE2_PLANNED}
# While the enterprise answers and the team decides: any time up to the conclusion.
CORRECTION_STATUSES = frozenset({P.STAGE1_PLANNED, P.STAGE1_DONE, P.STAGE2_PLANNED, P.CORRECTION})
# Audits of a certificate live by their schedule item (surveillance, recertification) or by
# the special audit a complaint led to, not by the project's state: open while planned.
CERTIFICATE_AUDITS = frozenset(
    {AuditKind.SURVEILLANCE, AuditKind.RECERTIFICATION, AuditKind.SPECIAL}
)


def project_of(audit: Audit) -> Project | None:
    return db.session.get(Project, audit.project_id) if audit.project_id else None


def _schedule_item_planned(audit: Audit) -> bool:
    if audit.kind is AuditKind.SPECIAL:
        planned = sa.exists().where(
            SpecialAudit.audit_id == audit.id, SpecialAudit.status == SpecialAuditStatus.PLANNED
        )
    else:
        planned = sa.exists().where(
            ScheduleItem.audit_id == audit.id, ScheduleItem.status == ScheduleStatus.PLANNED
        )
    return bool(db.session.scalar(sa.select(planned)))


def logging_open(audit: Audit) -> bool:
    if audit.completed_on is not None:
        return False
    if audit.kind in CERTIFICATE_AUDITS:
        return _schedule_item_planned(audit)
    project = project_of(audit)
    return project is not None and project.status == LOGGING_STATUSES.get(audit.kind)


def correction_open(audit: Audit) -> bool:
    if audit.kind in CERTIFICATE_AUDITS:
        return _schedule_item_planned(audit)
    project = project_of(audit)
    return project is not None and project.status in CORRECTION_STATUSES


def leads(audit_id: int | None, actor: object) -> bool:
    """Whether ``actor`` is the lead evaluator of the audit ``audit_id`` (one query)."""
    lead = db.session.scalar(
        sa.select(AuditTeamMember.user_id).where(
            AuditTeamMember.audit_id == audit_id, AuditTeamMember.is_lead.is_(True)
        )
    )
    return lead is not None and lead == getattr(actor, "id", None)


def evaluator_of(body_id: int | None, actor: object) -> bool:
    """Whether ``actor`` is an evaluator of the evaluation body ``body_id``."""
    return (
        getattr(actor, "organisation_id", None) == body_id
        and getattr(actor, "role", None) == Role.EVALUATOR
    )


def on_team(audit: Audit, user: object) -> bool:
    return any(member.user_id == getattr(user, "id", None) for member in audit.team)


# --- guards ----------------------------------------------------------------------------------


def the_enterprise(finding: Finding, actor: object) -> str | None:
    project = project_of(finding.audit)
    if project is None or getattr(actor, "organisation_id", None) != project.organisation_id:
        return _("Only the enterprise answers its nonconformities.")
    return None


def the_audit_team(finding: Finding, actor: object) -> str | None:
    if not on_team(finding.audit, actor):
        return _("Only members of the audit team verify corrective actions.")
    return None


def answers_accepted(finding: Finding, _actor: object) -> str | None:
    if not correction_open(finding.audit):
        return _("The project no longer accepts answers to findings.")
    return None


def decisions_accepted(finding: Finding, _actor: object) -> str | None:
    if not correction_open(finding.audit):
        return _("The project no longer accepts decisions on findings.")
    return None


TRANSITIONS: tuple[Transition[FindingStatus], ...] = (
    Transition(
        "answer",
        frozenset({F.OPEN}),
        F.ANSWERED,
        Permission.FINDING_ANSWER,
        the_enterprise,
        (answers_accepted,),
    ),
    Transition(
        "accept",
        frozenset({F.ANSWERED}),
        F.ACCEPTED,
        Permission.PROJECT_EVALUATE,
        the_audit_team,
        (decisions_accepted,),
    ),
    Transition(
        "verify",
        frozenset({F.ANSWERED, F.ACCEPTED}),
        F.CLOSED,
        Permission.PROJECT_EVALUATE,
        the_audit_team,
        (decisions_accepted,),
    ),
    Transition(
        "reject",
        frozenset({F.ANSWERED}),
        F.OPEN,
        Permission.PROJECT_EVALUATE,
        the_audit_team,
        (decisions_accepted,),
    ),
)
ACTION_NAMES = names(TRANSITIONS)
DECISIONS = ("accept", "verify", "reject")
