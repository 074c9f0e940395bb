"""The subsidy of a reform project (seed 004 三(二)7): possible only when the grade after the
reform is 二级 or above, the acceptance passed and the special audit report is filed; the city
authority approves an amount — a share of the audited eligible cost, capped (both settings,
kept on the row as they were applied) — and records the payment. The outcomes before and after
the reform (the seed's 创新、市场、提质、降本、增效、绿色、安全) are recorded with figures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.reform import AMOUNT_MAX, ReformProject
from models.types import TitledEnum, enum_column_type
from models.user import User


class SubsidyStatus(TitledEnum):
    APPLIED = "applied", _l("Applied: awaiting the city's decision")
    APPROVED = "approved", _l("Approved: awaiting payment")
    REFUSED = "refused", _l("Refused")
    PAID = "paid", _l("Paid")


class ReformSubsidy(Model):
    """One application per project; a refused one may be applied for again (a new row)."""

    __tablename__ = "reform_subsidies"
    __table_args__ = (
        # One live application per project, even when two requests race.
        sa.Index(
            "uq_reform_subsidies_live",
            "project_id",
            unique=True,
            sqlite_where=sa.text("status != 'refused'"),
            postgresql_where=sa.text("status != 'refused'"),
        ),
        sa.Index("ix_reform_subsidies_status", "status"),
        sa.CheckConstraint(
            f"requested_amount > 0 AND requested_amount <= {AMOUNT_MAX}", name="requested_range"
        ),
        sa.CheckConstraint(
            f"approved_amount IS NULL OR (approved_amount > 0 AND approved_amount <= {AMOUNT_MAX})",
            name="approved_range",
        ),
        sa.CheckConstraint(
            "paid_amount IS NULL OR (paid_amount > 0 AND paid_amount <= approved_amount)",
            name="paid_within_approved",
        ),
        sa.CheckConstraint("share IS NULL OR (share > 0 AND share <= 1)", name="share_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reform_projects.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[SubsidyStatus] = mapped_column(
        enum_column_type(SubsidyStatus, "subsidy_status"), default=SubsidyStatus.APPLIED
    )
    # What the enterprise asked, and on what: the audit report's eligible cost when it applied.
    requested_amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    eligible_cost: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    audit_report_id: Mapped[int] = mapped_column(sa.ForeignKey("reform_audit_reports.id"))
    applied_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The decision: the share and cap in force then, the amount approved, or why refused.
    share: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 4))
    cap: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    approved_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    # The payment.
    paid_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    paid_on: Mapped[date | None] = mapped_column()
    payment_reference: Mapped[str] = mapped_column(sa.String(100), default="")
    paid_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    project: Mapped[ReformProject] = relationship()
    applied_by: Mapped[User] = relationship(foreign_keys=[applied_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class OutcomeCategory(TitledEnum):
    """Seed 004's categories of what a reform brought."""

    INNOVATION = "innovation", _l("Innovation")
    MARKET = "market", _l("Market")
    QUALITY = "quality", _l("Quality")
    COST = "cost", _l("Cost reduction")
    EFFICIENCY = "efficiency", _l("Efficiency")
    GREEN = "green", _l("Green")
    SAFETY = "safety", _l("Safety")


class ReformOutcome(Model):
    """One indicator of the reform's effect, before and after, with its unit."""

    __tablename__ = "reform_outcomes"
    __table_args__ = (sa.UniqueConstraint("project_id", "category", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reform_projects.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[OutcomeCategory] = mapped_column(
        enum_column_type(OutcomeCategory, "outcome_category")
    )
    indicator: Mapped[str] = mapped_column(sa.String(100))
    unit: Mapped[str] = mapped_column(sa.String(20), default="")
    before: Mapped[Decimal] = mapped_column(sa.Numeric(16, 4))
    after: Mapped[Decimal] = mapped_column(sa.Numeric(16, 4))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
