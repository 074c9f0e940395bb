"""The roster list: the authority's region only, its filters, accounts, the Excel export."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import EnterpriseTag

from .helpers import account, authority, on_roster, read_xlsx, signed_in

T = EnterpriseTag


@pytest.fixture
def roster():
    """A Shanghai authority's roster (Pudong, Xuhui) and a row of Guangdong's."""
    city = authority("310000", locale="en")
    guangdong = authority("440000")
    made = {
        "pudong": on_roster(city, "310115", name="浦东精密机械有限公司", tags=(T.PILOT,)),
        "pudong2": on_roster(
            city, "310115", name="浦东云链科技有限公司", tags=(T.ABOVE_SCALE, T.SPECIALISED)
        ),
        "xuhui": on_roster(city, "310104", name="徐汇数字印刷有限公司", email="x@example.com"),
        "canton": on_roster(guangdong, "440106", name="广州穗联电子有限公司", tags=(T.PILOT,)),
    }
    account(made["pudong"].credit_code)
    return city, guangdong, made


def names(browser, **args) -> set[str]:
    response = browser.get("/roster/", query_string=args)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return {row.select("td")[0].get_text(strip=True) for row in soup.select("tbody tr") if row.code}


def test_the_list_holds_the_authoritys_region_only(client, roster):
    city, _guangdong, made = roster
    browser = signed_in(client, city)
    assert names(browser) == {
        made["pudong"].name,
        made["pudong2"].name,
        made["xuhui"].name,
    }


def test_a_district_sees_its_district_only(client, roster):
    _city, _guangdong, made = roster
    browser = signed_in(client, authority("310115"))
    assert names(browser) == {made["pudong"].name, made["pudong2"].name}


def test_the_filters(client, roster):
    city, _guangdong, made = roster
    browser = signed_in(client, city)
    assert names(browser, tag="pilot") == {made["pudong"].name}
    assert names(browser, tag="specialised") == {made["pudong2"].name}
    assert names(browser, region="310104") == {made["xuhui"].name}
    assert names(browser, region="3101") == {made["pudong"].name, made["pudong2"].name} | {
        made["xuhui"].name
    }
    assert names(browser, region="440106") == set()  # outside the region: nothing
    assert names(browser, q="精密") == {made["pudong"].name}
    assert names(browser, q=made["xuhui"].credit_code[:12]) == {made["xuhui"].name}
    assert names(browser, q="浦东", tag="above_scale") == {made["pudong2"].name}
    # What does not parse is ignored, as in every list.
    assert len(names(browser, tag="no_such_tag", region="31x")) == 3


def test_each_row_says_whether_the_enterprise_has_an_account(client, roster):
    city, _guangdong, made = roster
    browser = signed_in(client, city)
    soup = BeautifulSoup(browser.get("/roster/").get_data(as_text=True), "html.parser")
    cells = {
        row.select("td")[0].get_text(strip=True): row.select("td")[-1]
        for row in soup.select("tbody tr")
    }
    pudong, xuhui = cells[made["pudong"].name], cells[made["xuhui"].name]
    assert pudong.select_one(".badge").get_text(strip=True) == "Yes"
    assert xuhui.get_text(strip=True) == "No"
    # An enterprise with an account may be enrolled in a diagnosis programme from here.
    assert "/engagements/?credit_code=" in str(pudong.select_one("a"))
    assert xuhui.select_one("a") is None


def test_the_export_follows_the_filters(client, roster):
    city, _guangdong, made = roster
    browser = signed_in(client, city)
    response = browser.get("/roster/export.xlsx", query_string={"region": "310115"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    header, *rows = read_xlsx(response.data)
    assert header[0] == "Unified social credit code"
    by_code = {row[0]: row for row in rows}
    assert set(by_code) == {made["pudong"].credit_code, made["pudong2"].credit_code}
    pudong2 = by_code[made["pudong2"].credit_code]
    assert pudong2[1] == made["pudong2"].name
    assert pudong2[2] == "310115"
    assert "Above designated size" in pudong2[6] and "Specialised" in pudong2[6]
    assert by_code[made["pudong"].credit_code][8] == "Yes"
    assert pudong2[8] == "No"
    everything = read_xlsx(browser.get("/roster/export.xlsx").data)
    assert len(everything) == 4  # the header and Shanghai's three; never Guangdong's


def test_the_page_costs_the_same_queries_for_3_rows_as_for_30(app, client, count_queries):
    city = authority("310000")
    for n in range(3):
        on_roster(city, "310115", tags=(T.PILOT, T.ABOVE_SCALE), email=f"e{n}@example.com")
    browser = signed_in(client, city)
    db.session.commit()
    browser.get("/roster/")  # the process's copy of the region names is read once, here
    with count_queries() as few:
        assert browser.get("/roster/").status_code == 200
    for _ in range(27):
        item = on_roster(city, "310104", tags=(T.SPECIALISED,))
        account(item.credit_code, region="310104")
    db.session.commit()
    with count_queries() as many:
        page = browser.get("/roster/")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("<code>") == app.config["ITEMS_PER_PAGE"]
    assert many.count == few.count, many.statements
    with count_queries() as export:
        assert browser.get("/roster/export.xlsx").status_code == 200
    assert export.count <= few.count + 2, export.statements
