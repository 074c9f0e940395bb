"""SME digital level evaluations (《中小企业数字化水平评测指标（2024年版）》, seed 004 tables 6-8):
the points of each indicator and the level of each business scenario as they were entered,
and the grade they gave. An evaluation is kept as made: a new one is a new row, so an
enterprise sees how its level moved, and a grade is never recomputed behind its back."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.organisation import Organisation
from models.types import TitledEnum, enum_column_type
from models.user import User


class SmeLevelKind(TitledEnum):
    # The enterprise's own evaluation, made under a truthfulness pledge (seed 004, 三(一)4).
    SELF = "self", _l("Self-evaluation")


class SmeLevelEvaluation(Model):
    __tablename__ = "sme_level_evaluations"
    __table_args__ = (
        # One evaluation per number: a form made before another evaluation was recorded (a
        # double click, a second tab) loses the race instead of recording a second one. Its
        # index lists an enterprise's evaluations, newest first.
        sa.UniqueConstraint("organisation_id", "number", name="uq_sme_level_evaluations_number"),
        sa.CheckConstraint("grade_level BETWEEN 0 AND 4", name="grade_level_range"),
        sa.CheckConstraint("total_points >= 0", name="total_points_not_negative"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    number: Mapped[int] = mapped_column()  # the enterprise's 1st, 2nd, ... evaluation
    # The evaluation table the points and levels answer (blueprints/diagnosis/data/).
    table_key: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[SmeLevelKind] = mapped_column(enum_column_type(SmeLevelKind, "sme_level_kind"))
    points: Mapped[dict[str, float]] = mapped_column(sa.JSON)  # indicator key -> points
    levels: Mapped[dict[str, int]] = mapped_column(sa.JSON)  # scenario key -> 0-4
    total_points: Mapped[float] = mapped_column()
    grade_level: Mapped[int] = mapped_column(sa.SmallInteger)  # 0: 无等级
    pledged_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()
