"""Webhooks: an event becomes one signed delivery per endpoint that may see it, written with the
change, retried on the schedule while the receiver is down, received exactly once when it is
up; the endpoints and the log are their organisation's alone."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import jsonschema
import pytest
import sqlalchemy as sa

from app.errors import WorkflowError
from app.events import Event, announce
from app.extensions import db
from app.workflow import SYSTEM
from blueprints.certificates import services as certificates
from blueprints.main.worklist import work_for
from blueprints.projects import services as projects
from blueprints.publicity import services as publicity
from blueprints.webhooks import dispatcher, sending, services
from blueprints.webhooks.outbox import event_type
from models import (
    DeliveryStatus,
    Notification,
    OrgKind,
    ProjectStatus,
    Role,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from tests import factories
from tests.functional.webhooks.receiver import Receiver, verify

P = ProjectStatus
ALL = list(WebhookEvent)[:3]


@pytest.fixture
def parties(app_ctx):
    return factories.Parties()


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def endpoint(admin, url="https://hooks.example.com/in", events=ALL) -> WebhookEndpoint:
    return services.create(admin.organisation, admin, url=url, events=events).endpoint


def deliveries(**where) -> list[WebhookDelivery]:
    query = sa.select(WebhookDelivery).order_by(WebhookDelivery.id)
    for name, value in where.items():
        query = query.where(getattr(WebhookDelivery, name) == value)
    return list(db.session.scalars(query))


def confirmed(parties):
    """A project moved by its enterprise: one project.state_changed event."""
    project = factories.project(parties, P.CONCLUDED)
    projects.perform(project, "confirm", parties.enterprise)
    return project


# --- delivery: schedule, exactly once, signatures --------------------------------------------


def test_a_receiver_down_then_up_gets_the_event_once_on_the_schedule(
    parties, receiver, time_machine
):
    start = datetime(2026, 12, 1, 8, 0)
    time_machine.move_to(start, tick=False)
    hook = endpoint(parties.lead, url=receiver.url)
    project = confirmed(parties)
    (delivery,) = deliveries(endpoint_id=hook.id)
    assert receiver.requests == []  # nothing is sent in the request
    receiver.up = False

    def run_at(moment: datetime) -> dispatcher.DispatchResult:
        time_machine.move_to(moment, tick=False)
        return dispatcher.dispatch_due()

    assert run_at(start).retried == 1
    assert len(receiver.requests) == 1
    db.session.refresh(delivery)
    assert delivery.attempts == 1 and delivery.last_status == 503
    assert delivery.next_attempt_at == start + timedelta(minutes=1)
    # Not before the next attempt is due …
    assert run_at(start + timedelta(seconds=59)).retried == 0
    assert len(receiver.requests) == 1
    # … then the second step of the schedule: 5 minutes.
    assert run_at(start + timedelta(minutes=1)).retried == 1
    db.session.refresh(delivery)
    assert delivery.next_attempt_at == start + timedelta(minutes=6)
    receiver.up = True
    assert run_at(start + timedelta(minutes=5, seconds=59)).delivered == 0
    assert run_at(start + timedelta(minutes=6)).delivered == 1
    assert run_at(start + timedelta(days=3)).delivered == 0  # never twice
    assert len(receiver.accepted) == 1 and len(receiver.requests) == 3
    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3

    got = receiver.accepted[0]
    assert verify(hook.secret, got.headers, got.body)
    assert got.headers["Certpath-Event"] == "project.state_changed"
    assert got.headers["Certpath-Delivery"] == delivery.idempotency_key
    assert got.headers["User-Agent"] == "Certpath-Webhooks/1"
    assert got.headers["Content-Type"] == "application/json"
    stamp = int(got.headers["Certpath-Timestamp"])
    assert stamp == int((start + timedelta(minutes=6)).timestamp())
    payload = json.loads(got.body)
    assert payload["id"] == delivery.idempotency_key
    assert payload["type"] == "project.state_changed"
    assert payload["occurred_at"].startswith("2026-12-01T08:00:00")
    assert payload["data"]["action"] == "confirm"
    assert payload["data"]["project"]["id"] == project.id
    assert payload["data"]["project"]["status"] == project.status.value
    assert got.body.decode() == delivery.body  # the stored text, as signed


def test_a_tampered_body_or_another_secret_fails_verification(parties, receiver):
    hook = endpoint(parties.lead, url=receiver.url)
    confirmed(parties)
    dispatcher.dispatch_due()
    got = receiver.accepted[0]
    assert verify(hook.secret, got.headers, got.body)
    tampered = got.body.replace(b'"confirm"', b'"withdraw"')
    assert tampered != got.body and not verify(hook.secret, got.headers, tampered)
    assert not verify("whsec_other", got.headers, got.body)
    late = {**got.headers, "Certpath-Timestamp": str(int(got.headers["Certpath-Timestamp"]) + 1)}
    assert not verify(hook.secret, late, got.body)


def test_the_same_event_announced_twice_is_delivered_once(parties):
    hook = endpoint(parties.lead)
    project = confirmed(parties)
    announce("project.confirm", project, parties.enterprise)  # a retried request or job
    assert len(deliveries(endpoint_id=hook.id)) == 1
    assert project.status == P.CONFIRMED


def test_a_failed_delivery_goes_dead_after_the_schedule_and_its_admins_hear(
    app, parties, receiver, time_machine
):
    app_schedule = app.config["WEBHOOK_RETRY_MINUTES"]
    colleague = factories.user(parties.body_org, role=Role.EVALUATOR, is_org_admin=True)
    start = datetime(2026, 12, 1, 8, 0)
    time_machine.move_to(start, tick=False)
    hook = endpoint(parties.lead, url=receiver.url)
    confirmed(parties)
    receiver.up = False
    moment = start
    for step in [0, *app_schedule]:
        moment += timedelta(minutes=step)
        time_machine.move_to(moment, tick=False)
        dispatcher.dispatch_due()
    (delivery,) = deliveries(endpoint_id=hook.id)
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.attempts == len(app_schedule) + 1 == len(receiver.requests)
    told = db.session.scalars(
        sa.select(Notification.user_id).where(Notification.key.startswith("webhook.dead:"))
    ).all()
    assert set(told) == {parties.lead.id, colleague.id}
    lists = {group.key: group for group in work_for(colleague)}
    assert lists["webhook_deliveries_failed"].total == 1
    # Delivered again by an administrator: pending, attempts reset, then received.
    receiver.up = True
    services.deliver_again(delivery)
    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    assert dispatcher.dispatch_due().delivered == 1
    assert len(receiver.accepted) == 1
    with pytest.raises(WorkflowError, match="只有失败的投递"):
        services.deliver_again(delivery)


# --- who hears of what -------------------------------------------------------------------------


def test_a_project_is_heard_by_its_parties_and_the_alliance_only(parties):
    staff = factories.alliance_staff(is_org_admin=True)
    stranger = factories.user(factories.organisation(OrgKind.CONSULTANCY), is_org_admin=True)
    authority = factories.user(
        factories.organisation(OrgKind.AUTHORITY, region="310000"), is_org_admin=True
    )
    hooks = {
        "enterprise": endpoint(parties.enterprise),
        "consultancy": endpoint(parties.consultant),
        "body": endpoint(parties.lead),
        "alliance": endpoint(staff),
        "stranger": endpoint(stranger),
        "authority": endpoint(authority),
        "not subscribed": endpoint(parties.lead, events=[WebhookEvent.PUBLICITY_BATCH_OPENED]),
    }
    confirmed(parties)
    heard = {d.endpoint_id for d in deliveries()}
    assert heard == {hooks[k].id for k in ("enterprise", "consultancy", "body", "alliance")}


def test_a_certificate_is_heard_by_its_holder_body_consultancy_alliance_and_region(parties):
    staff = factories.alliance_staff(is_org_admin=True)
    issued = factories.certificate(parties, staff=staff)
    city = factories.user(
        factories.organisation(OrgKind.AUTHORITY, region="310000"), is_org_admin=True
    )
    elsewhere = factories.user(
        factories.organisation(OrgKind.AUTHORITY, region="110000"), is_org_admin=True
    )
    hooks = {
        "holder": endpoint(parties.enterprise),
        "consultancy": endpoint(parties.consultant),
        "body": endpoint(parties.lead),
        "city": endpoint(city),
        "elsewhere": endpoint(elsewhere),
        "other enterprise": endpoint(factories.user(factories.organisation(), is_org_admin=True)),
    }
    certificates.perform(issued, "suspend", staff, "未按期监督")
    heard = {d.endpoint_id: d for d in deliveries()}
    assert set(heard) == {hooks[k].id for k in ("holder", "consultancy", "body", "city")}
    payload = json.loads(heard[hooks["holder"].id].body)
    assert payload["type"] == "certificate.status_changed"
    assert payload["data"]["certificate"]["number"] == issued.number
    assert payload["data"]["certificate"]["status"] == "suspended"
    assert payload["data"]["action"] == "suspend"


def test_a_publicity_batch_is_heard_by_every_subscribed_endpoint(parties):
    staff = factories.alliance_staff()
    waiting = factories.project(parties, P.READY_FOR_PUBLICITY)
    anyone = endpoint(factories.user(factories.organisation(), is_org_admin=True))
    projects_only = endpoint(parties.lead, events=[WebhookEvent.PROJECT_STATE_CHANGED])
    batch = publicity.create_batch(staff, "第一批", date.today(), [waiting.id])
    (opened,) = deliveries(event_type=WebhookEvent.PUBLICITY_BATCH_OPENED)
    assert opened.endpoint_id == anyone.id
    data = json.loads(opened.body)["data"]["batch"]
    assert data["id"] == batch.id and data["entries"][0]["enterprise_name"]
    assert {d.endpoint_id for d in deliveries()} == {anyone.id, projects_only.id}


def test_a_disabled_endpoint_hears_nothing_new_and_sends_nothing(parties, receiver):
    hook = endpoint(parties.lead, url=receiver.url)
    confirmed(parties)
    services.set_enabled(hook, False, hook.lock_version)
    assert dispatcher.dispatch_due().delivered == 0 and receiver.requests == []
    services.set_enabled(hook, True, hook.lock_version)
    assert dispatcher.dispatch_due().delivered == 1


def test_only_the_events_the_house_announces_are_carried():
    class Thing:
        pass

    assert event_type(Event("finding.logged", Thing(), SYSTEM, "x")) is None
    assert event_type(Event("certificate.requested", Thing(), SYSTEM, "x")) is None


# --- the guard against private networks -----------------------------------------------------


def test_private_addresses_and_plain_http_are_refused_when_not_allowed(
    app, parties, receiver, monkeypatch
):
    hook = endpoint(parties.lead, url=receiver.url)
    confirmed(parties)
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
    assert sending.check_url("http://127.0.0.1:8080/x")
    assert sending.check_url("http://[::1]/x") and sending.check_url("http://169.254.169.254/")
    assert sending.check_url("http://10.1.2.3/") and sending.check_url("http://192.168.0.1/")
    assert sending.check_url("https://hooks.example.com/in") is None  # a name: checked at send
    assert dispatcher.dispatch_due().retried == 1
    assert receiver.requests == []  # never reached
    (delivery,) = deliveries(endpoint_id=hook.id)
    assert "private address" in (delivery.last_error or "")
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_HTTP", False)
    assert sending.check_url("http://hooks.example.com/in")
    assert sending.check_url("ftp://hooks.example.com/in")
    assert sending.check_url("https://hooks.example.com:http/in")
    assert sending.check_url("https://user:pw@hooks.example.com/in")


def test_every_body_matches_the_documents_webhook_schema(client, parties):
    """The OpenAPI document's "webhooks" describe exactly what endpoints receive."""
    staff = factories.alliance_staff(is_org_admin=True)
    hook = endpoint(staff)
    confirmed(parties)
    certificates.perform(factories.certificate(parties, staff=staff), "suspend", staff, "未监督")
    waiting = factories.project(factories.Parties(), P.READY_FOR_PUBLICITY)
    publicity.create_batch(staff, "第二批", date.today(), [waiting.id])
    services.ping(hook)
    document = client.get("/api/v1/openapi.json?lang=en").get_json()
    seen = set()
    for delivery in deliveries(endpoint_id=hook.id):
        body = json.loads(delivery.body)
        operation = document["webhooks"][body["type"]]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        jsonschema.validate(body, {**schema, "components": document["components"]})
        seen.add(body["type"])
    assert seen == {event.value for event in WebhookEvent}
