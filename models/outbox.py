"""The mail outbox: every email is a row first, sent later by the dispatcher."""

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import Model
from models.types import TitledEnum, enum_column_type


class OutboxStatus(TitledEnum):
    PENDING = "pending", _l("Pending")
    SENDING = "sending", _l("Sending")
    SENT = "sent", _l("Sent")
    DEAD = "dead", _l("Failed")


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.Index("ix_outbox_messages_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. "verify:17:1" or "surveillance:42:T-30": the same key is never queued twice.
    dedup_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    # [{"filename", "content_type", "content"}] — text attachments such as an .ics invitation
    attachments: Mapped[list[dict] | None] = mapped_column(sa.JSON)
    locale: Mapped[str] = mapped_column(sa.String(5))
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column_type(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The request or job run that queued it (app.request_ids): found again in the logs.
    request_id: Mapped[str | None] = mapped_column(sa.String(64))

    @property
    def message_id_header(self) -> str:
        """Stable per dedup key, so a resent copy is recognisably the same message."""
        digest = hashlib.sha256(self.dedup_key.encode()).hexdigest()[:32]
        return f"<{digest}@certpath>"
