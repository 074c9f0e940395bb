"""The authority's review queue: searched by enterprise name or credit code, filtered by
status, year and region, sorted by submission, enterprise and total score, paged with the
filters kept, and in Excel with exactly the filtered rows of every page — only the
assessments waiting for this authority; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import TOTAL_KEY, AssessmentStatus, OrgKind, Role
from tests import factories
from tests.functional.projects.helpers import browser_for

S = AssessmentStatus
# Enterprise → (region, status, year, total, submitted).
MADE = {
    "深圳精工机械有限公司": ("440305", S.AWAITING_CITY, 2026, 62.5, datetime(2026, 3, 1, 4)),
    "深圳华瑞化工有限公司": ("440306", S.AWAITING_DISTRICT, 2026, 48.0, datetime(2026, 3, 5, 4)),
    "深圳恒泰机械有限公司": ("440305", S.AWAITING_CITY, 2025, 71.0, datetime(2026, 2, 1, 4)),
}


@pytest.fixture
def world(app_ctx):
    city = factories.organisation(OrgKind.AUTHORITY, region="440300", name="深圳市工信局")
    official = factories.user(city, role=Role.AUTHORITY)
    made = {}
    for name, (region, status, year, total, submitted) in MADE.items():
        org = factories.organisation(region=region, name=name)
        a = factories.assessment(org, year=year, status=status, scores={TOTAL_KEY: total})
        a.reviewer_id, a.submitted_at = city.id, submitted
        made[name] = a
    # Another authority's, and one this authority decided: not in the queue.
    other = factories.organisation(OrgKind.AUTHORITY, region="440100")
    factories.assessment(factories.organisation(region="440106", name="广州机械有限公司"))
    db.session.flush()
    elsewhere = factories.assessment(factories.organisation(region="440305", name="深圳已批机械"))
    elsewhere.status, elsewhere.reviewer_id = S.APPROVED, city.id
    waiting_elsewhere = factories.assessment(factories.organisation(name="别处机械有限公司"))
    waiting_elsewhere.reviewer_id = other.id
    db.session.commit()
    return official, made


def listed(browser, **args) -> list[str]:
    html = browser.get("/assessments/queue", query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr td:first-child a")
    return [row.get_text(strip=True) for row in rows]


def test_search_and_filters(app, world):
    official, made = world
    browser = browser_for(app, official)
    assert set(listed(browser)) == set(MADE)
    assert set(listed(browser, q="机械")) == {"深圳精工机械有限公司", "深圳恒泰机械有限公司"}
    code = made["深圳华瑞化工有限公司"].organisation.credit_code
    assert listed(browser, q=code) == ["深圳华瑞化工有限公司"]
    assert listed(browser, status="awaiting_district") == ["深圳华瑞化工有限公司"]
    assert listed(browser, year="2025") == ["深圳恒泰机械有限公司"]
    assert set(listed(browser, region="南山")) == {"深圳精工机械有限公司", "深圳恒泰机械有限公司"}
    assert listed(browser, region="440306") == ["深圳华瑞化工有限公司"]
    assert listed(browser, region="广州") == []  # outside: the queue holds none
    page = browser.get("/assessments/queue", query_string={"region": "火星"})
    assert "没有这个名称的地区" in page.get_data(as_text=True)
    for args in (
        {"status": "approved"},  # not a state of the queue: left out
        {"status": "forged"},
        {"year": "99999999999999"},
        {"year": "二〇二六"},
        {"sort": "-organisation_id"},
        {"q": "_" * 300},
    ):
        assert browser.get("/assessments/queue", query_string=args).status_code == 200, args
        response = browser.get("/assessments/queue.xlsx", query_string=args)
        assert response.status_code == 200, args
    assert set(listed(browser, status="approved")) == set(MADE)


def test_sorted_and_paged_with_the_filters(app, world, monkeypatch):
    official, _made = world
    browser = browser_for(app, official)
    by_submission = ["深圳恒泰机械有限公司", "深圳精工机械有限公司", "深圳华瑞化工有限公司"]
    assert listed(browser) == by_submission  # the longest waiting first
    assert listed(browser, sort="-submitted") == by_submission[::-1]
    assert listed(browser, sort="-total") == [
        "深圳恒泰机械有限公司",
        "深圳精工机械有限公司",
        "深圳华瑞化工有限公司",
    ]
    assert listed(browser, sort="enterprise") == sorted(MADE)
    html = browser.get("/assessments/queue", query_string={"sort": "total"}).get_data(as_text=True)
    heading = BeautifulSoup(html, "html.parser").find("th", attrs={"aria-sort": True})
    assert heading["aria-sort"] == "ascending" and "sort=-total" in heading.a["href"]
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "机械", "sort": "-total"}
    html = browser.get("/assessments/queue", query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "q=" in following["href"] and "sort=-total" in following["href"]
    pages = [listed(browser, page=n, **args) for n in (1, 2)]
    assert pages == [["深圳恒泰机械有限公司"], ["深圳精工机械有限公司"]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    official, _made = world
    browser = browser_for(app, official)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"region": "深圳", "sort": "enterprise"}
    shown = [name for n in (1, 2, 3, 4) for name in listed(browser, page=n, **args)]
    response = browser.get("/assessments/queue.xlsx", query_string=args)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("企业", "统一社会信用代码", "地区")
    assert [row[0] for row in rows[1:]] == shown == sorted(MADE)
    jinggong = next(row for row in rows if row[0] == "深圳精工机械有限公司")
    assert jinggong[2] == "广东省 深圳市 南山区" and jinggong[3] == 2026 and jinggong[5] == 62.5


def test_only_reviewing_authorities_and_only_their_queue(app, world):
    _official, _made = world
    other = factories.organisation(OrgKind.AUTHORITY, region="440100")
    stranger = factories.user(other, role=Role.AUTHORITY)
    enterprise = factories.user()
    db.session.commit()
    browser = browser_for(app, stranger)
    assert listed(browser) == []
    sheet = openpyxl.load_workbook(io.BytesIO(browser.get("/assessments/queue.xlsx").data)).active
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == []
    assert browser_for(app, enterprise).get("/assessments/queue.xlsx").status_code == 403


def test_the_queue_costs_the_same_queries_for_one_assessment_or_many(app, world, count_queries):
    official, _made = world
    browser = browser_for(app, official)
    args = {"q": "有限", "region": "深圳", "sort": "enterprise"}
    browser.get("/assessments/queue", query_string=args)
    with count_queries() as many:
        browser.get("/assessments/queue", query_string=args)
    lone_city = factories.organisation(OrgKind.AUTHORITY, region="310000")
    a = factories.assessment(factories.organisation(region="310115", name="上海某某有限公司"))
    a.reviewer_id = lone_city.id
    lone = browser_for(app, factories.user(lone_city, role=Role.AUTHORITY))
    db.session.commit()
    lone.get("/assessments/queue", query_string=args)
    with count_queries() as one:
        lone.get("/assessments/queue", query_string=args)
    assert many.count == one.count <= 8, many.statements
