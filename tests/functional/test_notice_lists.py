"""The notices lists: received searched by title or sender, filtered by audience, confirmed or
not and the day sent; sent the same by title; a sent notice's receipts searched by name or
credit code, filtered by kind, region and confirmed or not — each sorted by its columns, paged
with the filters kept, and in Excel with exactly the filtered rows of every page; another
region's notices never shown; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from blueprints.notices import services
from models import NoticeAudience, NoticeReceipt, OrgKind
from tests import factories
from tests.functional.projects.helpers import browser_for

A = NoticeAudience
# Title → (audience, sent).
SENT = {
    "关于开展评估诊断工作的通知": (A.EVERYONE, datetime(2026, 3, 1, 4)),
    "关于报送年度数据的通知": (A.ENTERPRISES, datetime(2026, 4, 1, 4)),
    "关于区级培训的通知": (A.AUTHORITIES, datetime(2026, 5, 1, 4)),
    "关于贯标试点的通知": (A.EVERYONE, datetime(2026, 6, 1, 4)),
}


class World:
    pass


@pytest.fixture
def world(app_ctx):
    w = World()
    w.city = factories.user(
        factories.organisation(OrgKind.AUTHORITY, region="310000", name="上海市经济和信息化委员会")
    )
    w.district = factories.user(
        factories.organisation(OrgKind.AUTHORITY, region="310115", name="浦东新区科技和经济委员会")
    )
    w.enterprise = factories.user(
        factories.organisation(region="310115", name="上海精工机械有限公司")
    )
    w.other = factories.user(factories.organisation(region="310104", name="上海华瑞化工有限公司"))
    w.elsewhere = factories.user(factories.organisation(region="440106", name="广州远方有限公司"))
    far = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440100"))
    db.session.flush()
    w.notices = {}
    for title, (audience, sent) in SENT.items():
        notice = services.publish(w.city, title, "请按时完成。", audience, [])
        notice.published_at = sent
        w.notices[title] = notice
    services.publish(far, "广州市的通知", "外地。", A.EVERYONE, [])  # never on these lists
    # The enterprise confirmed the first notice; the district and the other the last one.
    first, last = w.notices["关于开展评估诊断工作的通知"], w.notices["关于贯标试点的通知"]
    db.session.add(
        NoticeReceipt(
            notice_id=first.id,
            organisation_id=w.enterprise.organisation_id,
            user_id=w.enterprise.id,
        )
    )
    for party in (w.district, w.other):
        db.session.add(
            NoticeReceipt(
                notice_id=last.id, organisation_id=party.organisation_id, user_id=party.id
            )
        )
    db.session.commit()
    return w


def titles(browser, url="/notices/", **args) -> list[str]:
    html = browser.get(url, query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("#notices tbody tr[data-notice]")
    return [row.find("td").get_text(strip=True) for row in rows]


def excel(browser, url, **args) -> list[tuple]:
    response = browser.get(url, query_string=args)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return list(sheet.iter_rows(values_only=True))


BAD = (
    {"audience": "forged"},
    {"confirmed": "forged"},
    {"kind": "forged"},
    {"region": "不存在的地方"},
    {"region": "123"},
    {"since": "2026-13-45"},
    {"until": "99999-01-01"},
    {"sort": "-" + "x" * 500},
    {"q": "%_" * 200},
    {"show": "forged"},
    {"page": "99999999999"},
)


def test_received_searched_filtered_sorted(app, world):
    browser = browser_for(app, world.enterprise)
    assert titles(browser) == [
        "关于贯标试点的通知",
        "关于报送年度数据的通知",
        "关于开展评估诊断工作的通知",
    ]  # not the district's training, not Guangzhou's
    assert titles(browser, q="年度") == ["关于报送年度数据的通知"]
    assert len(titles(browser, q="经济和信息化")) == 3  # the sender's name
    assert len(titles(browser, q="jjhx")) == 3  # its pinyin initials
    assert titles(browser, audience="enterprises") == ["关于报送年度数据的通知"]
    assert titles(browser, confirmed="yes") == ["关于开展评估诊断工作的通知"]
    assert len(titles(browser, confirmed="no")) == 2
    assert len(titles(browser, show="unread")) == 2
    assert titles(browser, since="2026-03-15", until="2026-04-30") == ["关于报送年度数据的通知"]
    assert titles(browser, sort="title") == titles(browser, sort="-title")[::-1]
    assert titles(browser, sort="confirmed")[0] == "关于开展评估诊断工作的通知"
    for args in BAD:
        assert browser.get("/notices/", query_string=args).status_code == 200, args
        assert browser.get("/notices/export.xlsx", query_string=args).status_code == 200, args


def test_sent_paged_with_the_filters_and_its_excel_holds_exactly_them(app, world, monkeypatch):
    browser = browser_for(app, world.city)
    args = {"show": "sent", "audience": "everyone", "sort": "sent"}
    assert titles(browser, **args) == ["关于开展评估诊断工作的通知", "关于贯标试点的通知"]
    assert titles(browser, show="sent", sort="-confirmed")[0] == "关于贯标试点的通知"
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"show": "sent", "q": "通知", "since": "2026-04-01", "sort": "-title"}
    html = browser.get("/notices/", query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    for kept in ("show=sent", "since=2026-04-01", "sort=-title"):
        assert kept in following["href"]
    shown = [t for n in (1, 2, 3, 4) for t in titles(browser, page=n, **args)]
    assert len(shown) == 3
    rows = excel(browser, "/notices/export.xlsx", **args)
    assert rows[0][:3] == ("标题", "已发送", "发送对象")
    assert [row[0] for row in rows[1:]] == shown
    assert [row[3] for row in rows[1:]] == [2, 0, 0]  # 贯标 first: its two confirmations
    for args in BAD:
        args = {"show": "sent", **args}
        assert browser.get("/notices/", query_string=args).status_code == 200, args
        assert browser.get("/notices/export.xlsx", query_string=args).status_code == 200, args


def receipts(browser, notice_id, **args) -> list[tuple[str, str]]:
    """(organisation, confirmed) of each row shown."""
    html = browser.get(f"/notices/{notice_id}", query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("#receipts tbody tr[data-org]")
    return [
        (tds[0].get_text(strip=True), tds[3].get_text(strip=True))
        for tds in (row.find_all("td") for row in rows)
    ]


def test_receipts_searched_filtered_sorted_paged_and_exported(app, world, monkeypatch):
    browser = browser_for(app, world.city)
    notice = world.notices["关于贯标试点的通知"]
    names = [n for n, _c in receipts(browser, notice.id)]
    assert set(names) == {
        "浦东新区科技和经济委员会",
        "上海精工机械有限公司",
        "上海华瑞化工有限公司",
    }
    assert names[0] == "上海精工机械有限公司"  # not yet confirmed first
    assert [n for n, _c in receipts(browser, notice.id, q="精工")] == ["上海精工机械有限公司"]
    assert [n for n, _c in receipts(browser, notice.id, q="shhr")] == ["上海华瑞化工有限公司"]
    assert len(receipts(browser, notice.id, kind="enterprise")) == 2
    assert len(receipts(browser, notice.id, region="浦东")) == 2
    assert len(receipts(browser, notice.id, region="310104")) == 1
    assert len(receipts(browser, notice.id, confirmed="yes")) == 2
    assert receipts(browser, notice.id, confirmed="no")[0][0] == "上海精工机械有限公司"
    assert receipts(browser, notice.id, region="不存在的地方") == []
    assert receipts(browser, notice.id, sort="-region")[0][0] == "浦东新区科技和经济委员会"
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "上海", "sort": "name"}
    html = browser.get(f"/notices/{notice.id}", query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert f"/notices/{notice.id}" in following["href"] and "sort=name" in following["href"]
    shown = [row for n in (1, 2, 3) for row in receipts(browser, notice.id, page=n, **args)]
    assert len(shown) == 2
    rows = excel(browser, f"/notices/{notice.id}/receipts.xlsx", **args)
    assert rows[0][0] == "单位"
    assert [row[0] for row in rows[1:]] == [n for n, _c in shown]
    for bad in BAD:
        assert browser.get(f"/notices/{notice.id}", query_string=bad).status_code == 200, bad
        url = f"/notices/{notice.id}/receipts.xlsx"
        assert browser.get(url, query_string=bad).status_code == 200, bad


def test_another_region_s_notices_and_receipts_stay_theirs(app, world):
    browser = browser_for(app, world.elsewhere)
    assert titles(browser) == ["广州市的通知"]
    assert [row[0] for row in excel(browser, "/notices/export.xlsx")[1:]] == ["广州市的通知"]
    notice = world.notices["关于贯标试点的通知"]
    assert browser.get(f"/notices/{notice.id}").status_code == 404
    assert browser.get(f"/notices/{notice.id}/receipts.xlsx").status_code in (403, 404)
    district = browser_for(app, world.district)
    assert district.get(f"/notices/{notice.id}/receipts.xlsx").status_code in (403, 404)


def test_the_lists_cost_the_same_queries_for_one_row_or_many(app, world, count_queries):
    city = browser_for(app, world.city)
    notice = world.notices["关于贯标试点的通知"]
    for browser, url, many, one in (
        (browser_for(app, world.enterprise), "/notices/", {"q": "通知"}, {"q": "年度"}),
        (city, "/notices/", {"show": "sent"}, {"show": "sent", "q": "年度"}),
        (city, f"/notices/{notice.id}", {"sort": "kind"}, {"sort": "kind", "q": "精工"}),
    ):
        browser.get(url, query_string=many)
        with count_queries() as more:
            browser.get(url, query_string=many)
        with count_queries() as fewer:
            browser.get(url, query_string=one)
        assert more.count == fewer.count, more.statements
