"""A list's Excel prepared in the background (a large list): who asked for which list with
which filters, how far the scheduler has got, and the file once written.

The list is replayed by its export view (``export``: the view's endpoint) with the filters as
asked (``args``), as its owner, in the owner's language: the file holds the rows the page shows.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.types import TitledEnum, enum_column_type
from models.user import User


class ExportStatus(TitledEnum):
    QUEUED = "queued", _l("Waiting")
    RUNNING = "running", _l("Being prepared")
    DONE = "done", _l("Ready")
    FAILED = "failed", _l("Failed")
    EXPIRED = "expired", _l("Expired")


# The error codes a failed export keeps, with what its owner reads (never a traceback).
EXPORT_ERRORS = {
    "forbidden": _l("You may no longer see this list."),
    "not_found": _l("This list no longer exists."),
    "failed": _l("The file could not be written. Please try again, or ask your administrator."),
}


class ExportJob(Model):
    __tablename__ = "export_jobs"
    __table_args__ = (
        # The scheduler's two scans: the queue in order, and the finished files past their time.
        sa.Index("ix_export_jobs_status_created", "status", "created_at"),
        sa.Index("ix_export_jobs_status_expires", "status", "expires_at"),
        # The owner's list, newest first.
        sa.Index("ix_export_jobs_owner_created", "owner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    export: Mapped[str] = mapped_column(sa.String(100))  # the export view's endpoint
    # The query arguments (filters and sort) as typed: name → its values, bounded in size.
    args: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON)
    locale: Mapped[str] = mapped_column(sa.String(5))
    title: Mapped[str] = mapped_column(sa.String(300))  # the workbook's, as the owner read it
    filename: Mapped[str] = mapped_column(sa.String(200))  # offered on download
    status: Mapped[ExportStatus] = mapped_column(
        enum_column_type(ExportStatus, "export_status"), default=ExportStatus.QUEUED
    )
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_written: Mapped[int] = mapped_column(default=0)
    stored_name: Mapped[str | None] = mapped_column(sa.String(100))  # random, in EXPORT_FOLDER
    size: Mapped[int | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(sa.String(32))  # a key of EXPORT_ERRORS
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()

    owner: Mapped[User] = relationship()

    @property
    def error_message(self) -> str:
        return str(EXPORT_ERRORS.get(self.error or "", EXPORT_ERRORS["failed"]))

    @property
    def percent(self) -> int:
        if self.status is ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_written * 100 // self.rows_total)

    @property
    def active(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
