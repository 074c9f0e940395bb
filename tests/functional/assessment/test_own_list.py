"""An enterprise's own self-assessments: searched by campaign title, filtered by year and
status, sorted by its columns, paged with the filters kept, and in Excel with exactly the
filtered rows of every page — only its own; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import TOTAL_KEY, AssessmentStatus, Campaign, OrgKind, Role
from tests import factories
from tests.functional.projects.helpers import browser_for

S = AssessmentStatus
# Year → (campaign title or None, status, total, submitted).
MADE = {
    2022: (None, S.APPROVED, 55.0, datetime(2022, 6, 1, 4)),
    2023: ("2023年上海市两化融合评估", S.APPROVED, 61.0, datetime(2023, 6, 1, 4)),
    2024: ("2024年上海市两化融合评估", S.RETURNED, 48.5, datetime(2024, 6, 1, 4)),
    2025: (None, S.AWAITING_CITY, 70.0, datetime(2025, 6, 1, 4)),
}


@pytest.fixture
def world(app_ctx):
    authority = factories.organisation(OrgKind.AUTHORITY, region="310000", name="上海市经信委")
    official = factories.user(authority, role=Role.AUTHORITY)
    org = factories.organisation(region="310115", name="上海精工机械有限公司")
    member = factories.user(org)
    for year, (title, status, total, submitted) in MADE.items():
        campaign = None
        if title:
            campaign = Campaign(
                authority_id=authority.id,
                region_code="310000",
                year=year,
                round=1,
                title=title,
                opens_on=date(year, 5, 1),
                closes_on=date(year, 6, 30),
                report_due_on=date(year, 7, 31),
                created_by_id=official.id,
            )
            db.session.add(campaign)
        a = factories.assessment(
            org, year=year, status=status, scores={TOTAL_KEY: total}, campaign=campaign
        )
        a.submitted_at = submitted
    # Another enterprise's: never on this list.
    factories.assessment(factories.organisation(name="别的企业"), year=2023)
    db.session.commit()
    return member


def listed(browser, **args) -> list[int]:
    html = browser.get("/assessments/", query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr td:first-child")
    return [int(row.get_text(strip=True)) for row in rows if row.get_text(strip=True).isdigit()]


def test_search_and_filters(app, world):
    browser = browser_for(app, world)
    assert listed(browser) == [2025, 2024, 2023, 2022]  # the newest first
    assert listed(browser, q="两化融合") == [2024, 2023]
    assert listed(browser, year="2023") == [2023]
    assert listed(browser, status="approved") == [2023, 2022]
    assert listed(browser, status="approved", q="2023年") == [2023]
    html = browser.get("/assessments/", query_string={"q": "无此活动"}).get_data(as_text=True)
    assert "没有符合条件的自评估" in html
    for args in (
        {"status": "forged"},
        {"year": "99999999999999"},
        {"year": "abc"},
        {"sort": "-" + "x" * 500},
        {"q": "%_" * 200},
        {"page": "99999999999"},
    ):
        assert browser.get("/assessments/", query_string=args).status_code == 200, args
        xlsx = browser.get("/assessments/export.xlsx", query_string=args)
        assert xlsx.status_code == 200, args


def test_sorted_by_its_columns_and_paged_with_the_filters(app, world, monkeypatch):
    browser = browser_for(app, world)
    assert listed(browser, sort="year") == [2022, 2023, 2024, 2025]
    assert listed(browser, sort="-total") == [2025, 2023, 2022, 2024]
    assert listed(browser, sort="campaign")[2:] == [2023, 2024]  # own ones first
    assert listed(browser, sort="status")[0] == 2025  # awaiting before returned, approved
    assert listed(browser, sort="-submitted") == [2025, 2024, 2023, 2022]
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"status": "approved", "sort": "year"}
    html = browser.get("/assessments/", query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "status=approved" in following["href"] and "sort=year" in following["href"]
    assert [listed(browser, page=n, **args) for n in (1, 2)] == [[2022], [2023]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    browser = browser_for(app, world)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"sort": "-total"}
    shown = [year for n in (1, 2, 3, 4, 5) for year in listed(browser, page=n, **args)]
    response = browser.get("/assessments/export.xlsx", query_string=args)
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert rows[0][:4] == ("年度", "评估工作", "状态", "总分")
    assert [row[0] for row in rows[1:]] == shown == [2025, 2023, 2022, 2024]
    line = next(row for row in rows if row[0] == 2023)
    assert line[1] == "2023年上海市两化融合评估" and line[2] == "已通过" and line[3] == 61.0
    own = next(row for row in rows if row[0] == 2022)
    assert own[1] == "企业自评"
    filtered = browser.get("/assessments/export.xlsx", query_string={"q": "两化融合"})
    sheet = openpyxl.load_workbook(io.BytesIO(filtered.data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [2024, 2023]


def test_only_an_enterprise_has_the_list(app, world):
    official = factories.user(
        factories.organisation(OrgKind.AUTHORITY, region="440000"), role=Role.AUTHORITY
    )
    db.session.commit()
    assert browser_for(app, official).get("/assessments/export.xlsx").status_code == 403
    assert app.test_client().get("/assessments/export.xlsx").status_code in (302, 401)


def test_the_list_costs_the_same_queries_for_one_assessment_or_many(app, world, count_queries):
    browser = browser_for(app, world)
    browser.get("/assessments/")
    args = {"q": "评估", "sort": "campaign"}
    with count_queries() as many:
        browser.get("/assessments/", query_string=args)
    lone_org = factories.organisation(region="310115")
    factories.assessment(lone_org, year=2025)
    lone = browser_for(app, factories.user(lone_org))
    db.session.commit()
    lone.get("/assessments/")
    with count_queries() as one:
        lone.get("/assessments/", query_string=args)
    assert many.count == one.count, many.statements
    with count_queries() as excel:
        browser.get("/assessments/export.xlsx", query_string=args)
    assert excel.count <= 6, excel.statements
