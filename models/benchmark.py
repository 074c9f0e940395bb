"""Benchmark enterprises (标杆企业): an authority marks an enterprise of its region, on the
strength of an approved self-assessment of a year, as an example for its stage and industry;
the reports of the enterprises of the same industry and province name it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.assessment import Assessment
from models.organisation import Organisation


class BenchmarkEnterprise(Model):
    __tablename__ = "benchmark_enterprises"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", name="uq_benchmark_enterprises_assessment"),
        # A report looks up the benchmarks of its year, industry and province.
        sa.Index("ix_benchmark_enterprises_year_industry", "year", "industry_code", "region_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    marked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))  # the authority
    # Snapshots of the assessment: the year, stage, industry and region it is an example for.
    year: Mapped[int] = mapped_column()
    stage: Mapped[str] = mapped_column(sa.String(20))
    industry_code: Mapped[str | None] = mapped_column(sa.ForeignKey("industries.code"))
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    note: Mapped[str] = mapped_column(sa.Text, default="")  # what makes it an example
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessment: Mapped[Assessment] = relationship()
    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    marked_by: Mapped[Organisation] = relationship(foreign_keys=[marked_by_id])
