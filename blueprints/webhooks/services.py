"""An organisation's webhook endpoints and their delivery log, kept by its administrators.

Endpoints belong to one organisation and are reached through it only (``one_of``): another
organisation's id is a miss. Changes carry the endpoint's version, so that a form rendered
before a colleague's change is refused (409) instead of undoing it.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import workflow
from app.clock import utcnow
from app.errors import WorkflowError
from app.extensions import db
from app.security.permissions import Permission, has_permission
from blueprints.webhooks import dispatcher, outbox
from models import (
    Organisation,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

SECRET_BYTES = 32


@dataclass(frozen=True)
class NewSecret:
    endpoint: WebhookEndpoint
    secret: str  # shown once, on the answer that made it


def _conflict() -> str:
    return _("Someone else changed this endpoint at the same moment. Reload the page.")


def may_manage(user: User, organisation: Organisation) -> bool:
    return (
        has_permission(user, Permission.WEBHOOKS_MANAGE) and user.organisation_id == organisation.id
    )


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(SECRET_BYTES)


def of_organisation(organisation_id: int) -> list[WebhookEndpoint]:
    """The organisation's endpoints (a handful: WEBHOOK_ENDPOINTS_PER_ORGANISATION)."""
    return list(
        db.session.scalars(
            sa.select(WebhookEndpoint)
            .options(sa.orm.joinedload(WebhookEndpoint.created_by))
            .where(WebhookEndpoint.organisation_id == organisation_id)
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        )
    )


def counts_by_status(endpoint_ids: list[int]) -> dict[int, dict[str, int]]:
    """Deliveries per endpoint and status, in one grouped query."""
    counts: dict[int, dict[str, int]] = {endpoint_id: {} for endpoint_id in endpoint_ids}
    if not endpoint_ids:
        return counts
    rows = db.session.execute(
        sa.select(WebhookDelivery.endpoint_id, WebhookDelivery.status, sa.func.count())
        .where(WebhookDelivery.endpoint_id.in_(endpoint_ids))
        .group_by(WebhookDelivery.endpoint_id, WebhookDelivery.status)
    ).all()
    for endpoint_id, status, count in rows:
        counts[endpoint_id][status.value] = count
    return counts


def one_of(organisation_id: int, endpoint_id: int) -> WebhookEndpoint | None:
    return db.session.scalar(
        sa.select(WebhookEndpoint).where(
            WebhookEndpoint.id == endpoint_id, WebhookEndpoint.organisation_id == organisation_id
        )
    )


def create(
    organisation: Organisation, actor: User, *, url: str, events: list[WebhookEvent]
) -> NewSecret:
    limit = current_app.config["WEBHOOK_ENDPOINTS_PER_ORGANISATION"]
    existing = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id == organisation.id)
    )
    if (existing or 0) >= limit:
        raise WorkflowError(_("An organisation may have %(n)d webhook endpoints at most.", n=limit))
    secret = _new_secret()
    endpoint = WebhookEndpoint(
        organisation_id=organisation.id,
        url=url.strip(),
        events=[event.value for event in events],
        secret=secret,
        created_by_id=actor.id,
    )
    db.session.add(endpoint)
    db.session.flush()
    return NewSecret(endpoint, secret)


def set_enabled(endpoint: WebhookEndpoint, enabled: bool, version: int | None) -> None:
    workflow.expect_version(endpoint, version)
    if enabled == (endpoint.disabled_at is None):
        raise WorkflowError(
            _("This endpoint is enabled already.")
            if enabled
            else _("This endpoint is disabled already.")
        )
    endpoint.disabled_at = None if enabled else utcnow()
    workflow.flush(_conflict())


def renew_secret(endpoint: WebhookEndpoint, version: int | None) -> NewSecret:
    workflow.expect_version(endpoint, version)
    secret = _new_secret()
    endpoint.secret = secret
    workflow.flush(_conflict())
    return NewSecret(endpoint, secret)


def delete(endpoint: WebhookEndpoint, version: int | None) -> None:
    """The endpoint and its log (the rows cascade)."""
    workflow.expect_version(endpoint, version)
    db.session.execute(
        sa.delete(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(endpoint)
    workflow.flush(_conflict())


def ping(endpoint: WebhookEndpoint) -> None:
    """Queue a test delivery; the dispatcher sends it as any other."""
    if endpoint.disabled_at is not None:
        raise WorkflowError(_("Enable the endpoint before sending it a test ping."))
    data: dict[str, Any] = {"endpoint_id": endpoint.id, "url": endpoint.url}
    occurrence = f"ping:{uuid.uuid4().hex}"
    outbox.insert_deliveries(WebhookEvent.PING, occurrence, data, [endpoint.id])


# --- the delivery log ------------------------------------------------------------------------


def delivery_of(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery | None:
    return db.session.scalar(
        sa.select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint.id
        )
    )


def deliver_again(delivery: WebhookDelivery) -> None:
    if not dispatcher.redeliver(delivery.id):
        raise WorkflowError(_("Only a failed delivery can be delivered again."))
