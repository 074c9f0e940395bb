"""A user's notifications: searched by title, filtered by category, unread only and the days
they came, newest or oldest first, paged with the filters kept; only one's own; bad input
breaks nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import Notification
from tests import factories
from tests.functional.projects.helpers import browser_for

# Title → (event, came, read).
D = datetime
MADE = {
    "上海恒泰的自评估已提交": ("assessment.submit", D(2026, 3, 1, 4), None),
    "证书 CSAIII-001 已暂停": ("certificate.suspend", D(2026, 3, 5, 4), D(2026, 3, 6)),
    "上海恒泰的自评估已通过": ("assessment.approve", D(2026, 4, 1, 4), D(2026, 4, 2)),
    "发现不符合项_100%": ("finding.logged", D(2026, 4, 9, 4), None),
}


@pytest.fixture
def reader(app, app_ctx):
    user = factories.user()
    other = factories.user()
    for n, (title, (event, came, read)) in enumerate(MADE.items()):
        for owner in (user, other):
            db.session.add(
                Notification(
                    user_id=owner.id,
                    key=f"{event}:{n}:{owner.id}",
                    title=title if owner is user else "别人的" + title,
                    created_at=came,
                    read_at=read,
                )
            )
    db.session.commit()
    return browser_for(app, user)


def listed(browser, **args) -> list[str]:
    html = browser.get("/notifications/", query_string=args).get_data(as_text=True)
    titles = []
    for li in BeautifulSoup(html, "html.parser").select("ul.list-group li"):
        if "text-muted" in li["class"]:
            continue  # "no notification"
        for extra in li.select("div.small, span.visually-hidden"):
            extra.decompose()
        titles.append(li.get_text(strip=True))
    return titles


def test_search_and_filters(app, reader):
    newest_first = list(MADE)[::-1]
    assert listed(reader) == newest_first
    assert listed(reader, sort="created") == list(MADE)
    assert listed(reader, q="恒泰") == ["上海恒泰的自评估已通过", "上海恒泰的自评估已提交"]
    assert listed(reader, q="_100%") == ["发现不符合项_100%"]  # as typed, no wildcards
    assert listed(reader, q="项x100") == []
    assert listed(reader, unread="y") == ["发现不符合项_100%", "上海恒泰的自评估已提交"]
    assert listed(reader, category="assessments", sort="created") == [
        "上海恒泰的自评估已提交",
        "上海恒泰的自评估已通过",
    ]
    assert listed(reader, category="certificates") == ["证书 CSAIII-001 已暂停"]
    assert listed(reader, category="webhooks") == []
    assert listed(reader, since="2026-03-02", until="2026-04-01") == [
        "上海恒泰的自评估已通过",
        "证书 CSAIII-001 已暂停",
    ]
    for args in (
        {"category": "forged"},
        {"since": "2026-02-31"},
        {"until": "0001-01-01"},
        {"sort": "-read_at"},
        {"unread": "x" * 500},
        {"q": "x" * 10_000},
    ):
        assert reader.get("/notifications/", query_string=args).status_code == 200, args


def test_paged_with_the_filters_kept(app, reader, monkeypatch):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "恒泰", "sort": "created"}
    html = reader.get("/notifications/", query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "q=" in following["href"] and "sort=created" in following["href"]
    pages = [listed(reader, page=n, **args) for n in (1, 2)]
    assert pages == [["上海恒泰的自评估已提交"], ["上海恒泰的自评估已通过"]]


def test_the_list_costs_the_same_queries_for_one_notice_or_many(app, reader, count_queries):
    args = {"q": "的", "category": "assessments", "unread": "y"}
    reader.get("/notifications/", query_string=args)
    with count_queries() as many:
        reader.get("/notifications/", query_string=args)
    lone = browser_for(app, factories.user())
    db.session.commit()
    lone.get("/notifications/", query_string=args)
    with count_queries() as none:
        lone.get("/notifications/", query_string=args)
    assert many.count == none.count <= 6, many.statements
