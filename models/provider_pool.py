"""The service-provider pool of a diagnosis programme (seed 004, 二 and 三(二)): providers
apply with their qualifications and products, the authority's experts review them, the
authority admits or refuses, an admission is published for working days with objections open
to anyone, and the admitted providers form the public pool that the demand library matches
needs to. Enterprises rate the providers they worked with."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.demand import PRICE_MAX, SolutionOrigin
from models.organisation import Organisation
from models.types import TitledEnum, enum_column_type
from models.user import User


class PoolStatus(TitledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Awaiting expert review")
    IN_REVIEW = "in_review", _l("Under expert review")
    REVIEWED = "reviewed", _l("Awaiting the authority's decision")
    REFUSED = "refused", _l("Refused")
    IN_PUBLICITY = "in_publicity", _l("In publicity")
    ADMITTED = "admitted", _l("In the pool")
    SUSPENDED = "suspended", _l("Suspended")
    REMOVED = "removed", _l("Removed")


# Shown on the public pool: the admitted and, so that enterprises see why one is not offered,
# the suspended.
PUBLIC_STATUSES = (PoolStatus.ADMITTED, PoolStatus.SUSPENDED)


class PoolObjectionStatus(TitledEnum):
    OPEN = "open", _l("Open")
    UPHELD = "upheld", _l("Upheld")
    DISMISSED = "dismissed", _l("Dismissed")


class PoolMember(Model):
    """A provider's application to, then place in, the pool a programme's authority keeps."""

    __tablename__ = "pool_members"
    __table_args__ = (
        # One place per provider in a pool: a refused provider applies again on the same row.
        sa.UniqueConstraint("programme_key", "authority_id", "provider_id"),
        sa.Index("ix_pool_members_authority", "authority_id", "status"),
        sa.Index("ix_pool_members_status", "status", "publicity_ends_on"),
        sa.CheckConstraint(
            "publicity_ends_on IS NULL OR publicity_ends_on >= publicity_starts_on",
            name="publicity_forward",
        ),
        sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_key: Mapped[str] = mapped_column(sa.String(40))
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    status: Mapped[PoolStatus] = mapped_column(
        enum_column_type(PoolStatus, "pool_status"), default=PoolStatus.DRAFT
    )
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    qualifications: Mapped[str] = mapped_column(sa.Text, default="")  # 资质、业绩简述
    # The authority's decision (admission, refusal, suspension, removal) and why.
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    publicity_starts_on: Mapped[date | None] = mapped_column()
    publicity_ends_on: Mapped[date | None] = mapped_column()
    publicity_estimated: Mapped[bool] = mapped_column(default=False)
    # The star rating and its basis, kept by ratings.recompute (None: nothing to rate yet).
    rating: Mapped[Decimal | None] = mapped_column(sa.Numeric(3, 2))
    rated_surveys: Mapped[int] = mapped_column(default=0)
    rated_acceptances: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    authority: Mapped[Organisation] = relationship(foreign_keys=[authority_id])
    provider: Mapped[Organisation] = relationship(foreign_keys=[provider_id])
    products: Mapped[list[PoolProduct]] = relationship(
        back_populates="member", order_by="PoolProduct.id", cascade="all, delete-orphan"
    )
    files: Mapped[list[PoolFile]] = relationship(
        order_by="PoolFile.id", cascade="all, delete-orphan"
    )
    reviews: Mapped[list[PoolReview]] = relationship(
        order_by="PoolReview.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[PoolEvent]] = relationship(
        order_by="PoolEvent.id", cascade="all, delete-orphan"
    )


class PoolProduct(Model):
    """A product or solution the provider offers under a third-level scenario."""

    __tablename__ = "pool_products"
    __table_args__ = (
        sa.CheckConstraint(
            f"price_low >= 0 AND price_low <= price_high AND price_high <= {PRICE_MAX}",
            name="price_range",
        ),
        sa.Index("ix_pool_products_scenario", "scenario_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pool_members.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    scenario_code: Mapped[str] = mapped_column(sa.String(8))
    price_low: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    price_high: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    origin: Mapped[SolutionOrigin] = mapped_column(
        enum_column_type(SolutionOrigin, "solution_origin")
    )

    member: Mapped[PoolMember] = relationship(back_populates="products")


class PoolFile(Model):
    """A qualification document (a licence, a certificate, a case study), stored like every
    upload (app/uploads.py)."""

    __tablename__ = "pool_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pool_members.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PoolReview(Model):
    """An expert the authority assigned, and the opinion they recorded."""

    __tablename__ = "pool_reviews"
    __table_args__ = (sa.UniqueConstraint("member_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pool_members.id", ondelete="CASCADE"), index=True
    )
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    recommends: Mapped[bool | None] = mapped_column()
    opinion: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[datetime | None] = mapped_column()

    expert: Mapped[User] = relationship()


class PoolEvent(Model):
    """The history: who moved the place from what to what, when, and why."""

    __tablename__ = "pool_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pool_members.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[str] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


class PoolObjection(Model):
    """An objection anyone lodged against an admission during its publicity."""

    __tablename__ = "pool_objections"
    __table_args__ = (sa.Index("ix_pool_objections_address", "address_hash", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pool_members.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    contact: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.Text)
    address_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[PoolObjectionStatus] = mapped_column(
        enum_column_type(PoolObjectionStatus, "pool_objection_status"),
        default=PoolObjectionStatus.OPEN,
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    member: Mapped[PoolMember] = relationship()


class ProviderSurvey(Model):
    """An enterprise's satisfaction with a provider of the pool it worked with: a score of 1–5
    per criterion of the programme's survey, and a comment."""

    __tablename__ = "provider_surveys"
    __table_args__ = (sa.UniqueConstraint("member_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pool_members.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    scores: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Organisation] = relationship()
