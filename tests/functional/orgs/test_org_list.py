"""The organisation list: searched, filtered (kind, roster tag, region), sorted, paged with the
filters kept, and in Excel with exactly the rows the filters give across all pages, within
what the viewer may see; bad input narrows nothing silently and breaks nothing."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import OrgKind, Role
from tests import factories
from tests.functional.projects.helpers import browser_for

K = OrgKind
# Name → (kind, region, created).
MADE = {
    "深圳精工机械有限公司": (K.ENTERPRISE, "440305", datetime(2026, 3, 1, 4)),
    "广州华瑞化工有限公司": (K.ENTERPRISE, "440106", datetime(2026, 5, 1, 4)),
    "深圳质量认证中心": (K.EVALUATION_BODY, "440304", datetime(2026, 4, 1, 4)),
    "上海恒泰机械有限公司": (K.ENTERPRISE, "310115", datetime(2026, 2, 1, 4)),
}
AUTHORITY = "广东省工业和信息化厅"
IN_GUANGDONG = {name for name, (_k, region, _c) in MADE.items() if region.startswith("44")}


@pytest.fixture
def world(app_ctx):
    authority = factories.organisation(
        K.AUTHORITY, region="440000", name=AUTHORITY, created_at=datetime(2026, 1, 1, 4)
    )
    official = factories.user(authority, role=Role.AUTHORITY)
    for name, (kind, region, created) in MADE.items():
        factories.organisation(kind, region=region, name=name, created_at=created)
    db.session.commit()
    return official


def listed(browser, **args) -> list[str]:
    html = browser.get("/orgs/", query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr td:first-child a")
    return [row.get_text(strip=True) for row in rows]


def test_search_and_filters_within_the_region(app, world):
    browser = browser_for(app, world)
    assert set(listed(browser)) == IN_GUANGDONG | {AUTHORITY}
    assert listed(browser, q="机械") == ["深圳精工机械有限公司"]  # not Shanghai's
    assert listed(browser, kind="evaluation_body") == ["深圳质量认证中心"]
    assert set(listed(browser, region="深圳")) == {"深圳精工机械有限公司", "深圳质量认证中心"}
    assert listed(browser, region="4401") == ["广州华瑞化工有限公司"]
    assert listed(browser, region="深圳", kind="enterprise") == ["深圳精工机械有限公司"]
    assert listed(browser, region="上海") == []  # outside the authority's region
    page = browser.get("/orgs/", query_string={"region": "火星"}).get_data(as_text=True)
    assert "没有这个名称的地区" in page and listed(browser, region="火星") == []
    for args in (
        {"kind": "forged"},
        {"tag": "forged"},
        {"sort": "-" + "x" * 500},
        {"sort": "id; drop table users"},
        {"q": "%_" * 200},
        {"region": "123"},
        {"page": "99999999999"},
    ):
        assert browser.get("/orgs/", query_string=args).status_code == 200, args
        assert browser.get("/orgs/export.xlsx", query_string=args).status_code == 200, args


def test_sorted_by_its_columns_and_paged_with_the_filters(app, world, monkeypatch):
    browser = browser_for(app, world)
    enterprises = {"kind": "enterprise"}
    assert listed(browser, sort="created", **enterprises) == [
        "深圳精工机械有限公司",
        "广州华瑞化工有限公司",
    ]
    assert listed(browser, sort="-created", **enterprises) == [
        "广州华瑞化工有限公司",
        "深圳精工机械有限公司",
    ]
    assert listed(browser, sort="name") == sorted(IN_GUANGDONG | {AUTHORITY})
    # Kinds in their declared order: enterprises, evaluation bodies, authorities.
    assert listed(browser, sort="kind")[-2:] == ["深圳质量认证中心", AUTHORITY]
    assert listed(browser, sort="-kind")[0] == AUTHORITY
    by_region = listed(browser, sort="region")
    assert by_region[:2] == [AUTHORITY, "广州华瑞化工有限公司"]  # 440000, 440106
    html = browser.get("/orgs/", query_string={"sort": "-name"}).get_data(as_text=True)
    heading = BeautifulSoup(html, "html.parser").find("th", attrs={"aria-sort": True})
    assert heading["aria-sort"] == "descending" and "sort=name" in heading.a["href"]
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    html = browser.get("/orgs/", query_string={"region": "深圳", "sort": "created"}).get_data(
        as_text=True
    )
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "region=" in following["href"] and "sort=created" in following["href"]
    pages = [listed(browser, region="深圳", sort="created", page=n) for n in (1, 2)]
    assert pages == [["深圳精工机械有限公司"], ["深圳质量认证中心"]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    browser = browser_for(app, world)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"region": "44", "sort": "-created"}
    shown = [name for n in (1, 2, 3, 4, 5) for name in listed(browser, page=n, **args)]
    response = browser.get("/orgs/export.xlsx", query_string=args)
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert rows[0][:5] == ("名称", "单位类型", "统一社会信用代码", "行政区划代码", "地区")
    assert [row[0] for row in rows[1:]] == shown
    assert len(shown) == 4 and "上海恒泰机械有限公司" not in shown
    line = next(row for row in rows if row[0] == "深圳精工机械有限公司")
    assert line[1] == "企业" and line[3] == "440305" and line[4] == "广东省 深圳市 南山区"


def test_the_alliance_sees_all_an_enterprise_none(app, world):
    alliance = factories.organisation(K.ALLIANCE, region="110000", name="两化融合服务联盟测试")
    staff = factories.user(alliance)
    enterprise = factories.user(factories.organisation(name="某企业测试"))
    db.session.commit()
    browser = browser_for(app, staff)
    assert set(MADE) <= set(listed(browser))
    sheet = openpyxl.load_workbook(
        io.BytesIO(browser.get("/orgs/export.xlsx", query_string={"q": "机械"}).data)
    ).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"深圳精工机械有限公司", "上海恒泰机械有限公司"}
    assert browser_for(app, enterprise).get("/orgs/export.xlsx").status_code == 403
    assert app.test_client().get("/orgs/export.xlsx").status_code in (302, 401)


def test_the_list_costs_the_same_queries_for_one_organisation_or_many(app, world, count_queries):
    browser = browser_for(app, world)
    browser.get("/orgs/")
    args = {"q": "有限", "region": "广东", "sort": "region"}
    with count_queries() as many:
        browser.get("/orgs/", query_string=args)
    lone_authority = factories.organisation(K.AUTHORITY, region="650000")
    lone = browser_for(app, factories.user(lone_authority, role=Role.AUTHORITY))
    db.session.commit()
    lone.get("/orgs/")
    with count_queries() as one:
        lone.get("/orgs/", query_string=args)
    assert many.count == one.count <= 8, many.statements
    with count_queries() as excel:
        browser.get("/orgs/export.xlsx", query_string=args)
    assert excel.count <= 6, excel.statements
