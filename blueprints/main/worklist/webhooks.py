"""What waits on an organisation's administrators of any role: webhook deliveries that failed
after every retry (the receiver missed an event until someone delivers it again)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import DeliveryStatus, User, WebhookDelivery, WebhookEndpoint


def failed_deliveries(user: User) -> WorkList:
    query = (
        sa.select(
            WebhookDelivery.endpoint_id,
            WebhookDelivery.event_type,
            WebhookDelivery.last_attempt_at,
            WebhookDelivery.last_error,
            WebhookEndpoint.url,
        )
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookEndpoint.organisation_id == user.organisation_id,
            WebhookDelivery.status == DeliveryStatus.DEAD,
        )
        .order_by(WebhookDelivery.last_attempt_at, WebhookDelivery.id)
    )
    return capped(
        "webhook_deliveries_failed",
        _("Webhook deliveries that failed"),
        query,
        lambda row: WorkItem(
            what=_("Deliver again or fix the receiver (%(event)s)", event=row.event_type.title),
            whom=row.url,
            url=url_for("webhooks.deliveries", endpoint_id=row.endpoint_id, status="dead"),
            since=row.last_attempt_at,
            detail=row.last_error or "",
        ),
    )
