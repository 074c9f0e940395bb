"""An authority reads the certification projects of its region's enterprises: read only,
filtered, in Excel; nothing of another region. The alliance reads the whole country."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from app.clock import local_today
from models import ProjectStatus
from tests import factories
from tests.functional.projects import region_world as rw

PUDONG_CO, XUHUI_CO, TIANHE_CO = (rw.NAMES[k] for k in ("pudong", "xuhui", "tianhe"))
URL = "/projects/region"


@pytest.fixture
def world(app_ctx):
    return rw.build()


def test_each_authority_reads_its_region_only(world, browser):
    browser.login(world.city.email, factories.PASSWORD)
    # Xuhui's certified project and the one in correction; Guangdong's never.
    assert Counter(rw.names_on(browser, URL)) == {PUDONG_CO: 1, XUHUI_CO: 2}
    browser.logout()
    browser.login(world.district.email, factories.PASSWORD)
    assert rw.names_on(browser, URL) == [PUDONG_CO]
    # A region outside its own is ignored: still Pudong only.
    assert rw.names_on(browser, f"{URL}?region={rw.XUHUI}") == [PUDONG_CO]
    browser.logout()
    browser.login(world.province.email, factories.PASSWORD)
    assert Counter(rw.names_on(browser, URL)) == {TIANHE_CO: 2}


def test_the_alliance_reads_the_whole_country(world, browser):
    browser.login(world.staff.email, factories.PASSWORD)
    assert set(rw.names_on(browser, URL)) == set(rw.NAMES.values())
    assert Counter(rw.names_on(browser, f"{URL}?region=44")) == {TIANHE_CO: 2}
    page = browser.get(URL).get_data(as_text=True)
    assert "whole country" in page or "全国" in page


def test_filters_and_search(world, browser):
    browser.login(world.city.email, factories.PASSWORD)
    assert rw.names_on(browser, f"{URL}?status=correction") == [XUHUI_CO]
    assert rw.names_on(browser, f"{URL}?status=applied") == []  # Guangdong's
    assert Counter(rw.names_on(browser, f"{URL}?region={rw.XUHUI}")) == {XUHUI_CO: 2}
    assert Counter(rw.names_on(browser, f"{URL}?region=3101")) == {
        PUDONG_CO: 1,
        XUHUI_CO: 2,
    }
    assert len(rw.names_on(browser, f"{URL}?year={local_today().year}")) == 3
    assert rw.names_on(browser, f"{URL}?year=1999") == []
    assert rw.names_on(browser, f"{URL}?q=浦东区域") == [PUDONG_CO]
    code = world.enterprises["pudong"].credit_code
    assert rw.names_on(browser, f"{URL}?q={code[:12]}") == [PUDONG_CO]
    # The filters go with the Excel link.
    page = browser.get(f"{URL}?status=correction&q=徐汇").get_data(as_text=True)
    [link] = [a["href"] for a in BeautifulSoup(page, "html.parser").select("a[href*='.xlsx']")]
    assert parse_qs(urlsplit(link).query) == {"status": ["correction"], "q": ["徐汇"]}


def test_rows_show_parties_dates_and_certificate_without_links_to_the_project(world, browser):
    browser.login(world.city.email, factories.PASSWORD)
    html = browser.get(f"{URL}?region=310115").get_data(as_text=True)
    [row] = rw.table_rows(html)
    pudong = world.projects["pudong"]
    assert row[2] == ProjectStatus.CERTIFIED.title
    assert row[3] == world.parties.consultancy_org.name
    assert row[4] == world.parties.body_org.name
    assert row[6] != "—" and row[8] != "—"  # applied, concluded
    assert row[9] == world.certificates["pudong"].number
    assert f"/certificates/{world.certificates['pudong'].number}" in html
    assert f"/projects/{pudong.id}" not in html


def test_excel_cells_equal_the_page(world, browser):
    browser.login(world.city.email, factories.PASSWORD)
    page = rw.table_rows(browser.get(URL).get_data(as_text=True))
    response = browser.get(f"{URL}.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = rw.sheet_rows(response.data)
    assert len(sheet) == len(page) == 3
    for cells, row in zip(sheet, page, strict=True):
        name, code, region_code, region, *rest = cells
        assert row[0] == f"{name} {code}"
        assert row[1] == f"{region} {region_code}"
        assert row[2:] == [rw.shown(v) for v in rest]


# What both region lists do alike, the certificates' too.
BOTH = [URL, "/certificates/region"]


@pytest.mark.parametrize(
    ("url", "viewer", "status"),
    [(URL, "city", "certified"), ("/certificates/region", "staff", "valid")],
)
def test_queries_do_not_grow_with_the_rows(
    app, world, browser, count_queries, monkeypatch, url, viewer, status
):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 2)
    browser.login(getattr(world, viewer).email, factories.PASSWORD)
    urls = (url, f"{url}.xlsx", f"{url}?page=2&region=31&status={status}&q=区域")
    rw.assert_queries_do_not_grow(world, browser, count_queries, urls)


@pytest.mark.parametrize("url", BOTH)
def test_other_parties_are_refused(world, browser, url):
    rw.assert_refused_to_the_parties(world, browser, url)


@pytest.mark.parametrize("args", rw.HOSTILE)
@pytest.mark.parametrize("url", BOTH)
def test_hostile_arguments_are_ignored(world, browser, url, args):
    browser.login(world.district.email, factories.PASSWORD)
    rw.assert_hostile_ignored(browser, url, args)
