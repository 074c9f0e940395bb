"""The certificate queues sort and export: the alliance's holder requests and the evaluation
body's issued certificates keep their filters, sort by their columns, page with the filters
and the sort kept, and give exactly the filtered rows of every page in Excel, each within
the viewer's scope; bad input breaks nothing."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.extensions import db
from blueprints.certificates.services import request_change
from models import ScheduleItem, ScheduleKind
from tests import factories
from tests.functional.projects.helpers import browser_for

REQUESTS, ISSUED = "/certificates/requests", "/certificates/issued"
NAMES = ["上海恒泰机械有限公司", "深圳精工机械有限公司", "广州华瑞化工有限公司"]


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def certificates(app_ctx):
    """Three certificates of one body: its names, effective days and next evaluations differ."""
    parties = factories.Parties()
    staff = factories.alliance_staff()
    made = []
    for n, name in enumerate(NAMES):
        certificate = factories.certificate(parties, staff=staff)
        certificate.enterprise_name = name
        certificate.effective_on = date(2025, 1 + n, 1)
        surveillance = db.session.scalar(
            sa.select(ScheduleItem).where(
                ScheduleItem.certificate_id == certificate.id,
                ScheduleItem.kind == ScheduleKind.SURVEILLANCE_1,
            )
        )
        surveillance.due_on = date.today() + timedelta(days=(40, -3, 10)[n])
        made.append(certificate)
    foreign = factories.certificate(factories.Parties(), staff=staff)
    db.session.commit()
    return parties, staff, made, foreign


def issued(browser, **args) -> list[str]:
    html = browser.get(ISSUED, query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr")
    return [r.find_all("td")[1].get_text(strip=True) for r in rows if r.find("a")]


def test_issued_sorts_pages_and_exports_its_filtered_rows(app, certificates, monkeypatch):
    parties, _staff, made, foreign = certificates
    browser = browser_for(app, parties.evaluator)
    assert issued(browser) == NAMES[::-1]  # the latest effective first, as before
    assert issued(browser, sort="enterprise") == sorted(NAMES)
    assert issued(browser, sort="due") == [NAMES[1], NAMES[2], NAMES[0]]
    assert issued(browser, sort="-due") == [NAMES[0], NAMES[2], NAMES[1]]
    assert issued(browser, surveillance="overdue", sort="due") == [NAMES[1]]
    html = browser.get(ISSUED, query_string={"sort": "due"}).get_data(as_text=True)
    heading = BeautifulSoup(html, "html.parser").find("th", attrs={"aria-sort": True})
    assert heading["aria-sort"] == "ascending" and "sort=-due" in heading.a["href"]
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "机械", "sort": "due"}
    html = browser.get(ISSUED, query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "q=" in following["href"] and "sort=due" in following["href"]
    shown = [name for n in (1, 2, 3) for name in issued(browser, page=n, **args)]
    assert shown == [NAMES[1], NAMES[0]]
    rows = rows_of(browser.get(f"{ISSUED}.xlsx", query_string=args))
    assert rows[0][:2] == ("证书编号", "企业")
    assert [row[1] for row in rows[1:]] == shown
    overdue = rows[1]
    assert overdue[0] == made[1].number and overdue[-1] == "是"
    assert overdue[-2] == datetime.combine(date.today() - timedelta(days=3), datetime.min.time())
    everything = rows_of(browser.get(f"{ISSUED}.xlsx"))
    assert foreign.number not in {row[0] for row in everything} and len(everything) == 4


def test_requests_sort_pages_and_export_their_view(app, certificates, monkeypatch):
    parties, staff, made, _foreign = certificates
    for n, certificate in enumerate(made):
        kind = "cancel" if n == 1 else "reissue"
        extra = {"new_name": certificate.enterprise_name + "（更名）"} if kind == "reissue" else {}
        request_change(certificate, parties.enterprise, kind, f"理由{n}", **extra)
    db.session.commit()
    browser = browser_for(app, staff)

    def numbers(**args) -> list[str]:
        html = browser.get(REQUESTS, query_string=args).get_data(as_text=True)
        return re.findall(r'id="request-\d+".*?<code>([^<]+)</code>', html, re.S)

    by_asking = [c.number for c in made]
    assert numbers() == by_asking  # the longest waiting first, as before
    assert numbers(sort="-asked") == by_asking[::-1]
    assert numbers(sort="enterprise") == [
        c.number for c in sorted(made, key=lambda c: c.enterprise_name)
    ]
    # Kinds in their declared order: cancellations, then reissues (each the oldest first).
    assert numbers(sort="kind") == [made[1].number, made[0].number, made[2].number]
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "机械", "sort": "-asked"}
    html = browser.get(REQUESTS, query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "q=" in following["href"] and "sort=-asked" in following["href"]
    shown = [number for n in (1, 2, 3) for number in numbers(page=n, **args)]
    assert shown == [made[1].number, made[0].number]
    rows = rows_of(browser.get(f"{REQUESTS}.xlsx", query_string=args))
    assert [row[1] for row in rows[1:]] == shown
    assert rows[1][0] == "注销" and rows[1][4] == "理由1"
    assert rows_of(browser.get(f"{REQUESTS}.xlsx", query_string={"view": "decided"}))[1:] == []


def test_bad_input_and_scope(app, certificates):
    parties, staff, _made, _foreign = certificates
    alliance, body = browser_for(app, staff), browser_for(app, parties.evaluator)
    for args in (
        {"sort": "-" * 300},
        {"sort": "lock_version"},
        {"view": "forged", "sort": "-decided"},
        {"status": "forged", "surveillance": "forged"},
        {"q": "%_" * 300},
    ):
        for browser, url in ((alliance, REQUESTS), (body, ISSUED)):
            assert browser.get(url, query_string=args).status_code == 200, (url, args)
            assert browser.get(f"{url}.xlsx", query_string=args).status_code == 200, (url, args)
    assert body.get(f"{REQUESTS}.xlsx").status_code == 403
    assert alliance.get(f"{ISSUED}.xlsx").status_code == 403


def test_the_queues_cost_the_same_queries_for_one_row_or_many(app, certificates, count_queries):
    parties, _staff, _made, _foreign = certificates
    browser = browser_for(app, parties.evaluator)
    browser.get(ISSUED, query_string={"sort": "due"})
    with count_queries() as many:
        browser.get(ISSUED, query_string={"sort": "due"})
    lone = factories.Parties()
    factories.certificate(lone, staff=factories.alliance_staff())
    db.session.commit()
    lone_browser = browser_for(app, lone.evaluator)
    lone_browser.get(ISSUED, query_string={"sort": "due"})
    with count_queries() as one:
        lone_browser.get(ISSUED, query_string={"sort": "due"})
    assert many.count == one.count <= 8, many.statements
    with count_queries() as excel:
        browser.get(f"{ISSUED}.xlsx", query_string={"sort": "due"})
    assert excel.count <= 6, excel.statements
