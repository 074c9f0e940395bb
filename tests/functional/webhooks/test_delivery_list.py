"""An endpoint's delivery log: searched by delivery ID, event, status or HTTP status, filtered by
status, event and the day made, sorted by its columns, paged with the filters kept, and in
Excel with exactly the filtered rows of every page — only the endpoint's own deliveries, and
only an endpoint of the viewer's organisation; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from blueprints.webhooks import services
from models import DeliveryStatus, OrgKind, WebhookDelivery, WebhookEvent
from tests import factories
from tests.functional.projects.helpers import browser_for

S, E = DeliveryStatus, WebhookEvent
# Key → (event, status, attempts, HTTP status, made (UTC)).
MADE = {
    "a1": (E.PROJECT_STATE_CHANGED, S.DELIVERED, 1, 200, datetime(2026, 3, 1, 2)),
    "b2": (E.CERTIFICATE_STATUS_CHANGED, S.DEAD, 8, 500, datetime(2026, 3, 2, 2)),
    "c3": (E.PROJECT_STATE_CHANGED, S.DEAD, 8, 404, datetime(2026, 4, 1, 2)),
    "d4": (E.PING, S.PENDING, 0, None, datetime(2026, 4, 2, 2)),
}


def _admin():
    return factories.user(factories.organisation(OrgKind.EVALUATION_BODY), is_org_admin=True)


def _hook(admin, url: str = "https://hooks.example.com/in"):
    return services.create(
        admin.organisation, admin, url=url, events=[E.PROJECT_STATE_CHANGED]
    ).endpoint


def _delivery(hook, key: str, event, status, attempts, http, made) -> WebhookDelivery:
    delivery = WebhookDelivery(
        endpoint_id=hook.id,
        event_type=event,
        occurrence=f"test:{key}",
        idempotency_key=key.ljust(32, "0"),
        body="{}",
        status=status,
        attempts=attempts,
        last_attempt_at=made.replace(hour=3) if attempts else None,
        last_status=http,
        created_at=made,
        next_attempt_at=made,
    )
    db.session.add(delivery)
    return delivery


@pytest.fixture
def world(app_ctx):
    admin = _admin()
    hook = _hook(admin)
    for key, made in MADE.items():
        _delivery(hook, key, *made)
    # The organisation's other endpoint, and another organisation's: never on this log.
    _delivery(_hook(admin, "https://hooks.example.com/other"), "e5", *MADE["b2"])
    _delivery(_hook(_admin()), "f6", *MADE["b2"])
    db.session.commit()
    return admin, hook


def listed(browser, hook, **args) -> list[str]:
    """The delivery ID (its first two characters) of each row shown."""
    response = browser.get(f"/webhooks/{hook.id}/deliveries", query_string=args)
    assert response.status_code == 200
    rows = BeautifulSoup(response.get_data(as_text=True), "html.parser").select(
        "#deliveries tbody tr"
    )
    return [
        row.select("td")[5].get_text(strip=True)[:2]
        for row in rows
        if row.has_attr("data-delivery")
    ]


def test_search_and_filters(app, world):
    admin, hook = world
    browser = browser_for(app, admin)
    assert listed(browser, hook) == ["d4", "c3", "b2", "a1"]  # the newest first; its own only
    assert listed(browser, hook, q="b2") == ["b2"]
    assert listed(browser, hook, q="B2000") == ["b2"]  # an ID ignores case
    assert listed(browser, hook, q="certificate") == ["b2"]  # an event's type
    assert listed(browser, hook, q="项目") == ["c3", "a1"]  # an event's title
    assert listed(browser, hook, q="失败") == ["c3", "b2"]  # a status's title
    assert listed(browser, hook, q="404") == ["c3"]  # the receiver's HTTP status
    assert listed(browser, hook, status="dead") == ["c3", "b2"]
    assert listed(browser, hook, event="ping") == ["d4"]
    assert listed(browser, hook, since="2026-04-01") == ["d4", "c3"]
    assert listed(browser, hook, since="2026-03-02", until="2026-04-01") == ["c3", "b2"]
    assert listed(browser, hook, status="dead", event="ping") == []
    for args in (
        {"status": "forged"},
        {"event": "forged"},
        {"since": "2026-13-45"},
        {"until": "99999-01-01"},
        {"sort": "-" + "x" * 500},
        {"q": "%_\\" * 30},
        {"page": "99999999999"},
    ):
        page = f"/webhooks/{hook.id}/deliveries"
        assert browser.get(page, query_string=args).status_code == 200, args
        assert (
            browser.get(f"/webhooks/{hook.id}/deliveries.xlsx", query_string=args).status_code
            == 200
        ), args
    assert len(listed(browser, hook, status="forged", event="forged", since="x")) == 4


def test_sorted_by_its_columns_and_paged_with_the_filters(app, world, monkeypatch):
    admin, hook = world
    browser = browser_for(app, admin)
    assert listed(browser, hook, sort="created") == ["a1", "b2", "c3", "d4"]
    assert listed(browser, hook, sort="status") == ["d4", "a1", "b2", "c3"]
    assert listed(browser, hook, sort="-attempts") == ["c3", "b2", "a1", "d4"]
    assert listed(browser, hook, sort="attempted")[-1] == "d4"  # never attempted: last
    assert listed(browser, hook, sort="event") == ["b2", "a1", "c3", "d4"]  # as declared
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"status": "dead", "sort": "created"}
    html = browser.get(f"/webhooks/{hook.id}/deliveries", query_string=args).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    following = soup.select_one(".pagination a[href*='page=2']")
    assert "status=dead" in following["href"] and "sort=created" in following["href"]
    heading = soup.select_one("th a.sort-link[href*='sort=-created']")
    assert heading is not None and "status=dead" in heading["href"]
    assert [listed(browser, hook, page=n, **args) for n in (1, 2)] == [["b2"], ["c3"]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    admin, hook = world
    browser = browser_for(app, admin)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"since": "2026-03-02", "sort": "-attempts"}
    shown = [key for n in (1, 2, 3, 4) for key in listed(browser, hook, page=n, **args)]
    response = browser.get(f"/webhooks/{hook.id}/deliveries.xlsx", query_string=args)
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert (rows[0][0], rows[0][2], rows[0][8]) == ("创建时间", "状态", "投递编号")
    assert [row[8][:2] for row in rows[1:]] == shown == ["c3", "b2", "d4"]
    assert [row[5] for row in rows[1:]] == [404, 500, None]


def test_another_organisations_endpoint_is_a_miss(app, world):
    _owner, hook = world
    stranger = _admin()
    db.session.commit()
    browser = browser_for(app, stranger)
    assert browser.get(f"/webhooks/{hook.id}/deliveries").status_code == 404
    assert (
        browser.get(f"/webhooks/{hook.id}/deliveries.xlsx", query_string={"q": "b2"}).status_code
        == 404
    )


def test_the_log_costs_the_same_queries_for_one_delivery_or_many(app, world, count_queries):
    admin, hook = world
    browser = browser_for(app, admin)
    page = f"/webhooks/{hook.id}/deliveries"
    browser.get(page)
    args = {"q": "项目", "sort": "-attempted"}
    with count_queries() as one:
        browser.get(page, query_string={**args, "status": "delivered"})
    for n in range(30):
        _delivery(hook, f"z{n:02d}", E.PROJECT_STATE_CHANGED, S.DEAD, 8, 500, datetime(2026, 5, 1))
    db.session.commit()
    with count_queries() as many:
        browser.get(page, query_string=args)
    assert many.count == one.count, many.statements
    with count_queries() as excel:
        assert browser.get(f"{page}.xlsx", query_string=args).status_code == 200
    assert excel.count <= one.count, excel.statements
