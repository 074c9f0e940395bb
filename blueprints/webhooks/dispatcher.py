"""Sending the queue: claim due deliveries, POST each, record the outcome, retry with back-off.

A run claims a batch (WEBHOOK_DISPATCH_BATCH rows) with one conditional UPDATE, as the mail
outbox does: on PostgreSQL its subquery locks the rows it picks FOR UPDATE SKIP LOCKED, so a
second dispatcher passes over them; SQLite has one writer at a time. The claim is a lease: it
moves the rows' next attempt past the end of the run, and is committed before any request, so
no transaction stays open while a receiver answers, and a process that dies mid-batch leaves
rows that fall due again by themselves when the lease ends (never lost). Each outcome is
committed as it comes, so a receiver that got a delivery is never sent it again by this run.

A failed attempt waits the next step of WEBHOOK_RETRY_MINUTES; past the last step the
delivery is dead, and the endpoint's organisation hears of it ("webhook.dead").
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.clock import utcnow
from app.database import rows_affected
from app.events import announce
from app.extensions import db
from app.workflow import SYSTEM
from blueprints.webhooks import sending
from models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

ERROR_MAX = 500


@dataclass
class DispatchResult:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0  # claimed but left for the next run (budget spent)


def retry_after(attempts: int) -> timedelta | None:
    """The wait after failed attempt number ``attempts``; None once the schedule is spent."""
    schedule = current_app.config["WEBHOOK_RETRY_MINUTES"]
    if attempts > len(schedule):
        return None
    return timedelta(minutes=schedule[attempts - 1])


def _lease() -> timedelta:
    config = current_app.config
    return timedelta(
        seconds=config["WEBHOOK_DISPATCH_BUDGET_SECONDS"] + config["WEBHOOK_TIMEOUT_SECONDS"] + 60
    )


def _due() -> sa.ColumnElement[bool]:
    enabled = sa.select(WebhookEndpoint.id).where(WebhookEndpoint.disabled_at.is_(None))
    return sa.and_(
        WebhookDelivery.status == DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at <= utcnow(),
        WebhookDelivery.endpoint_id.in_(enabled),
    )


def claim_batch(size: int) -> list[sa.Row[Any]]:
    """Lease up to ``size`` due deliveries of enabled endpoints, oldest due first; with each,
    what sending needs. Not committed."""
    picked = (
        sa.select(WebhookDelivery.id)
        .where(_due())
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    claimed = db.session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(picked), _due())
        .values(next_attempt_at=utcnow() + _lease())
        .returning(WebhookDelivery.id)
        .execution_options(synchronize_session=False)
    ).all()
    ids = [row.id for row in claimed]
    if not ids:
        return []
    return list(
        db.session.execute(
            sa.select(
                WebhookDelivery.id,
                WebhookDelivery.event_type,
                WebhookDelivery.idempotency_key,
                WebhookDelivery.body,
                WebhookDelivery.attempts,
                WebhookDelivery.next_attempt_at,
                WebhookEndpoint.url,
                WebhookEndpoint.secret,
            )
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.id.in_(ids))
            .order_by(WebhookDelivery.id)
        ).all()
    )


def _attempt(row: sa.Row[Any]) -> tuple[int | None, str | None]:
    """(HTTP status, error) of one POST; the error is None for a 2xx."""
    timestamp = int(utcnow().replace(tzinfo=UTC).timestamp())
    headers = sending.headers_for(
        row.event_type.value, row.idempotency_key, row.secret, timestamp, row.body
    )
    try:
        answer = sending.post(row.url, headers, row.body)
    except sending.Refused as exc:
        return None, str(exc)
    except (OSError, http.client.HTTPException, ValueError) as exc:  # ValueError: a bad name
        return None, f"{type(exc).__name__}: {exc}"
    if 200 <= answer.status < 300:
        return answer.status, None
    if 300 <= answer.status < 400:
        return answer.status, f"HTTP {answer.status}: redirects are not followed"
    return answer.status, f"HTTP {answer.status}"


def _record(row: sa.Row[Any], status: int | None, error: str | None, result: DispatchResult):
    now = utcnow()
    attempts = row.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status": status,
        "last_error": error[:ERROR_MAX] if error else None,
    }
    if error is None:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
        result.delivered += 1
    elif (wait := retry_after(attempts)) is not None:
        values.update(next_attempt_at=now + wait)
        result.retried += 1
    else:
        values.update(status=DeliveryStatus.DEAD)
        result.dead += 1
    db.session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id == row.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if values.get("status") is DeliveryStatus.DEAD:
        delivery = db.session.get(WebhookDelivery, row.id, populate_existing=True)
        assert delivery is not None  # just updated
        announce(
            "webhook.dead",
            delivery,
            SYSTEM,
            occurrence=f"webhook_delivery:{row.id}:{now.isoformat()}",
            endpoint=delivery.endpoint,
        )
    db.session.commit()
    if error is not None:
        current_app.logger.info("webhook delivery %s failed: %s", row.id, error)


def _give_back(rows: list[sa.Row[Any]]) -> None:
    """Claimed, not tried: due again as they were, no attempt counted."""
    for row in rows:
        db.session.execute(
            sa.update(WebhookDelivery)
            .where(WebhookDelivery.id == row.id)
            .values(next_attempt_at=row.next_attempt_at)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


def dispatch_due(limit: int | None = None) -> DispatchResult:
    """Send what is due, batch after batch, until nothing is due, the budget is spent or
    ``limit`` deliveries were claimed. Commits: runs outside any request."""
    result = DispatchResult()
    config = current_app.config
    budget_ends = time.monotonic() + config["WEBHOOK_DISPATCH_BUDGET_SECONDS"]
    batch_size = max(1, config["WEBHOOK_DISPATCH_BATCH"])
    claimed = 0
    while time.monotonic() < budget_ends and (limit is None or claimed < limit):
        size = batch_size if limit is None else min(batch_size, limit - claimed)
        rows = claim_batch(size)
        db.session.commit()  # the lease, before any request
        if not rows:
            break
        claimed += len(rows)
        for position, row in enumerate(rows):
            if time.monotonic() >= budget_ends:
                _give_back(rows[position:])
                result.deferred += len(rows) - position
                break
            status, error = _attempt(row)
            _record(row, status, error, result)
    return result


def redeliver(delivery_id: int) -> bool:
    """An administrator's "deliver again" of a dead delivery: pending, attempts reset. False
    when it is no longer dead (delivered again by someone else meanwhile)."""
    return bool(
        rows_affected(
            sa.update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == DeliveryStatus.DEAD)
            .values(
                status=DeliveryStatus.PENDING,
                attempts=0,
                next_attempt_at=utcnow(),
                last_error=None,
            )
            .execution_options(synchronize_session=False)
        )
    )
