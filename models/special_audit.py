"""Special audits (ISO/IEC 17021-1 §9.6.4): a complaint about a certificate holder may lead the
case's handler to order a special audit of the holder's certificate. The
certificate's evaluation body schedules it with a team, performs it with findings like any
audit, and concludes on the complaint with a recommended action; the result goes back to the
handler. Never shown on a public page."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.audit import Audit
from models.case import Case
from models.certificate import Certificate
from models.organisation import Organisation
from models.types import TitledEnum, enum_column_type
from models.user import User


class SpecialAuditStatus(TitledEnum):
    ORDERED = "ordered", _l("Ordered: waiting for the evaluation body to schedule it")
    PLANNED = "planned", _l("Scheduled: the audit is under way")
    COMPLETED = "completed", _l("Completed: back with the case's handler")
    CANCELLED = "cancelled", _l("Cancelled by the case's handler")


OPEN_SPECIAL_AUDIT_STATUSES = frozenset({SpecialAuditStatus.ORDERED, SpecialAuditStatus.PLANNED})


class ComplaintVerdict(TitledEnum):
    """What the audit found of the complaint."""

    SUBSTANTIATED = "substantiated", _l("Complaint substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _l("Complaint not substantiated")


class SpecialAuditRecommendation(TitledEnum):
    """The action on the certificate the evaluation body recommends (the alliance acts)."""

    MAINTAIN = "maintain", _l("Maintain the certificate")
    SUSPEND = "suspend", _l("Suspend the certificate")
    REVOKE = "revoke", _l("Revoke the certificate")


_OPEN = "status IN ('ordered', 'planned')"


class SpecialAudit(Model):
    __tablename__ = "special_audits"
    __table_args__ = (
        # One special audit under way per certificate: a second order (a double submit, another
        # handler's case about the same holder) loses against the index, whoever comes second.
        sa.Index(
            "uq_special_audits_open_certificate",
            "certificate_id",
            unique=True,
            sqlite_where=sa.text(_OPEN),
            postgresql_where=sa.text(_OPEN),
        ),
        # The work lists read them by body and state.
        sa.Index("ix_special_audits_body_status", "body_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificates.id"), index=True)
    # The certificate's evaluation body, which schedules and performs it.
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    audit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audits.id"), unique=True)
    status: Mapped[SpecialAuditStatus] = mapped_column(
        enum_column_type(SpecialAuditStatus, "special_audit_status"),
        default=SpecialAuditStatus.ORDERED,
    )
    reason: Mapped[str] = mapped_column(sa.Text)
    scope: Mapped[str] = mapped_column(sa.Text, default="")
    ordered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    ordered_at: Mapped[datetime] = mapped_column(default=utcnow)
    verdict: Mapped[ComplaintVerdict | None] = mapped_column(
        enum_column_type(ComplaintVerdict, "complaint_verdict")
    )
    recommendation: Mapped[SpecialAuditRecommendation | None] = mapped_column(
        enum_column_type(SpecialAuditRecommendation, "special_audit_recommendation")
    )
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column()
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}

    case: Mapped[Case] = relationship()
    certificate: Mapped[Certificate] = relationship()
    body: Mapped[Organisation] = relationship()
    audit: Mapped[Audit | None] = relationship()
    ordered_by: Mapped[User] = relationship(foreign_keys=[ordered_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
