"""A certificate's schedule: two surveillance evaluations and the recertification."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.certificate import Certificate
from models.types import TitledEnum, enum_column_type


class ScheduleKind(TitledEnum):
    SURVEILLANCE_1 = "surveillance_1", _l("First surveillance evaluation")
    SURVEILLANCE_2 = "surveillance_2", _l("Second surveillance evaluation")
    RECERTIFICATION = "recertification", _l("Recertification")


class ScheduleStatus(TitledEnum):
    OPEN = "open", _l("Due")
    PLANNED = "planned", _l("Audit planned")
    # Recertification: the evaluation body recommends, two alliance staff review (four eyes).
    RECOMMENDED = "recommended", _l("Recommended: awaiting compliance review")
    REVIEWED = "reviewed", _l("Compliance review passed: awaiting re-review")
    NOT_RECOMMENDED = "not_recommended", _l("Not recommended")
    DONE = "done", _l("Done")
    MISSED = "missed", _l("Missed")  # not completed by its due date


# Items still to be worked: reminders go out for them, and the body's lists show them.
PENDING_SCHEDULE_STATUSES = frozenset(
    {
        ScheduleStatus.OPEN,
        ScheduleStatus.PLANNED,
        ScheduleStatus.RECOMMENDED,
        ScheduleStatus.REVIEWED,
    }
)


class ScheduleItem(Model):
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
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}

    certificate: Mapped[Certificate] = relationship()
