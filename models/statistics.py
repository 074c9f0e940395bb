"""Snapshots of the regional statistics (blueprints/statistics/snapshots.py): the figures of
the widest scopes — the country, each province and prefecture, this year and last, every
industry — kept
by the scheduler, so that the pages read one row instead of aggregating a province's hundreds
of thousands of score and indicator rows on every request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import Model


class StatisticsSnapshot(Model):
    __tablename__ = "statistics_snapshots"

    # "2026:320000" (a province), "2026:320500" (a prefecture), "2026:000000" (the country)
    key: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    # The numbers of statistics.services (stage counts, dimension and indicator figures, unit
    # rows, trend): plain JSON, titled in the reader's language when read.
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
