"""The scheduler's heartbeat: one row per job, so the admin page can warn when it stops."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model


class JobRun(Model):
    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column()
    last_finished_at: Mapped[datetime | None] = mapped_column()
    last_ok_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_result: Mapped[str] = mapped_column(sa.String(200), default="")
    host: Mapped[str] = mapped_column(sa.String(200), default="")
