"""A certificate's schedule: two surveillance evaluations and the recertification."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from models.certificate import Certificate
from models.types import enum_column_type


class ScheduleKind(enum.Enum):
    SURVEILLANCE_1 = "surveillance_1"
    SURVEILLANCE_2 = "surveillance_2"
    RECERTIFICATION = "recertification"

    @property
    def title(self) -> str:
        return str(_KIND_TITLES[self])


_KIND_TITLES = {
    ScheduleKind.SURVEILLANCE_1: _l("First surveillance evaluation"),
    ScheduleKind.SURVEILLANCE_2: _l("Second surveillance evaluation"),
    ScheduleKind.RECERTIFICATION: _l("Recertification"),
}


class ScheduleStatus(enum.Enum):
    OPEN = "open"
    DONE = "done"
    MISSED = "missed"  # not completed by its due date

    @property
    def title(self) -> str:
        return str(_STATUS_TITLES[self])


_STATUS_TITLES = {
    ScheduleStatus.OPEN: _l("Due"),
    ScheduleStatus.DONE: _l("Done"),
    ScheduleStatus.MISSED: _l("Missed"),
}


class ScheduleItem(db.Model):
    __tablename__ = "schedule_items"
    # The reminder and overdue jobs scan open items by due date: one index serves both.
    __table_args__ = (sa.Index("ix_schedule_items_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificates.id"), index=True)
    kind: Mapped[ScheduleKind] = mapped_column(enum_column_type(ScheduleKind, "schedule_kind"))
    due_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[ScheduleStatus] = mapped_column(
        enum_column_type(ScheduleStatus, "schedule_status"), default=ScheduleStatus.OPEN
    )
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    audit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audits.id"), index=True)
    # Recertification: the body recommends, then the alliance reviews with four eyes.
    recommended_at: Mapped[datetime | None] = mapped_column()
    compliance_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    certificate: Mapped[Certificate] = relationship()
