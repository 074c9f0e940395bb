"""Failed sign-in records: the throttle reads them, so it holds across every worker process."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import Model


class LoginFailure(Model):
    __tablename__ = "login_failures"
    __table_args__ = (sa.Index("ix_login_failures_key_time", "key", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "account:<email>" or "address:<ip>": one column so one index serves both throttles.
    key: Mapped[str] = mapped_column(sa.String(300))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
