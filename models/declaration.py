"""Impartiality and confidentiality declarations (公正性与保密承诺书) and declared conflicts of
interest (利益冲突申报) of evaluators and alliance reviewers (ISO/IEC 17021-1 §5.2)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.organisation import Organisation
from models.types import TitledEnum, enum_column_type
from models.user import User


class ConflictRelation(TitledEnum):
    EMPLOYED = "employed", _l("Worked for it")
    CONSULTED = "consulted", _l("Consulted for it")
    INTEREST = "interest", _l("Holds an interest in it")


class ImpartialityDeclaration(Model):
    """One person's signed pledge for one year, valid from ``valid_from`` to ``valid_until``."""

    __tablename__ = "impartiality_declarations"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "year", name="uq_impartiality_declarations_user_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    pledge_version: Mapped[str] = mapped_column(sa.String(20))
    valid_from: Mapped[date] = mapped_column()
    valid_until: Mapped[date] = mapped_column(index=True)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User] = relationship()


class ConflictOfInterest(Model):
    """An organisation the person worked for, consulted for or holds an interest in, from
    ``starts_on`` until ``ends_on`` (none: still current). An enterprise not on Certpath is
    named with its credit code."""

    __tablename__ = "conflicts_of_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    credit_code: Mapped[str] = mapped_column(sa.String(18), index=True)
    relation: Mapped[ConflictRelation] = mapped_column(
        enum_column_type(ConflictRelation, "conflict_relation")
    )
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
