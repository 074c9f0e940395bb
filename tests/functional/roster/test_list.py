"""The roster list: the authority's region only, its filters (name or code, tag, region,
account, the day imported), its sort, pages that keep the filters, accounts, and the Excel with
exactly the filtered rows of every page; bad input breaks nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from bs4 import BeautifulSoup

from app import list_exports
from app.extensions import db
from blueprints.exports import jobs
from models import EnterpriseTag, ExportJob, ExportStatus

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


def shown(browser, **args) -> list[str]:
    """The names of the rows shown, in their order."""
    response = browser.get("/roster/", query_string=args)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [row.select("td")[0].get_text(strip=True) for row in soup.select("tbody tr") if row.code]


def names(browser, **args) -> set[str]:
    return set(shown(browser, **args))


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
    # A region by name, or by a code with its zero pairs; what does not parse is ignored, as
    # in every list, but a region that is none shows nothing, said beside the box.
    assert names(browser, region="浦东") == {made["pudong"].name, made["pudong2"].name}
    assert len(names(browser, region="310000")) == 3
    assert len(names(browser, tag="no_such_tag")) == 3
    page = browser.get("/roster/", query_string={"region": "31x"}).get_data(as_text=True)
    assert names(browser, region="31x") == set() and "invalid-feedback" in page


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
    # Filtered and sorted: the page's queries are as many.
    args = {"q": "名录", "tag": "specialised", "account": "yes", "sort": "-account"}
    with count_queries() as filtered:
        assert browser.get("/roster/", query_string=args).status_code == 200
    assert filtered.count <= few.count, filtered.statements


def test_the_account_and_import_day_filters(client, roster):
    city, _guangdong, made = roster
    made["xuhui"].updated_at = datetime(2026, 5, 1, 2)
    made["pudong2"].updated_at = datetime(2026, 4, 1, 2)
    made["pudong"].updated_at = datetime(2026, 3, 1, 2)
    db.session.commit()
    browser = signed_in(client, city)
    assert names(browser, account="yes") == {made["pudong"].name}
    assert names(browser, account="no") == {made["pudong2"].name, made["xuhui"].name}
    assert names(browser, since="2026-04-01") == {made["pudong2"].name, made["xuhui"].name}
    assert names(browser, since="2026-03-02", until="2026-04-30") == {made["pudong2"].name}
    assert names(browser, account="no", tag="pilot") == set()
    for args in (
        {"account": "forged"},
        {"since": "2026-13-45"},
        {"until": "99999-01-01"},
        {"region": "３１"},  # full-width digits: read as 31
        {"sort": "-" + "x" * 500},
        {"q": "%_\\" * 30},
        {"page": "99999999999"},
    ):
        assert browser.get("/roster/", query_string=args).status_code == 200, args
        assert browser.get("/roster/export.xlsx", query_string=args).status_code == 200, args
    assert len(names(browser, account="forged", since="x", region="３１")) == 3


def test_sorted_by_its_columns_and_paged_with_the_filters(app, client, roster, monkeypatch):
    city, _guangdong, made = roster
    made["xuhui"].updated_at = datetime(2026, 3, 1, 2)
    db.session.commit()
    browser = signed_in(client, city)
    by_region = shown(browser, sort="region")
    assert by_region[0] == made["xuhui"].name  # 310104 before 310115
    assert shown(browser, sort="-region")[-1] == made["xuhui"].name
    assert shown(browser, sort="-account")[0] == made["pudong"].name  # the one with an account
    assert shown(browser, sort="imported")[0] == made["xuhui"].name
    codes = sorted((item.credit_code, item.name) for key, item in made.items() if key != "canton")
    assert shown(browser, sort="-code") == [name for _code, name in reversed(codes)]
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"region": "310115", "sort": "-name"}
    html = browser.get("/roster/", query_string=args).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    following = soup.select_one(".pagination a[href*='page=2']")
    assert "region=310115" in following["href"] and "sort=-name" in following["href"]
    heading = soup.select_one("th a.sort-link[href*='sort=code']")
    assert heading is not None and "region=310115" in heading["href"]
    pages = [shown(browser, page=n, **args) for n in (1, 2)]
    assert sorted(pages, reverse=True) == pages and {p[0] for p in pages} == {
        made["pudong"].name,
        made["pudong2"].name,
    }


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, client, roster, monkeypatch):
    city, _guangdong, _made = roster
    browser = signed_in(client, city)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "有限公司", "account": "no", "sort": "-code"}
    listed = [name for n in (1, 2, 3) for name in shown(browser, page=n, **args)]
    header, *rows = read_xlsx(browser.get("/roster/export.xlsx", query_string=args).data)
    assert header[-1] == "Last imported"
    assert [row[1] for row in rows] == listed and len(listed) == 2
    assert {row[8] for row in rows} == {"No"}


def test_a_large_roster_is_written_in_the_background_with_the_same_rows(
    app, client, roster, monkeypatch
):
    city, _guangdong, _made = roster
    browser = signed_in(client, city)
    args = {"q": "有限公司", "sort": "-region"}
    inline = read_xlsx(browser.get("/roster/export.xlsx", query_string=args).data)
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 2)
    monkeypatch.setattr(list_exports, "CHUNK", 2)
    asked = browser.get("/roster/export.xlsx", query_string=args)
    assert asked.status_code == 200 and asked.mimetype == "text/html"  # the confirmation
    response = browser.submit("/roster/export.xlsx?q=有限公司&sort=-region", {})
    assert response.status_code == 303
    job = db.session.get(ExportJob, int(response.headers["Location"].rstrip("/").rsplit("/")[-1]))
    assert job is not None and job.export == "roster.export"
    assert jobs.run_queued() == "done 1, failed 0"
    db.session.expire_all()
    assert job.status is ExportStatus.DONE and job.rows_written == len(inline) - 1 == 3
    written = browser.get(f"/exports/{job.id}/file")
    assert read_xlsx(written.data) == inline
    written.close()
