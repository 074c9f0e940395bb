"""Audits (stage 1, stage 2, later surveillance), their teams, findings and corrective actions."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.clause import Clause
from models.types import TitledEnum, enum_column_type
from models.user import User


class AuditKind(TitledEnum):
    STAGE1 = "stage1", _l("Stage-1 audit")
    STAGE2 = "stage2", _l("Stage-2 audit")
    SURVEILLANCE = "surveillance", _l("Surveillance audit")
    RECERTIFICATION = "recertification", _l("Recertification audit")
    SPECIAL = "special", _l("Special audit")


class Audit(Model):
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


class AuditTeamMember(Model):
    __tablename__ = "audit_team_members"

    audit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)

    audit: Mapped[Audit] = relationship(back_populates="team")
    user: Mapped[User] = relationship()


class FindingKind(TitledEnum):
    MAJOR = "major", _l("Major nonconformity")  # 严重不符合
    MINOR = "minor", _l("Minor nonconformity")  # 一般不符合
    OBSERVATION = "observation", _l("Observation")  # 观察项


class FindingStatus(TitledEnum):
    OPEN = "open", _l("Waiting for the enterprise")
    ANSWERED = "answered", _l("Waiting for verification")
    ACCEPTED = "accepted", _l("Action plan accepted")  # enough for a minor one
    CLOSED = "closed", _l("Verified closed")  # needed for a major one
    NOTED = "noted", _l("Noted")  # an observation: nothing to answer


class Finding(Model):
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
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}

    audit: Mapped[Audit] = relationship(back_populates="findings")
    clause: Mapped[Clause] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    actions: Mapped[list[CorrectiveAction]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", order_by="CorrectiveAction.id"
    )


class CorrectiveAction(Model):
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
