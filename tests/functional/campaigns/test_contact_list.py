"""The contact persons of the authorities below: searched by authority (pinyin initials too),
person, telephone or email, filtered by role, region and the day last updated, sorted by their
columns, paged with the filters kept, and in Excel with exactly the filtered rows of every page
— only the authorities inside the viewer's region; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import AuthorityContact, ContactRole, OrgKind
from tests import factories
from tests.functional.projects.helpers import browser_for

R = ContactRole
# Person → (authority's region, role, mobile, updated (UTC)).
MADE = {
    "高亚华": ("440100", R.LEAD, "13800000001", datetime(2026, 3, 1, 2)),
    "李联络": ("440100", R.LIAISON, "13800000002", datetime(2026, 3, 5, 2)),
    "陈管理": ("440300", R.PLATFORM_ADMIN, "13900000003", datetime(2026, 4, 1, 2)),
    "黄区长": ("440106", R.LEAD, "13900000004", datetime(2026, 4, 2, 2)),
}
NAMES = {
    "440100": "广州市工业和信息化局",
    "440300": "深圳市工业和信息化局",
    "440106": "天河区科技工业和信息化局",
    "310000": "上海市经济和信息化委员会",
}


@pytest.fixture
def world(app_ctx):
    province = factories.user(
        factories.organisation(OrgKind.AUTHORITY, region="440000", name="广东省工业和信息化厅")
    )
    authorities = {
        region: factories.organisation(OrgKind.AUTHORITY, region=region, name=name)
        for region, name in NAMES.items()
    }
    for person, (region, role, mobile, updated) in MADE.items():
        db.session.add(
            AuthorityContact(
                authority_id=authorities[region].id,
                role=role,
                name=person,
                mobile=mobile,
                email=f"{mobile}@example.com",
                updated_at=updated,
            )
        )
    # The province's own people and another province's: never on this list.
    for authority, person in (
        (province.organisation, "省负责人"),
        (authorities["310000"], "沪负责人"),
    ):
        db.session.add(AuthorityContact(authority_id=authority.id, role=R.LEAD, name=person))
    db.session.commit()
    return province, authorities


def listed(browser, **args) -> list[str]:
    """The person of each row shown."""
    response = browser.get("/campaigns/contacts", query_string=args)
    assert response.status_code == 200
    rows = BeautifulSoup(response.get_data(as_text=True), "html.parser").select(
        "#contacts tbody tr"
    )
    return [
        row.select("td")[3].get_text(strip=True) for row in rows if row.has_attr("data-contact")
    ]


def test_search_and_filters(app, world):
    browser = browser_for(app, world[0])
    # By region (the tree), each authority's people in the annex's order.
    assert listed(browser) == ["高亚华", "李联络", "黄区长", "陈管理"]
    assert listed(browser, q="深圳") == ["陈管理"]
    assert listed(browser, q="szs") == ["陈管理"]  # the authority's pinyin initials
    assert listed(browser, q="李联") == ["李联络"]
    assert listed(browser, q="13900000004") == ["黄区长"]
    assert listed(browser, q="0001@example") == ["高亚华"]
    assert listed(browser, role="lead") == ["高亚华", "黄区长"]
    assert listed(browser, region="4401") == ["高亚华", "李联络", "黄区长"]
    assert listed(browser, region="天河") == ["黄区长"]
    assert listed(browser, region="上海") == []  # outside the region: nothing
    assert listed(browser, since="2026-03-05") == ["李联络", "黄区长", "陈管理"]
    assert listed(browser, since="2026-03-02", until="2026-04-01") == ["李联络", "陈管理"]
    assert listed(browser, role="liaison", region="4403") == []
    for args in (
        {"role": "forged"},
        {"region": "4"},
        {"since": "2026-13-45"},
        {"until": "99999-01-01"},
        {"sort": "-" + "x" * 500},
        {"q": "%_\\" * 30},
        {"page": "99999999999"},
    ):
        assert browser.get("/campaigns/contacts", query_string=args).status_code == 200, args
        assert browser.get("/campaigns/contacts.xlsx", query_string=args).status_code == 200, args
    assert len(listed(browser, role="forged", since="x")) == 4


def test_sorted_by_their_columns_and_paged_with_the_filters(app, world, monkeypatch):
    browser = browser_for(app, world[0])
    assert listed(browser, sort="role") == ["高亚华", "黄区长", "李联络", "陈管理"]
    assert listed(browser, sort="-updated") == ["黄区长", "陈管理", "李联络", "高亚华"]
    assert listed(browser, sort="-region")[0] == "陈管理"
    assert listed(browser, sort="authority") == ["黄区长", "高亚华", "李联络", "陈管理"]  # 天 广 深
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"region": "4401", "sort": "updated"}
    html = browser.get("/campaigns/contacts", query_string=args).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    following = soup.select_one(".pagination a[href*='page=2']")
    assert "region=4401" in following["href"] and "sort=updated" in following["href"]
    heading = soup.select_one("th a.sort-link[href*='sort=-updated']")
    assert heading is not None and "region=4401" in heading["href"]
    pages = [listed(browser, page=n, **args) for n in (1, 2, 3)]
    assert pages == [["高亚华"], ["李联络"], ["黄区长"]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    browser = browser_for(app, world[0])
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "工业", "role": "lead", "sort": "-name"}
    shown = [person for n in (1, 2, 3) for person in listed(browser, page=n, **args)]
    response = browser.get("/campaigns/contacts.xlsx", query_string=args)
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert (rows[0][0], rows[0][3], rows[0][4]) == ("主管部门", "角色", "姓名")
    assert [row[4] for row in rows[1:]] == shown and len(shown) == 2
    assert {(row[0], row[1], row[8]) for row in rows[1:]} == {
        ("广州市工业和信息化局", "440100", "13800000001"),
        ("天河区科技工业和信息化局", "440106", "13900000004"),
    }


def test_a_city_reads_only_the_districts_below_it(app, world):
    _province, authorities = world
    city = factories.user(authorities["440100"])
    db.session.commit()
    browser = browser_for(app, city)
    assert listed(browser) == ["黄区长"]
    response = browser.get("/campaigns/contacts.xlsx")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert [row[4] for row in rows[1:]] == ["黄区长"]


def test_the_list_costs_the_same_queries_for_one_contact_or_many(app, world, count_queries):
    browser = browser_for(app, world[0])
    browser.get("/campaigns/contacts")  # the process's copy of the region names is read once
    args = {"q": "工业", "sort": "role"}
    with count_queries() as one:
        browser.get("/campaigns/contacts", query_string={**args, "region": "4403"})
    for n in range(20):
        district = factories.organisation(
            OrgKind.AUTHORITY, region="440104", name=f"越秀区工业和信息化局{n}"
        )
        db.session.add(AuthorityContact(authority_id=district.id, role=R.LEAD, name=f"区{n}"))
    db.session.commit()
    with count_queries() as many:
        browser.get("/campaigns/contacts", query_string=args)
    assert many.count == one.count, many.statements
    with count_queries() as excel:
        assert browser.get("/campaigns/contacts.xlsx", query_string=args).status_code == 200
    assert excel.count <= one.count, excel.statements
