"""An authority's decided reviews: its own decisions only, searched by enterprise name or
credit code (pinyin initials too), filtered by decision, year, region and the day decided,
sorted by its columns, paged with the filters kept, and in Excel with exactly the filtered rows
of every page; another authority's decisions never shown; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import AssessmentAction, AssessmentEvent, AssessmentStatus, OrgKind
from tests import factories
from tests.functional.projects.helpers import browser_for

HISTORY = "/dashboard/reviews"
EXCEL = "/dashboard/reviews.xlsx"
A = AssessmentAction


def decided(
    authority,
    name: str,
    year: int,
    action: AssessmentAction,
    comment: str = "",
    *,
    region: str = "310115",
    on: datetime | None = None,
):
    org = factories.organisation(region=region, name=name)
    assessment = factories.assessment(org, year=year, status=AssessmentStatus.APPROVED)
    event = AssessmentEvent(
        assessment_id=assessment.id,
        action=action,
        from_status=AssessmentStatus.AWAITING_CITY,
        to_status=AssessmentStatus.APPROVED,
        actor_id=authority.id,
        comment=comment,
    )
    if on is not None:
        event.created_at = on
    db.session.add(event)
    db.session.flush()
    return org


class World:
    pass


@pytest.fixture
def world(app_ctx):
    w = World()
    city = factories.organisation(OrgKind.AUTHORITY, region="310000")
    w.official = factories.user(city, name="张审核")
    w.colleague = factories.user(city, name="李审核")
    w.pudong = decided(
        w.official,
        "浦东智能制造有限公司",
        2026,
        A.APPROVE_CITY,
        region="310115",
        on=datetime(2026, 3, 1, 4),
    )
    decided(
        w.colleague,
        "松江新材料有限公司",
        2025,
        A.RETURN,
        "请补充数据",
        region="310117",
        on=datetime(2025, 11, 1, 4),
    )
    decided(
        w.official,
        "徐汇精工机械有限公司",
        2026,
        A.RETURN,
        "数据不全",
        region="310104",
        on=datetime(2026, 5, 1, 4),
    )
    district = factories.organisation(OrgKind.AUTHORITY, region="310115")
    w.district = factories.user(district)
    decided(w.district, "别处审核的企业", 2026, A.APPROVE_DISTRICT, on=datetime(2026, 4, 1, 4))
    db.session.commit()
    return w


def listed(browser, **args) -> list[tuple[str, str]]:
    """(enterprise, decision) of each row shown."""
    html = browser.get(HISTORY, query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("#reviews tbody tr[data-event]")
    return [
        (tds[1].get_text(strip=True), tds[3].get_text(strip=True))
        for tds in (row.find_all("td") for row in rows)
    ]


def names(browser, **args) -> list[str]:
    return [name for name, _d in listed(browser, **args)]


def excel(browser, **args) -> list[tuple]:
    response = browser.get(EXCEL, query_string=args)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return list(sheet.iter_rows(values_only=True))


BAD = (
    {"decision": "forged"},
    {"year": "二〇二六"},
    {"year": "99999999999999"},
    {"region": "不存在的地方"},
    {"region": "123"},
    {"since": "2026-13-45"},
    {"until": "99999-01-01"},
    {"sort": "-" + "x" * 500},
    {"q": "%_" * 200},
    {"page": "99999999999"},
)


def test_the_history_lists_the_organisations_decisions(app, world):
    page = browser_for(app, world.official).get(HISTORY).get_data(as_text=True)
    assert "浦东智能制造有限公司" in page and "松江新材料有限公司" in page  # a colleague's too
    assert "请补充数据" in page
    assert "别处审核的企业" not in page  # another authority's decision
    assert names(browser_for(app, world.district)) == ["别处审核的企业"]


def test_searched_and_filtered(app, world):
    browser = browser_for(app, world.official)
    assert names(browser) == [
        "徐汇精工机械有限公司",
        "浦东智能制造有限公司",
        "松江新材料有限公司",
    ]  # the newest first
    assert names(browser, q="精工") == ["徐汇精工机械有限公司"]
    assert names(browser, q="pdzn") == ["浦东智能制造有限公司"]  # pinyin initials
    code = world.pudong.credit_code
    assert names(browser, q=code[:10]) == ["浦东智能制造有限公司"]
    assert names(browser, decision="return") == ["徐汇精工机械有限公司", "松江新材料有限公司"]
    assert names(browser, decision="approve") == ["浦东智能制造有限公司"]
    assert names(browser, year="2025") == ["松江新材料有限公司"]
    assert names(browser, region="310104") == ["徐汇精工机械有限公司"]
    assert names(browser, region="浦东") == ["浦东智能制造有限公司"]
    assert names(browser, since="2026-02-01", until="2026-04-30") == ["浦东智能制造有限公司"]
    assert names(browser, q="别处") == []
    for args in BAD:
        assert browser.get(HISTORY, query_string=args).status_code == 200, args
        assert browser.get(EXCEL, query_string=args).status_code == 200, args


def test_sorted_by_its_columns_and_paged_with_the_filters(app, world, monkeypatch):
    browser = browser_for(app, world.official)
    assert names(browser, sort="decided")[0] == "松江新材料有限公司"
    assert names(browser, sort="enterprise") == names(browser, sort="-enterprise")[::-1]
    assert names(browser, sort="year")[0] == "松江新材料有限公司"
    by_official = names(browser, sort="by")
    assert by_official == names(browser, sort="-by")[::-1]
    assert by_official[1] != "松江新材料有限公司"  # the colleague's decision not between
    assert [d for _n, d in listed(browser, sort="decision")][-1] == "已退回修改"
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"year": "2026", "sort": "decided"}
    html = browser.get(HISTORY, query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "year=2026" in following["href"] and "sort=decided" in following["href"]
    pages = [names(browser, page=n, **args) for n in (1, 2)]
    assert pages == [["浦东智能制造有限公司"], ["徐汇精工机械有限公司"]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    browser = browser_for(app, world.official)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "有限公司", "since": "2025-01-01", "sort": "-enterprise"}
    shown = [row for n in (1, 2, 3, 4) for row in listed(browser, page=n, **args)]
    assert len(shown) == 3
    rows = excel(browser, **args)
    assert rows[0][:3] == ("已处理", "企业", "统一社会信用代码")
    assert [(row[1], row[5]) for row in rows[1:]] == shown
    assert "请补充数据" in [row[7] for row in rows[1:]]
    # Another authority's Excel holds only its own.
    assert [row[1] for row in excel(browser_for(app, world.district))[1:]] == ["别处审核的企业"]


def test_only_a_reviewer_has_the_list(app, world):
    enterprise = factories.user(factories.organisation())
    db.session.commit()
    assert browser_for(app, enterprise).get(HISTORY).status_code == 403
    assert browser_for(app, enterprise).get(EXCEL).status_code == 403
    assert app.test_client().get(EXCEL).status_code in (302, 401)


def test_the_list_costs_the_same_queries_for_one_decision_or_many(app, world, count_queries):
    browser = browser_for(app, world.official)
    for n in range(30):
        decided(world.official, f"批量企业{n:02d}", 2026, A.APPROVE_CITY)
    db.session.commit()
    browser.get(HISTORY)
    args = {"q": "有限", "sort": "enterprise"}
    with count_queries() as many:
        browser.get(HISTORY, query_string={"sort": "enterprise"})
    with count_queries() as one:
        browser.get(HISTORY, query_string={**args, "q": "精工"})
    assert many.count == one.count, many.statements
    with count_queries() as workbook:
        browser.get(EXCEL)
    assert workbook.count <= 6, workbook.statements
