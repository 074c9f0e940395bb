"""Audits (stage 1, stage 2, later surveillance), their teams, findings and corrective actions."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from models.clause import Clause
from models.types import enum_column_type
from models.user import User


class AuditKind(enum.Enum):
    STAGE1 = "stage1"
    STAGE2 = "stage2"
    SURVEILLANCE = "surveillance"
    RECERTIFICATION = "recertification"
    SPECIAL = "special"

    @property
    def title(self) -> str:
        return str(_AUDIT_KIND_TITLES[self])


_AUDIT_KIND_TITLES = {
    AuditKind.STAGE1: _l("Stage-1 audit"),
    AuditKind.STAGE2: _l("Stage-2 audit"),
    AuditKind.SURVEILLANCE: _l("Surveillance audit"),
    AuditKind.RECERTIFICATION: _l("Recertification audit"),
    AuditKind.SPECIAL: _l("Special audit"),
}


class Audit(db.Model):
    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    kind: Mapped[AuditKind] = mapped_column(enum_column_type(AuditKind, "audit_kind"))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    scope: Mapped[str] = mapped_column(sa.Text, default="")
    sites: Mapped[str] = mapped_column(sa.Text, default="")
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[list[AuditTeamMember]] = relationship(
        back_populates="audit", cascade="all, delete-orphan"
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="Finding.id"
    )


class AuditTeamMember(db.Model):
    __tablename__ = "audit_team_members"

    audit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)

    audit: Mapped[Audit] = relationship(back_populates="team")
    user: Mapped[User] = relationship()


class FindingKind(enum.Enum):
    MAJOR = "major"  # 严重不符合
    MINOR = "minor"  # 一般不符合
    OBSERVATION = "observation"  # 观察项

    @property
    def title(self) -> str:
        return str(_FINDING_KIND_TITLES[self])


_FINDING_KIND_TITLES = {
    FindingKind.MAJOR: _l("Major nonconformity"),
    FindingKind.MINOR: _l("Minor nonconformity"),
    FindingKind.OBSERVATION: _l("Observation"),
}


class FindingStatus(enum.Enum):
    OPEN = "open"  # waiting for the enterprise's answer
    ANSWERED = "answered"  # waiting for the evaluator
    ACCEPTED = "accepted"  # action plan accepted (enough for a minor one)
    CLOSED = "closed"  # verified closed (needed for a major one)
    NOTED = "noted"  # an observation: nothing to answer

    @property
    def title(self) -> str:
        return str(_FINDING_STATUS_TITLES[self])


_FINDING_STATUS_TITLES = {
    FindingStatus.OPEN: _l("Waiting for the enterprise"),
    FindingStatus.ANSWERED: _l("Waiting for verification"),
    FindingStatus.ACCEPTED: _l("Action plan accepted"),
    FindingStatus.CLOSED: _l("Verified closed"),
    FindingStatus.NOTED: _l("Noted"),
}


class Finding(db.Model):
    __tablename__ = "findings"
    __table_args__ = (sa.Index("ix_findings_audit_status", "audit_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(sa.ForeignKey("audits.id", ondelete="CASCADE"))
    kind: Mapped[FindingKind] = mapped_column(enum_column_type(FindingKind, "finding_kind"))
    clause_code: Mapped[str] = mapped_column(sa.ForeignKey("clauses.code"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[FindingStatus] = mapped_column(enum_column_type(FindingStatus, "finding_status"))
    due_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()

    audit: Mapped[Audit] = relationship(back_populates="findings")
    clause: Mapped[Clause] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    actions: Mapped[list[CorrectiveAction]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", order_by="CorrectiveAction.id"
    )


class CorrectiveAction(db.Model):
    """The enterprise's answer to a nonconformity and the evaluator's decision on it."""

    __tablename__ = "corrective_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        sa.ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    cause: Mapped[str] = mapped_column(sa.Text)  # 原因分析
    correction: Mapped[str] = mapped_column(sa.Text)  # 纠正
    action: Mapped[str] = mapped_column(sa.Text)  # 纠正措施
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str | None] = mapped_column(sa.String(20))  # accepted | rejected | verified
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_comment: Mapped[str] = mapped_column(sa.Text, default="")

    finding: Mapped[Finding] = relationship(back_populates="actions")
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
