"""Security records: sign-in failures for the throttle, the server side of each session, and
what was done to an account by someone else (account recovery by an authority)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.types import TitledEnum, enum_column_type

if TYPE_CHECKING:
    from models.organisation import Organisation
    from models.user import User


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


class AccountAction(TitledEnum):
    """What an authority did to help an enterprise's member back into their account."""

    RESET_LINK_SENT = "reset_link_sent", _l("Password reset link sent")
    ONE_TIME_PASSWORD_SET = "one_time_password_set", _l("One-time password set")


class AccountEvent(Model):
    """One action on an account by someone else: who (the official and their authority), on
    which account, what, when. Never the password itself."""

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    action: Mapped[AccountAction] = mapped_column(enum_column_type(AccountAction, "account_action"))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The actor's organisation when they acted (the authority), kept for the record.
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    authority: Mapped[Organisation] = relationship()
