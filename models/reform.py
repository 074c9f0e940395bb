"""Reform projects of seed 004 (三(二)2, 附件4): an enterprise enrolled in a programme contracts
one or more providers of the programme's pool, files the project with the authorities (the
county gives its opinion, the city files it), and records the "three in step" — the training
plan before, the delivery during, the evaluation after — until the project is implemented.

The exclusion flags of seed 004 四(四) live here too: they decide who may file."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.organisation import Organisation
from models.provider_pool import PoolMember
from models.types import TitledEnum, enum_column_type
from models.user import User

# Yuan: a project of the programme is subsidised up to a few million; a hundred million bounds
# any figure typed by mistake without refusing a real one.
AMOUNT_MAX = Decimal(100_000_000)


class ExclusionFlag(TitledEnum):
    """Seed 004 四(四): enterprises already funded elsewhere are not eligible."""

    CENTRAL_FUND_GIANT = (
        "central_fund_giant",
        _l("Funded as a specialised little giant by the central SME development fund"),
    )
    NATIONAL_PILOT_2022 = (
        "national_pilot_2022",
        _l("In the 2022 national digital transformation pilot (MIIT joint notice [2022] No. 22)"),
    )


class ExclusionSource(TitledEnum):
    AUTHORITY = "authority", _l("Set by the authority")
    ROSTER = "roster", _l("Imported with the roster")


class EnterpriseExclusion(Model):
    """A flag an enterprise carries, by credit code: a roster imports it before the enterprise
    registers, and the registered enterprise carries it under the same code."""

    __tablename__ = "enterprise_exclusions"

    credit_code: Mapped[str] = mapped_column(sa.String(18), primary_key=True)
    flag: Mapped[ExclusionFlag] = mapped_column(
        enum_column_type(ExclusionFlag, "exclusion_flag"), primary_key=True
    )
    source: Mapped[ExclusionSource] = mapped_column(
        enum_column_type(ExclusionSource, "exclusion_source")
    )
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExclusionEvent(Model):
    """The history of the flags: who set or cleared which, when, and how."""

    __tablename__ = "enterprise_exclusion_events"
    __table_args__ = (sa.Index("ix_enterprise_exclusion_events_code", "credit_code", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(sa.String(18))
    flag: Mapped[ExclusionFlag] = mapped_column(enum_column_type(ExclusionFlag, "exclusion_flag"))
    raised: Mapped[bool] = mapped_column()
    source: Mapped[ExclusionSource] = mapped_column(
        enum_column_type(ExclusionSource, "exclusion_source")
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


class ReformStatus(TitledEnum):
    DRAFT = "draft", _l("Draft")
    AWAITING_COUNTY = "awaiting_county", _l("Filed: awaiting the county's opinion")
    AWAITING_CITY = "awaiting_city", _l("County agreed: awaiting the city's filing")
    RETURNED = "returned", _l("Returned to the enterprise")
    IN_IMPLEMENTATION = "in_implementation", _l("Filed: in implementation")
    IMPLEMENTED = "implemented", _l("Implemented: awaiting grading")
    # Part 4 (models/reform_review.py): graded by the evaluation body, then accepted by its
    # expert group; a failed acceptance returns the project to implementation.
    GRADED = "graded", _l("Graded: awaiting acceptance")
    ACCEPTED = "accepted", _l("Accepted")


class ReformProject(Model):
    __tablename__ = "reform_projects"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="period_forward"),
        sa.CheckConstraint(f"budget > 0 AND budget <= {AMOUNT_MAX}", name="budget_range"),
        sa.Index("ix_reform_projects_authority", "authority_id", "status"),
        sa.Index("ix_reform_projects_county", "county_authority_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("diagnosis_engagements.id"), index=True
    )
    programme_key: Mapped[str] = mapped_column(sa.String(40))
    # The city authority that runs the programme and keeps its pool; the county authority of
    # the enterprise's region, found when the project is filed.
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    county_authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    # The third parties the city engages for the project (seed 004 二(五)(六)): the evaluation
    # body that grades and accepts it, the audit firm that audits it.
    evaluation_body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    audit_firm_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    scenario_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    budget: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    status: Mapped[ReformStatus] = mapped_column(
        enum_column_type(ReformStatus, "reform_status"), default=ReformStatus.DRAFT
    )
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    filed_on: Mapped[date | None] = mapped_column()
    # The last opinion or return of an authority, and why.
    opinion: Mapped[str] = mapped_column(sa.Text, default="")
    # "三个同步": the training plan before, the evaluation after (deliveries: their own rows).
    training_plan: Mapped[str] = mapped_column(sa.Text, default="")
    training_recorded_on: Mapped[date | None] = mapped_column()
    evaluation: Mapped[str] = mapped_column(sa.Text, default="")
    evaluated_on: Mapped[date | None] = mapped_column()
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    authority: Mapped[Organisation] = relationship(foreign_keys=[authority_id])
    county_authority: Mapped[Organisation | None] = relationship(foreign_keys=[county_authority_id])
    enterprise: Mapped[Organisation] = relationship(foreign_keys=[enterprise_id])
    evaluation_body: Mapped[Organisation | None] = relationship(foreign_keys=[evaluation_body_id])
    audit_firm: Mapped[Organisation | None] = relationship(foreign_keys=[audit_firm_id])
    contracts: Mapped[list[ReformContract]] = relationship(
        back_populates="project", order_by="ReformContract.id", cascade="all, delete-orphan"
    )
    deliveries: Mapped[list[ReformDelivery]] = relationship(
        order_by="(ReformDelivery.delivered_on, ReformDelivery.id)", cascade="all, delete-orphan"
    )
    events: Mapped[list[ReformEvent]] = relationship(
        order_by="ReformEvent.id", cascade="all, delete-orphan"
    )


class ReformContract(Model):
    """One contract per provider (seed 004 三(二)2): its products or services, price and term."""

    __tablename__ = "reform_contracts"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "provider_id"),
        sa.CheckConstraint("ends_on >= starts_on", name="term_forward"),
        sa.CheckConstraint(f"price > 0 AND price <= {AMOUNT_MAX}", name="price_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reform_projects.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("pool_members.id"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    products: Mapped[str] = mapped_column(sa.Text)
    price: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[ReformProject] = relationship(back_populates="contracts")
    member: Mapped[PoolMember] = relationship()
    provider: Mapped[Organisation] = relationship()


class ReformDelivery(Model):
    """A delivery record during implementation, with its date, notes and an optional file."""

    __tablename__ = "reform_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reform_projects.id", ondelete="CASCADE"), index=True
    )
    delivered_on: Mapped[date] = mapped_column()
    notes: Mapped[str] = mapped_column(sa.Text)
    original_name: Mapped[str | None] = mapped_column(sa.String(255))
    stored_name: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReformEvent(Model):
    __tablename__ = "reform_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reform_projects.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[str] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
