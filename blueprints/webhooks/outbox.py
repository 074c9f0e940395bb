"""The write side of webhooks: an announced event becomes delivery rows, in the transaction of
the change that announced it (the outbox pattern). Nothing is sent here: the dispatcher sends.

Per event: one SELECT of the endpoints subscribed to it among the organisations that may see
it, one INSERT of their rows. The INSERT ignores a row that exists already (same endpoint,
event type and occurrence: a retried request or job), so a repeated announcement neither
duplicates a delivery nor fails the change that announced it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.clock import utcnow
from app.events import Event
from app.extensions import db
from blueprints.api import certificates as api_certificates
from blueprints.api import projects as api_projects
from blueprints.api.schemas import CertificateOut, ProjectSummary
from blueprints.campaigns.regions import ancestors_and_self
from models import (
    Certificate,
    DeliveryStatus,
    Organisation,
    OrgKind,
    Project,
    PublicityBatch,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)


def event_type(event: Event) -> WebhookEvent | None:
    """The webhook event an announced event is, or None for those no webhook carries."""
    if event.name.startswith("project.") and isinstance(event.subject, Project):
        return WebhookEvent.PROJECT_STATE_CHANGED
    # Every move of a certificate's lifecycle table changes its status (a request about a
    # certificate, "certificate.requested", has a request as its subject: not a change).
    if event.name.startswith("certificate.") and isinstance(event.subject, Certificate):
        return WebhookEvent.CERTIFICATE_STATUS_CHANGED
    if event.name == "publicity.batch_opened":
        return WebhookEvent.PUBLICITY_BATCH_OPENED
    return None


# --- who may hear of it ------------------------------------------------------------------------


def _alliance() -> sa.ColumnElement[bool]:
    """The alliance sees every project and certificate (ALL_ORGS_VIEW)."""
    return Organisation.kind == OrgKind.ALLIANCE


def _project_parties(project: Project) -> sa.ColumnElement[bool]:
    """access.project_scope, from the project's side: its enterprise, consultancy and body."""
    parties = [project.organisation_id, project.consultancy_id, project.body_id]
    return Organisation.id.in_([org for org in parties if org is not None])


def _certificate_audience(certificate: Certificate) -> sa.ColumnElement[bool]:
    """The holder, the project's consultancy and the evaluation body, and the authorities
    whose region contains the certificate's (the region list's in_region, from the
    certificate's side: the regions containing its code)."""
    project = db.session.get(Project, certificate.project_id)
    orgs = [certificate.organisation_id, certificate.body_id]
    if project is not None and project.consultancy_id is not None:
        orgs.append(project.consultancy_id)
    region = certificate.region_code
    authorities = (
        sa.and_(
            Organisation.kind == OrgKind.AUTHORITY,
            Organisation.region_code.in_(ancestors_and_self(region)),
        )
        if region
        else sa.false()
    )
    return sa.or_(Organisation.id.in_(orgs), authorities)


def audience(kind: WebhookEvent, subject: Any) -> sa.ColumnElement[bool]:
    """A WHERE clause on Organisation: those whose endpoints may hear of the event."""
    if kind is WebhookEvent.PROJECT_STATE_CHANGED:
        return sa.or_(_project_parties(subject), _alliance())
    if kind is WebhookEvent.CERTIFICATE_STATUS_CHANGED:
        return sa.or_(_certificate_audience(subject), _alliance())
    return sa.true()  # a publicity batch is public


# --- what they hear ------------------------------------------------------------------------


def _publicity_batch(batch: PublicityBatch) -> dict[str, Any]:
    """What the public publicity page shows of a batch."""
    return {
        "id": batch.id,
        "title": batch.title,
        "starts_on": batch.starts_on.isoformat(),
        "ends_on": batch.ends_on.isoformat(),
        "working_days": batch.working_days,
        "entries": [
            {
                "enterprise_name": entry.enterprise_name,
                "region_name": entry.region_name,
                "body_name": entry.body_name,
                "scope": entry.scope,
            }
            for entry in batch.entries
            if entry.removed_at is None
        ],
    }


def project_data(project: Project, action: str) -> dict[str, Any]:
    summary = ProjectSummary.model_validate(api_projects.as_summary(project))
    return {"action": action, "project": summary.model_dump(mode="json")}


def certificate_data(certificate: Certificate, action: str) -> dict[str, Any]:
    item = api_certificates.by_number(certificate.number)
    out = CertificateOut.model_validate(item).model_dump(mode="json") if item else {}
    return {"action": action, "certificate": out}


def data_of(kind: WebhookEvent, event: Event) -> dict[str, Any]:
    """The payload's data, by the API's own serialisers and schemas where there are some, so
    that a webhook body reads as the API's answers do."""
    action = event.name.partition(".")[2]
    if kind is WebhookEvent.PROJECT_STATE_CHANGED:
        return project_data(event.subject, action)
    if kind is WebhookEvent.CERTIFICATE_STATUS_CHANGED:
        return certificate_data(event.subject, action)
    return {"batch": _publicity_batch(event.subject)}


def body_of(key: str, kind: WebhookEvent, occurred_at: datetime, data: dict[str, Any]) -> str:
    return json.dumps(
        {
            "id": key,
            "type": kind.value,
            "occurred_at": occurred_at.replace(tzinfo=UTC).isoformat(),
            "data": data,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


# --- the write -----------------------------------------------------------------------------


def _subscribed(kind: WebhookEvent, subject: Any) -> list[int]:
    """The enabled endpoints subscribed to ``kind`` of the organisations that may see it."""
    rows = db.session.execute(
        sa.select(WebhookEndpoint.id, WebhookEndpoint.events)
        .join(Organisation, Organisation.id == WebhookEndpoint.organisation_id)
        .where(
            WebhookEndpoint.disabled_at.is_(None),
            Organisation.active.is_(True),
            # A first cut in SQL (the JSON list as text), checked exactly below.
            sa.cast(WebhookEndpoint.events, sa.Text).contains(f'"{kind.value}"'),
            audience(kind, subject),
        )
        .order_by(WebhookEndpoint.id)
    ).all()
    return [row.id for row in rows if kind.value in (row.events or [])]


def insert_deliveries(
    kind: WebhookEvent, occurrence: str, data: dict[str, Any], endpoint_ids: list[int]
) -> None:
    """One INSERT of a row per endpoint; a row that exists (same endpoint, type, occurrence)
    is left as it is, by the database (ON CONFLICT DO NOTHING), not refused."""
    if not endpoint_ids:
        return
    now = utcnow()
    rows = []
    for endpoint_id in endpoint_ids:
        key = uuid.uuid4().hex
        rows.append(
            {
                "endpoint_id": endpoint_id,
                "event_type": kind,
                "occurrence": occurrence[:200],
                "idempotency_key": key,
                "body": body_of(key, kind, now, data),
                "status": DeliveryStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(cast(sa.Table, WebhookDelivery.__table__)).on_conflict_do_nothing(
        index_elements=["endpoint_id", "event_type", "occurrence"]
    )
    db.session.execute(statement, rows)


def record(event: Event) -> None:
    """The handler app.events calls for every announced event."""
    kind = event_type(event)
    if kind is None:
        return
    endpoint_ids = _subscribed(kind, event.subject)
    if endpoint_ids:
        insert_deliveries(kind, event.occurrence, data_of(kind, event), endpoint_ids)
