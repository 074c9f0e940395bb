"""Organisations: every user belongs to exactly one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.reference import Industry, Region
from models.search_tokens import TOKENS_TYPE, initials_default, keep_tokens, tokens_default
from models.types import TitledEnum, enum_column_type

if TYPE_CHECKING:  # models.user imports this module
    from models.user import User


class OrgKind(TitledEnum):
    ENTERPRISE = "enterprise", _l("Enterprise")
    CONSULTANCY = "consultancy", _l("Consultancy")
    EVALUATION_BODY = "evaluation_body", _l("Evaluation body")
    ALLIANCE = "alliance", _l("Alliance")
    AUTHORITY = "authority", _l("Authority")
    # Diagnosis programmes (seeds 002, 004) engage these besides evaluation bodies.
    SERVICE_PROVIDER = "service_provider", _l("Digital transformation service provider")
    THINK_TANK = "think_tank", _l("Think tank")
    # Seed 004 二(六): audits the reform projects' spending.
    AUDIT_FIRM = "audit_firm", _l("Third-party audit firm")


class EnterpriseSize(TitledEnum):
    """Size classes of 《统计上大中小微型企业划分办法》."""

    LARGE = "large", _l("Large")
    MEDIUM = "medium", _l("Medium")
    SMALL = "small", _l("Small")
    MICRO = "micro", _l("Micro")


class Organisation(Model):
    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'enterprise') = (credit_code IS NOT NULL)", name="credit_code_iff_enterprise"
        ),
        sa.CheckConstraint(
            "(kind = 'evaluation_body') = (body_code IS NOT NULL)", name="body_code_iff_body"
        ),
        sa.CheckConstraint(
            "kind NOT IN ('enterprise', 'authority') OR region_code IS NOT NULL",
            name="region_required",
        ),
        sa.Index("ix_organisations_kind_name", "kind", "name"),
        # The organisation list's name search (models/search_tokens.py), PostgreSQL only.
        sa.Index("ix_organisations_name_tokens", "name_tokens", postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
        # Credit codes by prefix (LIKE '91310115%') whatever the database's collation.
        sa.Index(
            "ix_organisations_credit_code_prefix",
            "credit_code",
            postgresql_ops={"credit_code": "varchar_pattern_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column_type(OrgKind, "org_kind"))
    name: Mapped[str] = mapped_column(sa.String(200))
    # Kept by keep_tokens below: set with the name, computed for rows inserted without one.
    # Deferred: only the search's WHERE reads them, no page shows them.
    name_tokens: Mapped[list[str]] = mapped_column(
        TOKENS_TYPE, default=tokens_default("name"), deferred=True
    )
    # Its pinyin initials (models/pinyin.py), kept the same way: the search by initials
    # checks their order here after the tokens found the rows.
    name_initials: Mapped[str] = mapped_column(
        sa.String(200), default=initials_default("name"), deferred=True
    )
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    body_code: Mapped[str | None] = mapped_column(sa.String(3), unique=True)
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    industry_code: Mapped[str | None] = mapped_column(sa.ForeignKey("industries.code"), index=True)
    size: Mapped[EnterpriseSize | None] = mapped_column(
        enum_column_type(EnterpriseSize, "enterprise_size")
    )
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(100), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    region: Mapped[Region | None] = relationship()
    industry: Mapped[Industry | None] = relationship()
    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind.value} {self.name}>"


keep_tokens(Organisation.name, "name_tokens", "name_initials")
