"""A party's project list: searched, filtered, sorted, paged with the filters kept, and in
Excel with exactly the rows the filters give across all pages; bad input narrows nothing
silently and breaks nothing."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import OrgKind, ProjectStatus
from tests import factories
from tests.functional.projects.helpers import browser_for

P = ProjectStatus
# Enterprise name → (region, status, started): one evaluation body audits them all.
MADE = {
    "深圳精工机械有限公司": ("440305", P.APPLIED, datetime(2026, 3, 1, 4)),
    "广州华瑞化工有限公司": ("440106", P.STAGE1_PLANNED, datetime(2026, 5, 1, 4)),
    "上海恒泰机械有限公司": ("310115", P.APPLIED, datetime(2026, 7, 1, 4)),
    "上海鑫达电子有限公司": ("310115", P.CERTIFIED, datetime(2025, 7, 1, 4)),
}


@pytest.fixture
def world(app_ctx):
    body = factories.organisation(OrgKind.EVALUATION_BODY)
    evaluator = factories.user(body)
    made = {}
    for name, (region, status, started) in MADE.items():
        parties = factories.Parties()
        org = parties.enterprise_org
        org.name, org.region_code = name, region
        org.credit_code = factories.credit_code(region)
        parties.body_org = body
        project = factories.project(parties, status)
        project.body = body
        project.created_at = started
        project.status_changed_at = started
        made[name] = project
    db.session.commit()
    return evaluator, made


def listed(browser, **args) -> list[str]:
    html = browser.get("/projects/", query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr")
    return [r.find("td").get_text(strip=True) for r in rows if r.find("a")]


def test_search_filter_and_region_by_name(app, world):
    evaluator, _made = world
    browser = browser_for(app, evaluator)
    assert set(listed(browser)) == set(MADE)
    assert set(listed(browser, q="机械")) == {"深圳精工机械有限公司", "上海恒泰机械有限公司"}
    assert listed(browser, q="机械", region="深圳") == ["深圳精工机械有限公司"]
    assert set(listed(browser, region="广东")) == {"深圳精工机械有限公司", "广州华瑞化工有限公司"}
    assert set(listed(browser, region="31")) == {"上海恒泰机械有限公司", "上海鑫达电子有限公司"}
    assert set(listed(browser, status="applied")) == {
        "深圳精工机械有限公司",
        "上海恒泰机械有限公司",
    }
    assert set(listed(browser, since="2026-04-01", until="2026-06-30")) == {"广州华瑞化工有限公司"}
    # A region that is none: said beside the field, nothing listed.
    page = browser.get("/projects/", query_string={"region": "火星"}).get_data(as_text=True)
    assert "没有这个名称的地区" in page and listed(browser, region="火星") == []
    # What does not parse is left out, never a 500.
    for args in ({"status": "forged"}, {"since": "2026-13-40"}, {"sort": "x" * 500}, {"q": "%_"}):
        assert browser.get("/projects/", query_string=args).status_code == 200


def test_sorted_by_its_columns_and_paged_with_the_filters(app, world, monkeypatch):
    evaluator, _made = world
    browser = browser_for(app, evaluator)
    by_start = [
        "上海鑫达电子有限公司",
        "深圳精工机械有限公司",
        "广州华瑞化工有限公司",
        "上海恒泰机械有限公司",
    ]
    assert listed(browser, sort="started") == by_start
    assert listed(browser, sort="-started") == by_start[::-1]
    assert listed(browser, sort="enterprise") == sorted(MADE)
    html = browser.get("/projects/", query_string={"sort": "started"}).get_data(as_text=True)
    heading = BeautifulSoup(html, "html.parser").find("th", attrs={"aria-sort": True})
    assert heading["aria-sort"] == "ascending" and "sort=-started" in heading.a["href"]
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    html = browser.get("/projects/", query_string={"q": "上海", "sort": "started"}).get_data(
        as_text=True
    )
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "q=" in following["href"] and "sort=started" in following["href"]
    pages = [listed(browser, q="上海", sort="started", page=n) for n in (1, 2)]
    assert pages == [["上海鑫达电子有限公司"], ["上海恒泰机械有限公司"]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    evaluator, _made = world
    browser = browser_for(app, evaluator)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "机械", "sort": "-started"}
    shown = [name for n in (1, 2, 3) for name in listed(browser, page=n, **args)]
    response = browser.get("/projects/export.xlsx", query_string=args)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("企业", "统一社会信用代码", "地区", "状态")
    assert [row[0] for row in rows[1:]] == shown == ["上海恒泰机械有限公司", "深圳精工机械有限公司"]
    assert rows[2][2] == "广东省 深圳市 南山区"


def test_each_party_lists_and_exports_only_its_own(app, world):
    _evaluator, made = world
    enterprise = made["深圳精工机械有限公司"].organisation
    browser = browser_for(app, factories.user(enterprise))
    assert listed(browser) == ["深圳精工机械有限公司"]
    sheet = openpyxl.load_workbook(io.BytesIO(browser.get("/projects/export.xlsx").data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "深圳精工机械有限公司"
    ]
    assert app.test_client().get("/projects/export.xlsx").status_code in (302, 401)


def test_the_list_costs_the_same_queries_for_one_project_or_many(app, world, count_queries):
    evaluator, _made = world
    browser = browser_for(app, evaluator)
    browser.get("/projects/")
    with count_queries() as many:
        browser.get("/projects/", query_string={"q": "有限", "region": "广东"})
    parties = factories.Parties()  # another body, with one project
    factories.project(parties, P.APPLIED)
    db.session.commit()
    lone = browser_for(app, parties.evaluator)
    lone.get("/projects/")
    with count_queries() as one:
        lone.get("/projects/", query_string={"q": "有限", "region": "广东"})
    assert many.count == one.count <= 8, many.statements
