"""The enterprise's SME digital level evaluations: searched by number or by who made them,
filtered by grade and the day evaluated, sorted by their columns, paged with the filters kept,
and in Excel with exactly the filtered rows of every page — the enterprise's own only; bad
input breaks nothing."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from blueprints.diagnosis import sme_level
from blueprints.diagnosis.services import record_self_evaluation
from models import OrgKind
from tests import factories
from tests.functional.projects.helpers import browser_for

TABLE = sme_level.table()
LIST, EXCEL = "/diagnosis/sme-level", "/diagnosis/sme-level.xlsx"


def made(user, total: float, at_level: int, constrained: int, guiding: int, on: datetime):
    """An evaluation of ``total`` points with ``constrained`` constrained and ``guiding``
    guiding scenarios at ``at_level``, recorded by ``user`` on ``on``."""
    indicators = [i.key for i in TABLE.indicators]
    points = dict.fromkeys(indicators, 0.0)
    points[indicators[0]] = total
    chosen = [s.key for s in TABLE.scenarios if s.constrained][:constrained] + [
        s.key for s in TABLE.scenarios if not s.constrained
    ][:guiding]
    levels = {s.key: at_level if s.key in chosen else 0 for s in TABLE.scenarios}
    evaluation = record_self_evaluation(user, points, levels)
    evaluation.created_at = on
    return evaluation


class World:
    pass


@pytest.fixture
def world(app_ctx):
    w = World()
    org = factories.organisation(OrgKind.ENTERPRISE, region="220102")
    w.zhang = factories.user(org, name="张三")
    w.li = factories.user(org, name="李四")
    made(w.zhang, 15, 0, 0, 0, datetime(2025, 6, 1, 4))  # no grade
    made(w.li, 45, 2, 3, 3, datetime(2026, 1, 10, 4))  # grade 2
    made(w.zhang, 30, 1, 3, 3, datetime(2026, 3, 1, 4))  # grade 1
    made(w.li, 65, 3, 5, 3, datetime(2026, 5, 1, 4))  # grade 3
    w.other = factories.user(factories.organisation(OrgKind.ENTERPRISE, region="220102"))
    made(w.other, 85, 4, 6, 4, datetime(2026, 2, 1, 4))  # never on the first's list
    db.session.commit()
    return w


def listed(browser, **args) -> list[tuple[int, str, str]]:
    """(number, grade, made by) of each row shown."""
    html = browser.get(LIST, query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("#evaluations tbody tr[data-evaluation]")
    return [
        (int(tds[0].get_text(strip=True)), tds[3].get_text(strip=True), tds[4].get_text(strip=True))
        for tds in (row.find_all("td") for row in rows)
    ]


def numbers(browser, **args) -> list[int]:
    return [n for n, _g, _b in listed(browser, **args)]


def excel(browser, **args) -> list[tuple]:
    response = browser.get(EXCEL, query_string=args)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return list(sheet.iter_rows(values_only=True))


BAD = (
    {"grade": "forged"},
    {"grade": "9"},
    {"q": "9" * 40},
    {"since": "2026-13-45"},
    {"until": "99999-01-01"},
    {"sort": "-" + "x" * 500},
    {"q": "%_" * 200},
    {"page": "99999999999"},
)


def test_searched_and_filtered(app, world):
    browser = browser_for(app, world.zhang)
    assert numbers(browser) == [4, 3, 2, 1]  # the newest first; not the other's
    assert numbers(browser, q="李四") == [4, 2]
    assert numbers(browser, q="3") == [3]  # by its number
    assert numbers(browser, q="#2") == [2]
    assert numbers(browser, grade="2") == [2]
    assert numbers(browser, grade="0") == [1]
    assert numbers(browser, since="2026-01-01", until="2026-03-31") == [3, 2]
    assert numbers(browser, q="张三", since="2026-01-01") == [3]
    # The card of the latest evaluation stays whatever the filters.
    html = browser.get(LIST, query_string={"grade": "0"}).get_data(as_text=True)
    assert "三级" in BeautifulSoup(html, "html.parser").select_one("#latest-title").parent.text
    for args in BAD:
        assert browser.get(LIST, query_string=args).status_code == 200, args
        assert browser.get(EXCEL, query_string=args).status_code == 200, args


def test_sorted_by_its_columns_and_paged_with_the_filters(app, world, monkeypatch):
    browser = browser_for(app, world.zhang)
    assert numbers(browser, sort="number") == [1, 2, 3, 4]
    assert numbers(browser, sort="-points") == [4, 2, 3, 1]
    assert numbers(browser, sort="grade") == [1, 3, 2, 4]
    assert numbers(browser, sort="by") == numbers(browser, sort="-by")[::-1]
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"since": "2026-01-01", "sort": "points"}
    html = browser.get(LIST, query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "since=2026-01-01" in following["href"] and "sort=points" in following["href"]
    assert [numbers(browser, page=n, **args) for n in (1, 2, 3)] == [[3], [2], [4]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    browser = browser_for(app, world.li)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"since": "2025-01-01", "until": "2026-04-30", "sort": "-grade"}
    shown = [row for n in (1, 2, 3, 4) for row in listed(browser, page=n, **args)]
    assert [n for n, _g, _b in shown] == [2, 3, 1]
    rows = excel(browser, **args)
    assert rows[0][:4] == ("编号", "日期", "得分", "等级")
    assert [(row[0], row[3], row[5]) for row in rows[1:]] == shown
    assert [row[2] for row in rows[1:]] == [45, 30, 15]


def test_another_enterprise_s_evaluations_stay_theirs(app, world):
    browser = browser_for(app, world.other)
    assert numbers(browser) == [1]
    assert [row[2] for row in excel(browser)[1:]] == [85]
    assert numbers(browser, q="张三") == []
    authority = factories.user(factories.organisation(OrgKind.AUTHORITY, region="220100"))
    db.session.commit()
    assert browser_for(app, authority).get(EXCEL).status_code == 403


def test_the_list_costs_the_same_queries_for_one_evaluation_or_many(app, world, count_queries):
    browser = browser_for(app, world.zhang)
    browser.get(LIST)
    with count_queries() as many:
        browser.get(LIST, query_string={"sort": "points"})
    with count_queries() as one:
        browser.get(LIST, query_string={"sort": "points", "grade": "3"})
    assert many.count == one.count, many.statements
    with count_queries() as workbook:
        browser.get(EXCEL)
    assert workbook.count <= 6, workbook.statements
