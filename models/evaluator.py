"""The evaluator register (ISO/IEC 17021-1 §7.1–7.2): an evaluation body's people, their
registrations (评定人员, 高级评定人员, 组长资格) and sector competence, each approved by the
alliance before it counts, and their training."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.organisation import Organisation
from models.reference import Industry
from models.types import TitledEnum, enum_column_type
from models.user import User


class RegistrationGrade(TitledEnum):
    EVALUATOR = "evaluator", _l("Evaluator")  # 评定人员
    SENIOR = "senior", _l("Senior evaluator")  # 高级评定人员
    LEAD = "lead", _l("Lead qualification")  # 组长资格


class RecordStatus(TitledEnum):
    """Of a registration or a competence claim: the alliance approves it or returns it."""

    SUBMITTED = "submitted", _l("Waiting for approval")
    APPROVED = "approved", _l("Approved")
    RETURNED = "returned", _l("Returned")


class EvaluatorRegistration(Model):
    __tablename__ = "evaluator_registrations"
    __table_args__ = (
        sa.CheckConstraint("expires_on > issued_on", name="registration_expires_after_issue"),
        sa.UniqueConstraint("grade", "number", name="uq_evaluator_registrations_number"),
        sa.Index("ix_evaluator_registrations_status_expires", "status", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    grade: Mapped[RegistrationGrade] = mapped_column(
        enum_column_type(RegistrationGrade, "registration_grade")
    )
    number: Mapped[str] = mapped_column(sa.String(40), index=True)
    issued_on: Mapped[date] = mapped_column(sa.Date)
    expires_on: Mapped[date] = mapped_column(sa.Date, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The nearest expiry reminder it had (days before): a rerun tells nobody twice.
    reminded_days: Mapped[int | None] = mapped_column()
    status: Mapped[RecordStatus] = mapped_column(
        enum_column_type(RecordStatus, "evaluator_record_status")
    )
    return_reason: Mapped[str | None] = mapped_column(sa.String(500))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    body: Mapped[Organisation] = relationship()


class EvaluatorCompetence(Model):
    """A sector an evaluator claims competence in: a GB/T 4754 section or division."""

    __tablename__ = "evaluator_competences"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "industry_code", name="uq_evaluator_competences_sector"),
        sa.Index("ix_evaluator_competences_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    industry_code: Mapped[str] = mapped_column(sa.ForeignKey("industries.code"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[RecordStatus] = mapped_column(
        enum_column_type(RecordStatus, "evaluator_record_status")
    )
    return_reason: Mapped[str | None] = mapped_column(sa.String(500))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    industry: Mapped[Industry] = relationship()


class EvaluatorTraining(Model):
    """A course an evaluator took (继续教育): counted in hours per year."""

    __tablename__ = "evaluator_trainings"
    __table_args__ = (
        sa.CheckConstraint("hours >= 0 AND hours <= 1000", name="training_hours_bounded"),
        sa.Index("ix_evaluator_trainings_user_taken", "user_id", "taken_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    taken_on: Mapped[date] = mapped_column(sa.Date)
    course: Mapped[str] = mapped_column(sa.String(200))
    hours: Mapped[int] = mapped_column()
    provider: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BodyAuditDay(Model):
    """Completed audits' team rows per evaluation body and completion day, kept by the scheduler
    (blueprints/evaluator_reports/audit_days.py): the evaluators-by-body report sums these few
    thousand rows for any day instead of joining every team row of the country's audits."""

    __tablename__ = "evaluator_audit_days"

    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    done: Mapped[int] = mapped_column()
    led: Mapped[int] = mapped_column()
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
