"""The administrator's outbox: filtered by status, a part of the recipient and the day queued,
sorted, paged with the filters kept, and in Excel with the messages' metadata (never a body),
exactly the filtered rows of every page; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import OrgKind, OutboxMessage, OutboxStatus, Role
from tests import factories
from tests.functional.projects.helpers import browser_for

S = OutboxStatus
# Subject → (recipient, status, attempts, created: UTC; Shanghai is 8 hours ahead).
MADE = {
    "激活账户": ("zhang.wei@jinggong.cn", S.SENT, 1, datetime(2026, 3, 1, 2)),
    "重置密码": ("li_na@audit.cn", S.DEAD, 5, datetime(2026, 3, 2, 17)),  # 3 March, local
    "监督评定提醒": ("wang.fang@jinggong.cn", S.PENDING, 0, datetime(2026, 3, 3, 2)),
    "公示通知": ("zhao@consult.cn", S.PENDING, 2, datetime(2026, 3, 5, 2)),
}


@pytest.fixture
def admin(app, app_ctx):
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    admin = factories.user(alliance, role=Role.ADMIN)
    for n, (subject, (recipient, status, attempts, created)) in enumerate(MADE.items()):
        db.session.add(
            OutboxMessage(
                dedup_key=f"test:{n}",
                recipient=recipient,
                subject=subject,
                body_text="正文：机密链接 https://example.cn/secret",
                locale="zh",
                status=status,
                attempts=attempts,
                created_at=created,
                last_error="550 mailbox unavailable" if status == S.DEAD else None,
            )
        )
    db.session.commit()
    return browser_for(app, admin)


def listed(browser, **args) -> list[str]:
    html = browser.get("/admin/outbox", query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr td a")
    return [a.get_text(strip=True) for a in rows]


def test_filters(app, admin, monkeypatch):
    monkeypatch.setitem(app.config, "TIMEZONE", "Asia/Shanghai")
    assert set(listed(admin)) == set(MADE)
    assert set(listed(admin, status="pending")) == {"监督评定提醒", "公示通知"}
    assert set(listed(admin, q="JINGGONG")) == {"激活账户", "监督评定提醒"}
    assert listed(admin, q="wang.fang@jinggong.cn") == ["监督评定提醒"]  # a whole address too
    assert listed(admin, q="li_na") == ["重置密码"]
    assert listed(admin, q="li%") == []  # % is no wildcard
    # Local days: 17:00 UTC on 2 March is 3 March in Shanghai.
    assert set(listed(admin, since="2026-03-03", until="2026-03-03")) == {
        "重置密码",
        "监督评定提醒",
    }
    assert listed(admin, since="2026-03-04") == ["公示通知"]
    for args in (
        {"status": "forged"},
        {"since": "2026-02-30"},
        {"until": "99999-01-01"},
        {"since": "1000-01-01"},
        {"sort": "-body_text"},
        {"q": "@" * 1000},
    ):
        assert admin.get("/admin/outbox", query_string=args).status_code == 200, args
        assert admin.get("/admin/outbox/export.xlsx", query_string=args).status_code == 200, args


def test_sorted_and_paged_with_the_filters(app, admin, monkeypatch):
    assert listed(admin) == ["公示通知", "监督评定提醒", "重置密码", "激活账户"]
    assert listed(admin, sort="created") == ["激活账户", "重置密码", "监督评定提醒", "公示通知"]
    assert listed(admin, sort="-attempts") == ["重置密码", "公示通知", "激活账户", "监督评定提醒"]
    # States in their declared order: pending, sending, sent, failed.
    assert listed(admin, sort="status") == ["监督评定提醒", "公示通知", "激活账户", "重置密码"]
    html = admin.get("/admin/outbox", query_string={"sort": "-attempts"}).get_data(as_text=True)
    heading = BeautifulSoup(html, "html.parser").find("th", attrs={"aria-sort": True})
    assert heading["aria-sort"] == "descending" and "sort=attempts" in heading.a["href"]
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    html = admin.get("/admin/outbox", query_string={"q": "jinggong", "sort": "created"})
    following = BeautifulSoup(html.get_data(as_text=True), "html.parser").select_one(
        ".pagination a[href*='page=2']"
    )
    assert "q=jinggong" in following["href"] and "sort=created" in following["href"]
    pages = [listed(admin, q="jinggong", sort="created", page=n) for n in (1, 2)]
    assert pages == [["激活账户"], ["监督评定提醒"]]


def test_the_excel_holds_the_metadata_of_exactly_the_filtered_rows(app, admin, monkeypatch):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    monkeypatch.setitem(app.config, "TIMEZONE", "Asia/Shanghai")
    args = {"q": ".cn", "since": "2026-03-02", "sort": "-attempts"}
    shown = [name for n in (1, 2, 3, 4) for name in listed(admin, page=n, **args)]
    response = admin.get("/admin/outbox/export.xlsx", query_string=args)
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert [row[2] for row in rows[1:]] == shown == ["重置密码", "公示通知", "监督评定提醒"]
    dead = rows[1]
    assert dead[0] == datetime(2026, 3, 3, 1) and dead[1] == "li_na@audit.cn"
    assert "550 mailbox unavailable" in dead
    assert not any("secret" in str(cell) for row in rows for cell in row)  # never a body


def test_only_the_administrator(app, app_ctx):
    user = factories.user()
    db.session.commit()
    assert browser_for(app, user).get("/admin/outbox/export.xlsx").status_code == 403


def test_the_outbox_costs_the_same_queries_for_few_messages_or_many(
    app, admin, count_queries, monkeypatch
):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)  # a count on both
    args = {"q": "cn", "status": "pending", "sort": "status"}
    admin.get("/admin/outbox", query_string=args)
    with count_queries() as few:
        admin.get("/admin/outbox", query_string=args)
    for n in range(40):
        db.session.add(
            OutboxMessage(dedup_key=f"more:{n}", recipient=f"m{n}@x.cn", subject="s",
                          body_text="b", locale="zh")
        )  # fmt: skip
    db.session.commit()
    with count_queries() as many:
        admin.get("/admin/outbox", query_string=args)
    assert many.count == few.count <= 8, many.statements
    rows = [s for s in many.statements if "FROM outbox_messages" in s and "count(" not in s]
    assert rows and not any("body_text" in s or "attachments" in s for s in rows)
