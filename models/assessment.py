"""Self-assessments (自评估): one per enterprise and campaign round — and one a year outside any
campaign, for the enterprise itself (seed 001: 常态化自评估) — its scores and review history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.campaign import Campaign
from models.organisation import Organisation
from models.types import TitledEnum, enum_column_type
from models.user import User


class AssessmentStatus(TitledEnum):
    DRAFT = "draft", _l("Draft")
    AWAITING_DISTRICT = "awaiting_district", _l("Awaiting district review")
    AWAITING_CITY = "awaiting_city", _l("Awaiting city review")
    APPROVED = "approved", _l("Approved")
    RETURNED = "returned", _l("Returned for correction")


# Submitted and not sent back: what counts for comparisons and for the certification gate.
SUBMITTED_STATES = frozenset(
    {AssessmentStatus.AWAITING_DISTRICT, AssessmentStatus.AWAITING_CITY, AssessmentStatus.APPROVED}
)
EDITABLE_STATES = frozenset({AssessmentStatus.DRAFT, AssessmentStatus.RETURNED})


class Assessment(Model):
    __tablename__ = "assessments"
    __table_args__ = (
        sa.Index(
            "uq_assessments_organisation_own_year",
            "organisation_id",
            "year",
            unique=True,
            postgresql_where=sa.text("campaign_id IS NULL"),
            sqlite_where=sa.text("campaign_id IS NULL"),
        ),
        sa.Index(
            "uq_assessments_organisation_campaign",
            "organisation_id",
            "campaign_id",
            unique=True,
            postgresql_where=sa.text("campaign_id IS NOT NULL"),
            sqlite_where=sa.text("campaign_id IS NOT NULL"),
        ),
        # A campaign's progress table counts its assessments by region.
        sa.Index("ix_assessments_campaign_region", "campaign_id", "region_code", "status"),
        sa.Index("ix_assessments_year_status", "year", "status"),
        # The country's list, newest first: read in this order until a page's rows are found.
        sa.Index("ix_assessments_submitted_at", "submitted_at"),
        # A province's, a city's or a county's list, newest first: provinces run their campaign
        # rounds at different times, so the country's order would pass over the other
        # provinces' rows (app.security.access.in_region_by_province).
        sa.Index(
            "ix_assessments_province_submitted_at",
            sa.text("substr(region_code, 1, 2)"),
            "submitted_at",
            "id",
        ),
        # The regional statistics of a year: read from the index alone on PostgreSQL (the
        # enterprise too: it counts once a year, by its latest submitted assessment).
        sa.Index(
            "ix_assessments_year_region",
            "year",
            "region_code",
            postgresql_include=[
                "status",
                "industry_code",
                "stage",
                "total",
                "id",
                "organisation_id",
            ],
        ),
        sa.Index("ix_assessments_reviewer_status", "reviewer_id", "status"),
        # Whether an enterprise has a later submitted assessment in the same year (the
        # statistics count its latest): probed once per assessment counted.
        sa.Index(
            "ix_assessments_organisation_year",
            "organisation_id",
            "year",
            "id",
            postgresql_include=["status"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column()
    # The campaign round it was filled in for; None: the enterprise's own, counted by none.
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"))
    questionnaire_id: Mapped[str] = mapped_column(sa.String(40))
    questionnaire_version: Mapped[int] = mapped_column()
    status: Mapped[AssessmentStatus] = mapped_column(
        enum_column_type(AssessmentStatus, "assessment_status"), default=AssessmentStatus.DRAFT
    )
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Snapshots taken at the start and again at submission: comparisons, review routing and
    # campaign progress use the enterprise as it was.
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    industry_code: Mapped[str | None] = mapped_column(sa.ForeignKey("industries.code"), index=True)
    total: Mapped[float | None] = mapped_column(sa.Float)
    stage: Mapped[str | None] = mapped_column(sa.String(20))
    # The authority whose decision is awaited (district first, then city); None when none exists.
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    submitted_at: Mapped[datetime | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic locking: two tabs saving the same draft cannot silently overwrite each other.
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    campaign: Mapped[Campaign | None] = relationship()
    reviewer: Mapped[Organisation | None] = relationship(foreign_keys=[reviewer_id])
    scores: Mapped[list[AssessmentScore]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    indicator_values: Mapped[list[AssessmentIndicator]] = relationship(cascade="all, delete-orphan")
    events: Mapped[list[AssessmentEvent]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        order_by="AssessmentEvent.id",
    )

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES

    @property
    def is_submitted(self) -> bool:
        return self.status in SUBMITTED_STATES


TOTAL_KEY = "total"  # the weighted total is stored beside the dimensions for percentiles


class AssessmentScore(Model):
    """One row per dimension (and the total): comparisons aggregate these in SQL."""

    __tablename__ = "assessment_scores"
    __table_args__ = (sa.Index("ix_assessment_scores_dimension_score", "dimension", "score"),)

    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    dimension: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    score: Mapped[float] = mapped_column(sa.Float)

    assessment: Mapped[Assessment] = relationship(back_populates="scores")


class AssessmentIndicator(Model):
    """One of the 24 key indicators (seed 002, table 1) of a submitted assessment, in percent:
    a rate from the answers' counts, or a "share" indicator's yes/no as 100/0 — so that the
    mean over a region's enterprises is, for either kind, the regional value (for a share
    indicator: the share of enterprises answering yes). Unknown values have no row."""

    __tablename__ = "assessment_indicators"
    # An assessment's indicators read from the index alone (PostgreSQL), for the statistics.
    __table_args__ = (
        sa.Index(
            "ix_assessment_indicators_values",
            "assessment_id",
            postgresql_include=["key", "value"],
        ),
    )

    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[float] = mapped_column(sa.Float)


class AssessmentScoreCount(Model):
    """How many enterprises' submitted self-assessments of a year scored ``score`` in a
    dimension, nationwide (scope "all", code ""), in an industry (scope "industry", its GB/T
    4754 code) or in a region (scope "region", a 2- or 4-digit GB/T 2260 prefix).

    A report's averages and percentiles read a few thousand of these rows instead of
    aggregating every score row of the year; kept in step by every flush that changes a
    submitted assessment (blueprints/assessment/score_counts.py).
    """

    __tablename__ = "assessment_score_counts"

    year: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(6), primary_key=True)
    dimension: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    score: Mapped[float] = mapped_column(sa.Float, primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class AssessmentAction(TitledEnum):
    SUBMIT = "submit", _l("Submitted by the enterprise")
    APPROVE_DISTRICT = "approve_district", _l("Approved by the district authority")
    APPROVE_CITY = "approve_city", _l("Approved by the city authority")
    RETURN = "return", _l("Returned for correction")


class AssessmentEvent(Model):
    """Who did what when: the review trail of an assessment."""

    __tablename__ = "assessment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[AssessmentAction] = mapped_column(
        enum_column_type(AssessmentAction, "assessment_action")
    )
    from_status: Mapped[AssessmentStatus] = mapped_column(
        enum_column_type(AssessmentStatus, "assessment_event_from")
    )
    to_status: Mapped[AssessmentStatus] = mapped_column(
        enum_column_type(AssessmentStatus, "assessment_event_to")
    )
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="events")
    actor: Mapped[User] = relationship()
