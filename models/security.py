"""Security records: sign-in failures for the throttle, and the server side of each session."""

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


class UserSession(Model):
    """One signed-in browser. The signed cookie names it; deleting the row signs it out.

    Only a hash of the token is stored: a copy of this table (a backup, a leaked dump) does
    not let anyone open a session.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256, hex
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column()
    # Fixed at sign-in (no write per request); the housekeeping task deletes expired rows.
    expires_at: Mapped[datetime] = mapped_column(index=True)
