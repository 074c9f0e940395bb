"""The campaigns list searched by title, filtered by year and state, sorted and paged with the
filters kept; a campaign's enterprises (taking part or not) searched by name or credit code,
filtered by status, sorted, paged with the filters kept and in Excel with exactly the filtered
rows of every page; another province's campaigns never shown; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import OrgKind
from tests import factories
from tests.functional.campaigns.province import PROVINCE, build, launch, opening
from tests.functional.projects.helpers import browser_for


@pytest.fixture
def gd(app_ctx):
    made = build()
    shanghai = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310000"))
    launch(shanghai, opening(date.today(), 3, 10), 10, "上海市评估")  # never on gd's list
    db.session.commit()
    return made


def campaigns(browser, **args) -> list[str]:
    html = browser.get("/campaigns/", query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("#campaigns tbody tr[data-campaign]")
    return [row.find("a").get_text(strip=True) for row in rows]


BAD = (
    {"year": "forged"},
    {"year": "99999999999999"},
    {"state": "forged"},
    {"status": "forged"},
    {"show": "forged"},
    {"sort": "-" + "x" * 500},
    {"q": "%_" * 200},
    {"page": "99999999999"},
)


def test_campaigns_searched_filtered_sorted_and_paged(app, gd, monkeypatch):
    browser = browser_for(app, gd.province)
    assert set(campaigns(browser)) == {"第一轮评估", "第二轮评估"}
    assert campaigns(browser, q="第一轮") == ["第一轮评估"]
    assert campaigns(browser, state="open") == ["第一轮评估"]
    assert campaigns(browser, state="upcoming") == ["第二轮评估"]
    assert campaigns(browser, state="closed") == []
    assert campaigns(browser, year=str(gd.round1.year)) == [
        t for t in campaigns(browser) if t == "第一轮评估" or gd.round2.year == gd.round1.year
    ]
    assert campaigns(browser, sort="window") == ["第一轮评估", "第二轮评估"]
    assert campaigns(browser, sort="-window") == ["第二轮评估", "第一轮评估"]
    assert campaigns(browser, sort="title") == campaigns(browser, sort="-title")[::-1]
    # A city of the province sees them too; Shanghai's is on neither.
    assert set(campaigns(browser_for(app, gd.guangzhou))) == {"第一轮评估", "第二轮评估"}
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "评估", "sort": "window"}
    html = browser.get("/campaigns/", query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "sort=window" in following["href"] and "q=" in following["href"]
    pages = [campaigns(browser, page=n, **args) for n in (1, 2)]
    assert pages == [["第一轮评估"], ["第二轮评估"]]
    for args in BAD:
        assert browser.get("/campaigns/", query_string=args).status_code == 200, args


def enterprises(browser, campaign_id, **args) -> list[tuple[str, str]]:
    """(name, credit code) of each row shown."""
    url = f"/campaigns/{campaign_id}/enterprises"
    html = browser.get(url, query_string={"region": PROVINCE, **args}).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("#enterprises tbody tr")
    return [
        (tds[0].get_text(strip=True), tds[1].get_text(strip=True))
        for tds in (row.find_all("td") for row in rows)
        if len(tds) > 1
    ]


def excel(browser, campaign_id, **args) -> list[tuple]:
    url = f"/campaigns/{campaign_id}/enterprises.xlsx"
    response = browser.get(url, query_string={"region": PROVINCE, **args})
    assert response.status_code == 200
    return list(
        openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )


def test_enterprises_taking_part_filtered_sorted_paged_and_exported(app, gd, monkeypatch):
    browser = browser_for(app, gd.province)
    cid = gd.round1.id
    names = [n for n, _c in enterprises(browser, cid)]
    assert sorted(names) == ["企业e1", "企业e2", "企业e3", "企业e4", "企业e5"]
    code = gd.enterprises["e3"].credit_code
    assert enterprises(browser, cid, q="e3") == [("企业e3", code)]
    assert enterprises(browser, cid, q=code[:12])[0] == ("企业e3", code)
    assert [n for n, _c in enterprises(browser, cid, status="draft")] == ["企业e2"]
    assert enterprises(browser, cid, sort="-name")[0][0] == "企业e5"
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "企业", "sort": "-name"}
    html = browser.get(
        f"/campaigns/{cid}/enterprises", query_string={"region": PROVINCE, **args}
    ).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    for kept in (f"region={PROVINCE}", "show=taken", "sort=-name"):
        assert kept in following["href"]
    shown = [row for n in range(1, 7) for row in enterprises(browser, cid, page=n, **args)]
    assert len(shown) == 5
    rows = excel(browser, cid, **args)
    assert rows[0][0] == "企业"
    assert [(row[0], row[1]) for row in rows[1:]] == shown


def test_enterprises_not_taking_part_are_exported_as_shown(app, gd, monkeypatch):
    browser = browser_for(app, gd.province)
    cid = gd.round1.id
    absent = enterprises(browser, cid, show="absent")
    assert absent and not {n for n, _c in absent} & {"企业e1", "企业e2", "企业e3"}
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    prefix = absent[0][1][:2]
    args = {"show": "absent", "q": prefix, "sort": "-code"}
    shown = [row for n in range(1, 6) for row in enterprises(browser, cid, page=n, **args)]
    assert shown and all(code.startswith(prefix) for _n, code in shown)
    assert [c for _n, c in shown] == sorted((c for _n, c in shown), reverse=True)
    assert [(row[0], row[1]) for row in excel(browser, cid, **args)[1:]] == shown
    for bad in BAD:
        for url in (f"/campaigns/{cid}/enterprises", f"/campaigns/{cid}/enterprises.xlsx"):
            answer = browser.get(url, query_string={"region": PROVINCE, **bad})
            assert answer.status_code == 200, (url, bad)


def test_the_lists_cost_the_same_queries_for_one_row_or_many(app, gd, count_queries):
    browser = browser_for(app, gd.province)
    cid = gd.round1.id
    for url, many, one in (
        ("/campaigns/", {"q": "评估"}, {"q": "第一轮"}),
        (f"/campaigns/{cid}/enterprises", {"region": PROVINCE}, {"region": PROVINCE, "q": "e3"}),
        (
            f"/campaigns/{cid}/enterprises",
            {"region": PROVINCE, "show": "absent"},
            {"region": PROVINCE, "show": "absent", "q": "企业"},
        ),
    ):
        browser.get(url, query_string=many)
        with count_queries() as more:
            browser.get(url, query_string=many)
        with count_queries() as fewer:
            browser.get(url, query_string=one)
        assert more.count == fewer.count, (url, more.statements)
