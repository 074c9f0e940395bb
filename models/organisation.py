"""Organisations: every user belongs to exactly one."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from models.reference import Industry, Region
from models.types import enum_column_type


class OrgKind(enum.Enum):
    ENTERPRISE = "enterprise"
    CONSULTANCY = "consultancy"
    EVALUATION_BODY = "evaluation_body"
    ALLIANCE = "alliance"
    AUTHORITY = "authority"

    @property
    def title(self) -> str:
        return str(_ORG_KIND_TITLES[self])


_ORG_KIND_TITLES = {
    OrgKind.ENTERPRISE: _l("Enterprise"),
    OrgKind.CONSULTANCY: _l("Consultancy"),
    OrgKind.EVALUATION_BODY: _l("Evaluation body"),
    OrgKind.ALLIANCE: _l("Alliance"),
    OrgKind.AUTHORITY: _l("Authority"),
}


class EnterpriseSize(enum.Enum):
    """Size classes of 《统计上大中小微型企业划分办法》."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"

    @property
    def title(self) -> str:
        return str(_SIZE_TITLES[self])


_SIZE_TITLES = {
    EnterpriseSize.LARGE: _l("Large"),
    EnterpriseSize.MEDIUM: _l("Medium"),
    EnterpriseSize.SMALL: _l("Small"),
    EnterpriseSize.MICRO: _l("Micro"),
}


class Organisation(db.Model):
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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column_type(OrgKind, "org_kind"))
    name: Mapped[str] = mapped_column(sa.String(200))
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
    users: Mapped[list[User]] = relationship(back_populates="organisation")  # noqa: F821

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind.value} {self.name}>"
