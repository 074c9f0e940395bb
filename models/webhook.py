"""Webhooks: an organisation's URLs that hear of events, and the durable queue of deliveries.

A delivery row is written in the transaction of the change that announced its event (the outbox
pattern), so a refused change sends nothing and a committed one is never lost; the dispatcher
sends it afterwards and retries it with back-off. One event reaches one endpoint once: the row
is unique by (endpoint, event type, occurrence), whatever retries or double submits happen.
"""

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


class WebhookEvent(TitledEnum):
    """What an endpoint may subscribe to; the value is the ``type`` of the payload."""

    CERTIFICATE_STATUS_CHANGED = (
        "certificate.status_changed",
        _l("A certificate's status changed (suspended, restored, revoked, expired, …)"),
    )
    PUBLICITY_BATCH_OPENED = (
        "publicity.batch_opened",
        _l("A publicity batch was announced"),
    )
    PROJECT_STATE_CHANGED = (
        "project.state_changed",
        _l("A certification project moved to another state"),
    )
    # Not subscribed to: sent on request from the webhooks page, to try an endpoint.
    PING = "ping", _l("Test ping")


SUBSCRIBABLE = tuple(event for event in WebhookEvent if event is not WebhookEvent.PING)


class DeliveryStatus(TitledEnum):
    PENDING = "pending", _l("Pending")
    DELIVERED = "delivered", _l("Delivered")
    DEAD = "dead", _l("Failed (no more retries)")


class WebhookEndpoint(Model):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(sa.String(500))
    # WebhookEvent values the endpoint hears of.
    events: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Needed in clear to sign each delivery (a hash would not do): shown in full once, when
    # made or renewed; afterwards only its last four characters.
    secret: Mapped[str] = mapped_column(sa.String(100))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column()
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def secret_hint(self) -> str:
        return "…" + self.secret[-4:]

    def event_members(self) -> list[WebhookEvent]:
        known = {event.value: event for event in SUBSCRIBABLE}
        return [known[value] for value in self.events or [] if value in known]


class WebhookDelivery(Model):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint(
            "endpoint_id", "event_type", "occurrence", name="uq_webhook_delivery_occurrence"
        ),
        # The dispatcher's scan, and the endpoint's log (newest first).
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_log", "endpoint_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event_type: Mapped[WebhookEvent] = mapped_column(
        enum_column_type(WebhookEvent, "webhook_event")
    )
    occurrence: Mapped[str] = mapped_column(sa.String(200))
    # What the receiver de-duplicates by: the payload's "id" and the Certpath-Delivery header.
    idempotency_key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    body: Mapped[str] = mapped_column(sa.Text)  # the exact JSON text that is signed and sent
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column_type(DeliveryStatus, "webhook_delivery_status"),
        default=DeliveryStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column()
    last_status: Mapped[int | None] = mapped_column()  # the receiver's HTTP status
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    delivered_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    endpoint: Mapped[WebhookEndpoint] = relationship()
