"""A webhook endpoint of the demo evaluation body, with a short delivery log: a project move
delivered yesterday, and a certificate change its system missed (dead after every retry), so
that the log and the administrator's work list show both."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.clock import utcnow
from app.extensions import db
from blueprints.webhooks import outbox, services
from models import (
    SUBSCRIBABLE,
    Certificate,
    DeliveryStatus,
    Organisation,
    Project,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

URL = "https://eval-system.example.cn/certpath/webhooks"


def load(body: Organisation) -> None:
    """Once: nothing when the body has an endpoint already."""
    exists = db.session.scalar(
        sa.select(WebhookEndpoint.id).where(WebhookEndpoint.organisation_id == body.id)
    )
    admin = db.session.scalar(
        sa.select(User).where(User.organisation_id == body.id, User.is_org_admin.is_(True))
    )
    if exists is not None or admin is None:
        return
    endpoint = services.create(body, admin, url=URL, events=list(SUBSCRIBABLE)).endpoint
    now = utcnow()
    endpoint.created_at = now - timedelta(days=5)
    project = db.session.scalar(
        sa.select(Project).where(Project.body_id == body.id).order_by(Project.id)
    )
    if project is not None:
        data = outbox.project_data(project, "accept")
        _delivery(endpoint, WebhookEvent.PROJECT_STATE_CHANGED, f"demo:{project.id}", data)
        sent = now - timedelta(days=1, hours=3)
        _settle(endpoint, f"demo:{project.id}", sent, DeliveryStatus.DELIVERED, 1, 200, None)
    certificate = db.session.scalar(
        sa.select(Certificate).where(Certificate.body_id == body.id).order_by(Certificate.id)
    )
    if certificate is not None:
        data = outbox.certificate_data(certificate, "suspend")
        occurrence = f"demo:certificate:{certificate.id}"
        _delivery(endpoint, WebhookEvent.CERTIFICATE_STATUS_CHANGED, occurrence, data)
        # Every step of the schedule spent, the last attempt a few hours ago.
        attempts = len(current_app.config["WEBHOOK_RETRY_MINUTES"]) + 1
        last = now - timedelta(hours=5)
        _settle(endpoint, occurrence, last, DeliveryStatus.DEAD, attempts, 503, "HTTP 503")


def _delivery(endpoint: WebhookEndpoint, kind: WebhookEvent, occurrence: str, data) -> None:
    outbox.insert_deliveries(kind, occurrence, data, [endpoint.id])


def _settle(endpoint, occurrence, last, status, attempts, code, error) -> None:
    """Dates that agree: made two days before the last attempt (the whole retry schedule)."""
    created = last - timedelta(days=2) if status is DeliveryStatus.DEAD else last
    db.session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.occurrence == occurrence)
        .values(
            status=status,
            attempts=attempts,
            created_at=created,
            next_attempt_at=last,
            last_attempt_at=last,
            last_status=code,
            last_error=error,
            delivered_at=last if status is DeliveryStatus.DELIVERED else None,
        )
        .execution_options(synchronize_session=False)
    )
