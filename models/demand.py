"""The demand library (一企一档 供需适配库, seed 004 annex 1): per enterprise diagnosed, the needs
and problems its diagnosing provider found, each under a third-level scenario of the
programme's catalogue, and the products and solutions matched to each."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.diagnosis import DiagnosisEngagement
from models.organisation import Organisation
from models.types import TitledEnum, enum_column_type

# 万元, two decimals: a price up to 10 亿元 (the annex's column is "价格（万元）").
PRICE_MAX = Decimal("100000")


class SolutionOrigin(TitledEnum):
    """The annex's note 2: the products listed are existing ones or newly developed."""

    EXISTING = "existing", _l("Existing product")
    NEW = "new", _l("Newly developed")


class DemandEntry(Model):
    """A need of an enterprise under one third-level scenario, as its diagnosing provider
    recorded it (the annex's row: the problem and need analysed, the scenario described)."""

    __tablename__ = "demand_entries"
    __table_args__ = (
        # The library's list reads an enterprise's entries, or a scenario's across enterprises.
        sa.Index("ix_demand_entries_enterprise", "enterprise_id", "created_at"),
        sa.Index("ix_demand_entries_scenario", "scenario_code", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("diagnosis_engagements.id", ondelete="CASCADE"), index=True
    )
    # The engagement's enterprise, kept on the row: the list filters by its region and industry.
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    scenario_code: Mapped[str] = mapped_column(sa.String(8))  # "2.3.1", a third level
    problem: Mapped[str] = mapped_column(sa.Text)  # 问题分析
    need: Mapped[str] = mapped_column(sa.Text)  # 需求分析 (行业共性需求与企业个性需求)
    description: Mapped[str] = mapped_column(sa.Text, default="")  # 场景描述
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    engagement: Mapped[DiagnosisEngagement] = relationship()
    enterprise: Mapped[Organisation] = relationship()
    solutions: Mapped[list[DemandSolution]] = relationship(
        back_populates="entry", order_by="DemandSolution.id", cascade="all, delete-orphan"
    )


class DemandSolution(Model):
    """A product or solution matched to a need: its name and summary, the provider offering
    it, its price range in 万元, and whether it exists or is to be developed."""

    __tablename__ = "demand_solutions"
    __table_args__ = (
        sa.CheckConstraint(
            f"price_low >= 0 AND price_low <= price_high AND price_high <= {PRICE_MAX}",
            name="price_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("demand_entries.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")  # 简述
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    price_low: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    price_high: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    origin: Mapped[SolutionOrigin] = mapped_column(
        enum_column_type(SolutionOrigin, "solution_origin")
    )
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[DemandEntry] = relationship(back_populates="solutions")
    provider: Mapped[Organisation] = relationship()
