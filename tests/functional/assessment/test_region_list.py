"""An authority reads the self-assessments of its region: submitted ones only, filtered, in
Excel; nothing of another region."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.extensions import db
from models import EnterpriseTag, OrgKind
from tests import factories
from tests.functional.campaigns.province import TIANHE, build


@pytest.fixture
def gd(app_ctx):
    return build()


def names(browser, query: str = "") -> set[str]:
    page = browser.get("/assessments/region" + query).get_data(as_text=True)
    return {f"企业e{n}" for n in range(1, 8) if f"企业e{n}<" in page}


def test_the_province_reads_its_region_and_filters(gd, browser):
    browser.login(gd.province.email, factories.PASSWORD)
    # Drafts (e2, and e1's in round 2) stay with their enterprise.
    assert names(browser) == {"企业e1", "企业e3", "企业e4", "企业e5", "企业e6", "企业e7"}
    assert names(browser, f"?campaign={gd.round1.id}") == {"企业e1", "企业e3", "企业e4", "企业e5"}
    assert names(browser, "?status=returned") == {"企业e5"}
    assert names(browser, f"?region={TIANHE}") == {"企业e1", "企业e6"}
    assert names(browser, "?region=4401") == {"企业e1", "企业e6"}
    assert names(browser, "?q=企业e3") == {"企业e3"}
    tag = EnterpriseTag.ABOVE_SCALE.value
    assert names(browser, f"?tag={tag}&region=4406") == {"企业e3", "企业e4", "企业e5"}
    # What does not parse, or lies outside the region, is ignored.
    assert len(names(browser, "?region=31&status=forged&year=x&campaign=-1&tag=no")) == 6
    workbook = browser.get(f"/assessments/region.xlsx?campaign={gd.round1.id}")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    assert sheet.max_row == 5  # the header and four rows
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "企业e1",
        "企业e3",
        "企业e4",
        "企业e5",
    }


def test_a_city_reads_only_its_part_and_others_nothing(gd, browser):
    browser.login(gd.guangzhou.email, factories.PASSWORD)
    assert names(browser) == {"企业e1", "企业e6"}
    browser.logout()
    shanghai = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310000"))
    browser.login(shanghai.email, factories.PASSWORD)
    assert names(browser) == set()
    browser.logout()
    enterprise = factories.user(gd.enterprises["e1"])
    browser.login(enterprise.email, factories.PASSWORD)
    assert browser.get("/assessments/region").status_code == 403
    assert browser.get("/assessments/region.xlsx").status_code == 403


# Shanghai's round came last: its 20,000 assessments are the newest, so a list of Guangdong's
# read in the country's time order would pass over all of them first.
_SHANGHAI_ROUND = """
INSERT INTO assessments (organisation_id, year, questionnaire_id, questionnaire_version,
    status, answers, region_code, industry_code, stage, submitted_at, created_at, updated_at,
    lock_version)
SELECT :org, 1000 + g, 'discrete-2026', 1, 'approved', '{}', '310115', '34', 'basic',
       now() - make_interval(secs => g), now(), now(), 1
FROM generate_series(1, 20000) g
"""


def test_postgresql_reads_a_province_list_in_order_from_its_index(gd, app, browser):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    db.session.execute(sa.text(_SHANGHAI_ROUND), {"org": factories.organisation().id})
    db.session.execute(sa.text("ANALYZE assessments"))
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM assessments" in statement and "ORDER BY assessments.submitted_at" in statement:
            sent.append((statement, parameters))

    browser.login(gd.province.email, factories.PASSWORD)
    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        for query in ("", "?region=4406", f"?region={TIANHE}&status=approved"):
            assert browser.get("/assessments/region" + query).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    assert len(sent) == 3
    cursor = db.session.connection().connection.cursor()
    plans = []
    for statement, parameters in sent:
        cursor.execute("EXPLAIN " + statement, parameters)
        plans.append("\n".join(row[0] for row in cursor.fetchall()))
    # The province's own list in the index's order; a city or county filter may read its few
    # codes by range instead — never the whole country's time order.
    assert "Index Scan Backward using ix_assessments_province_submitted_at" in plans[0], plans[0]
    for plan in plans:
        assert "ix_assessments_submitted_at" not in plan, plan


def test_the_region_is_picked_by_name_and_sent_as_codes(gd, browser):
    browser.login(gd.province.email, factories.PASSWORD)
    page = BeautifulSoup(browser.get("/assessments/region").get_data(as_text=True), "html.parser")
    cities = {o["value"]: o.get_text() for o in page.select("#region-1 option") if o["value"]}
    assert cities["440100"] == "广州市" and cities["440600"] == "佛山市"
    assert not page.select("#region-2 option[value]:not([value=''])")  # filled once one is chosen
    # The picker sends a code per level: the deepest that nests is meant.
    assert names(browser, "?region=440100") == {"企业e1", "企业e6"}
    assert names(browser, f"?region=440100&region={TIANHE}") == {"企业e1", "企业e6"}
    assert names(browser, "?region=440600&region=440604") == {"企业e3", "企业e7"}
    assert names(browser, "?region=440600&region=440106") == {
        "企业e3",
        "企业e4",
        "企业e5",
        "企业e7",
    }
    chosen = BeautifulSoup(
        browser.get("/assessments/region?region=440600&region=440604").get_data(as_text=True),
        "html.parser",
    )
    assert chosen.select_one("#region-1 option[selected]")["value"] == "440600"
    assert chosen.select_one("#region-2 option[selected]")["value"] == "440604"
    assert len(chosen.select("#region-2 option")) > 2  # Foshan's districts, named


def test_the_region_list_sorts_by_its_columns(gd, browser):
    browser.login(gd.province.email, factories.PASSWORD)

    def order(sort: str) -> list[str]:
        html = browser.get(f"/assessments/region?sort={sort}").get_data(as_text=True)
        return [a.get_text() for a in BeautifulSoup(html, "html.parser").select("tbody td a")]

    assert order("enterprise") == sorted(order("enterprise"))
    assert order("-enterprise") == order("enterprise")[::-1]
    html = browser.get("/assessments/region?sort=-enterprise&status=approved").get_data(
        as_text=True
    )
    heading = BeautifulSoup(html, "html.parser").find("th", attrs={"aria-sort": True})
    assert heading["aria-sort"] == "descending" and "sort=enterprise" in heading.a["href"]
    assert "status=approved" in heading.a["href"]
    assert browser.get("/assessments/region?sort=forged").status_code == 200
    workbook = browser.get("/assessments/region.xlsx?sort=-enterprise")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == order("-enterprise")
