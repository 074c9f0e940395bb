"""The webhooks pages: the secret shown once, refused forms on their page, conflicts, another
organisation's endpoints out of reach, the log filtered and exported in bounded queries."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from blueprints.demo.loader import load_demo
from blueprints.demo.people import DEMO_PASSWORD
from blueprints.main.worklist import work_for
from blueprints.webhooks import outbox, services
from models import (
    DeliveryStatus,
    OrgKind,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from tests import factories
from tests.conftest import Browser, csrf_from


def _admin():
    return factories.user(factories.organisation(OrgKind.EVALUATION_BODY), is_org_admin=True)


def _hook(admin) -> WebhookEndpoint:
    return services.create(
        admin.organisation,
        admin,
        url="https://hooks.example.com/in",
        events=[WebhookEvent.PROJECT_STATE_CHANGED],
    ).endpoint


def _deliveries(hook: WebhookEndpoint, n: int, status=DeliveryStatus.DELIVERED) -> None:
    for i in range(n):
        outbox.insert_deliveries(
            WebhookEvent.PING, f"test:{hook.id}:{status.value}:{i}", {}, [hook.id]
        )
    db.session.execute(
        sa.update(WebhookDelivery).where(WebhookDelivery.endpoint_id == hook.id,
                                         WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(status=status)
    )  # fmt: skip


def test_the_secret_is_shown_once_then_only_its_end(browser, app_ctx):
    admin = _admin()
    browser.login(admin.email, factories.PASSWORD)
    made = browser.submit(
        "/webhooks/",
        {"url": "https://hooks.example.com/certpath", "events": ["project.state_changed"]},
    )
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    html = made.get_data(as_text=True)
    secret = html.split('id="secret">', 1)[1].split("<", 1)[0]
    row = db.session.scalars(sa.select(WebhookEndpoint)).one()
    assert row.secret == secret and row.events == ["project.state_changed"]
    again = browser.get("/webhooks/").get_data(as_text=True)
    assert secret not in again and f"…{secret[-4:]}" in again
    # A new secret: shown once, the old one gone.
    renewed = browser.submit(
        "/webhooks/", {"confirm": "y", "version": row.lock_version},
        action=f"/webhooks/{row.id}/secret",
    )  # fmt: skip
    assert renewed.status_code == 200
    db.session.refresh(row)
    assert row.secret != secret and row.secret in renewed.get_data(as_text=True)


def test_a_refused_endpoint_form_keeps_the_input_and_says_why(browser, app, app_ctx, monkeypatch):
    admin = _admin()
    browser.login(admin.email, factories.PASSWORD)
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_HTTP", False)
    refused = browser.submit(
        "/webhooks/", {"url": "http://hooks.example.com/x", "events": ["no.such.event"]}
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "http://hooks.example.com/x" in html and "invalid-feedback" in html
    assert "https://" in html  # the reason beside the field
    forged = browser.submit(
        "/webhooks/", {"url": "https://hooks.example.com/x", "events": ["ping"]}
    )
    assert forged.status_code == 422  # a ping is not subscribed to
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0


def test_the_number_of_endpoints_is_limited(browser, app, app_ctx, monkeypatch):
    admin = _admin()
    monkeypatch.setitem(app.config, "WEBHOOK_ENDPOINTS_PER_ORGANISATION", 1)
    _hook(admin)
    browser.login(admin.email, factories.PASSWORD)
    refused = browser.submit(
        "/webhooks/", {"url": "https://b.example.com/x", "events": ["project.state_changed"]}
    )
    assert refused.status_code == 409 and 'id="conflict"' in refused.get_data(as_text=True)


def test_a_stale_form_is_a_conflict_and_an_unconfirmed_delete_is_refused(browser, app_ctx):
    admin = _admin()
    hook = _hook(admin)
    browser.login(admin.email, factories.PASSWORD)
    stale = hook.lock_version
    done = browser.submit("/webhooks/", {"version": stale}, action=f"/webhooks/{hook.id}/disable")
    assert done.status_code == 302
    db.session.refresh(hook)
    assert hook.disabled_at is not None
    again = browser.submit("/webhooks/", {"version": stale}, action=f"/webhooks/{hook.id}/enable")
    assert again.status_code == 409
    unconfirmed = browser.submit(
        "/webhooks/", {"version": hook.lock_version}, action=f"/webhooks/{hook.id}/delete"
    )
    assert unconfirmed.status_code == 422
    deleted = browser.submit(
        "/webhooks/", {"confirm": "y", "version": hook.lock_version},
        action=f"/webhooks/{hook.id}/delete",
    )  # fmt: skip
    assert deleted.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0


def test_another_organisations_endpoint_is_out_of_reach(browser, app_ctx):
    theirs = _hook(_admin())
    _deliveries(theirs, 1, DeliveryStatus.DEAD)
    dead = db.session.scalars(sa.select(WebhookDelivery)).one()
    admin = _admin()
    browser.login(admin.email, factories.PASSWORD)
    assert browser.get(f"/webhooks/{theirs.id}/deliveries").status_code == 404
    assert browser.get(f"/webhooks/{theirs.id}/deliveries.xlsx").status_code == 404
    for action in ("delete", "disable", "ping", "secret"):
        response = browser.submit(
            "/webhooks/", {"confirm": "y", "version": theirs.lock_version},
            action=f"/webhooks/{theirs.id}/{action}",
        )  # fmt: skip
        assert response.status_code == 404, action
    mine = _hook(admin)
    again = browser.submit(
        f"/webhooks/{mine.id}/deliveries", {},
        action=f"/webhooks/{mine.id}/deliveries/{dead.id}/again",
    )  # fmt: skip
    assert again.status_code == 404
    db.session.refresh(dead)
    assert dead.status == DeliveryStatus.DEAD


def test_members_who_are_not_administrators_are_refused(browser, app_ctx):
    member = factories.user(factories.organisation(OrgKind.EVALUATION_BODY))
    browser.login(member.email, factories.PASSWORD)
    assert browser.get("/webhooks/").status_code == 403


def test_the_log_filters_exports_and_delivers_again(browser, app_ctx):
    admin = _admin()
    hook = _hook(admin)
    _deliveries(hook, 3)
    _deliveries(hook, 2, DeliveryStatus.DEAD)
    browser.login(admin.email, factories.PASSWORD)
    dead = browser.get(f"/webhooks/{hook.id}/deliveries?status=dead").get_data(as_text=True)
    assert dead.count("data-delivery=") == 2
    one = db.session.scalars(
        sa.select(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.DEAD)
    ).first()
    assert one is not None
    found = browser.get(f"/webhooks/{hook.id}/deliveries?q={one.idempotency_key[:10]}")
    assert found.get_data(as_text=True).count("data-delivery=") == 1
    export = browser.get(f"/webhooks/{hook.id}/deliveries.xlsx?status=dead")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    page = f"/webhooks/{hook.id}/deliveries?status=dead"
    queued = browser.submit(page, {}, action=f"/webhooks/{hook.id}/deliveries/{one.id}/again")
    assert queued.status_code == 302
    db.session.refresh(one)
    assert one.status == DeliveryStatus.PENDING and one.attempts == 0
    twice = browser.submit(page, {}, action=f"/webhooks/{hook.id}/deliveries/{one.id}/again")
    assert twice.status_code == 409


def test_a_ping_is_queued_for_the_endpoint(browser, app_ctx):
    admin = _admin()
    hook = _hook(admin)
    browser.login(admin.email, factories.PASSWORD)
    assert browser.submit("/webhooks/", {}, action=f"/webhooks/{hook.id}/ping").status_code == 302
    (ping,) = db.session.scalars(sa.select(WebhookDelivery)).all()
    assert ping.event_type == WebhookEvent.PING and ping.endpoint_id == hook.id


def test_the_pages_run_a_bounded_number_of_queries(browser, app_ctx, count_queries):
    admin = _admin()
    first = _hook(admin)
    _deliveries(first, 2)
    browser.login(admin.email, factories.PASSWORD)
    page = f"/webhooks/{first.id}/deliveries"

    def counted(url: str) -> int:
        with count_queries() as counter:
            assert browser.get(url).status_code == 200
        return counter.count

    few_endpoints, few_deliveries = counted("/webhooks/"), counted(page)
    for _ in range(6):
        _hook(admin)
    _deliveries(first, 30, DeliveryStatus.DEAD)
    assert counted("/webhooks/") == few_endpoints
    assert counted(page) == few_deliveries
    assert csrf_from(browser.get("/webhooks/").get_data(as_text=True))


def test_the_demo_body_has_an_endpoint_with_a_delivered_and_a_dead_delivery(app, app_ctx):

    load_demo()
    load_demo()  # once only
    (hook,) = db.session.scalars(sa.select(WebhookEndpoint)).all()
    log = db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [d.status for d in log] == [DeliveryStatus.DELIVERED, DeliveryStatus.DEAD]
    for delivery in log:
        assert delivery.created_at <= delivery.last_attempt_at
    evaluator = db.session.scalars(
        sa.select(User).where(User.email == "evaluator@demo.certpath.cn")
    ).one()
    assert evaluator.organisation_id == hook.organisation_id
    lists = {group.key: group for group in work_for(evaluator)}
    assert lists["webhook_deliveries_failed"].total == 1
    db.session.commit()
    browser = Browser(app.test_client())
    assert browser.login(evaluator.email, DEMO_PASSWORD).status_code == 302
    page = browser.get(f"/webhooks/{hook.id}/deliveries")
    assert page.get_data(as_text=True).count("data-delivery=") == 2
    dashboard = browser.get("/dashboard").get_data(as_text=True)
    assert 'id="work-webhook_deliveries_failed"' in dashboard
