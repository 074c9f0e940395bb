"""Benchmark enterprises: an authority names an approved enterprise of its region; the reports
of the same year, industry and province name it; the enterprise is told."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from models import AssessmentStatus, BenchmarkEnterprise, Notification, OrgKind
from tests import factories

S = AssessmentStatus


@pytest.fixture
def province(app_ctx):
    return factories.user(factories.organisation(OrgKind.AUTHORITY, region="440000"))


def approved(region: str, industry: str = "34", name: str = ""):
    org = factories.organisation(
        region=region, industry_code=industry, **({"name": name} if name else {})
    )
    reader = factories.user(org, is_org_admin=True)
    return factories.assessment(org, status=S.APPROVED, scores={"total": 70.0}), reader


def name_it(browser, item, note="数字化车间示范"):
    page = f"/assessments/{item.id}"
    return browser.submit(page, {"note": note}, action=f"{page}/benchmark")


def test_a_benchmark_is_named_in_the_reports_of_its_industry_and_province(province, browser):
    example, example_reader = approved("440106", name="广州标杆装备有限公司")
    peer, peer_reader = approved("440604")
    other_industry, other_reader = approved("440604", industry="26")
    browser.login(province.email, factories.PASSWORD)
    assert name_it(browser, example).status_code == 302
    mark = db.session.scalar(sa.select(BenchmarkEnterprise))
    assert (mark.industry_code, mark.note) == ("34", "数字化车间示范")
    # The enterprise named is told.
    assert db.session.scalar(
        sa.select(Notification).where(Notification.user_id == example_reader.id)
    )
    browser.logout()

    browser.login(peer_reader.email, factories.PASSWORD)
    report = browser.get(f"/assessments/{peer.id}").get_data(as_text=True)
    assert "广州标杆装备有限公司" in report and "数字化车间示范" in report
    workbook = browser.get(f"/assessments/{peer.id}/report.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    listed = [row[0] for ws in book.worksheets for row in ws.iter_rows(values_only=True)]
    assert "广州标杆装备有限公司" in listed  # a sheet of their own
    browser.logout()

    browser.login(other_reader.email, factories.PASSWORD)
    assert "广州标杆装备有限公司" not in browser.get(f"/assessments/{other_industry.id}").get_data(
        as_text=True
    )
    browser.logout()
    browser.login(example_reader.email, factories.PASSWORD)
    own = browser.get(f"/assessments/{example.id}").get_data(as_text=True)
    assert 'id="benchmarks"' not in own  # itself left out


def test_the_rules_of_naming(province, browser):
    waiting = factories.assessment(
        factories.organisation(region="440106", industry_code="34"), status=S.AWAITING_CITY
    )
    elsewhere, _reader = approved("310115")
    example, reader = approved("440106")
    browser.login(province.email, factories.PASSWORD)
    assert name_it(browser, waiting).status_code == 409  # not approved yet
    assert name_it(browser, elsewhere).status_code == 404  # not its region
    assert name_it(browser, example).status_code == 302
    assert name_it(browser, example).status_code == 409  # once
    assert name_it(browser, example, note="长" * 501).status_code in (409, 422)
    page = f"/assessments/{example.id}"
    assert browser.submit(page, {}, action=f"{page}/benchmark/withdraw").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BenchmarkEnterprise)) == 0
    browser.logout()
    browser.login(reader.email, factories.PASSWORD)
    assert name_it(browser, example).status_code == 403


def test_the_statistics_list_the_region_benchmarks(province, browser):
    example, _reader = approved("440106", name="广州标杆装备有限公司")
    browser.login(province.email, factories.PASSWORD)
    name_it(browser, example)
    assert "广州标杆装备有限公司" in browser.get("/statistics/").get_data(as_text=True)
