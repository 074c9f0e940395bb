"""An authority reads the certificates of its region's enterprises: live status, expiry, the
next evaluation due, filtered and in Excel; nothing of another region. The alliance reads the
whole country. What both region lists do alike (a bounded number of queries, refusing the other
parties, ignoring hostile arguments) is tested with the projects' list."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from app.clock import local_today
from app.extensions import db
from blueprints.certificates.services import perform
from models import CertificateStatus
from tests import factories
from tests.functional.projects import region_world as rw

PUDONG_CO, XUHUI_CO, TIANHE_CO = (rw.NAMES[k] for k in ("pudong", "xuhui", "tianhe"))
URL = "/certificates/region"


@pytest.fixture
def world(app_ctx):
    return rw.build()


def test_each_authority_reads_its_region_only(world, browser):
    browser.login(world.city.email, factories.PASSWORD)
    assert set(rw.names_on(browser, URL)) == {PUDONG_CO, XUHUI_CO}
    browser.logout()
    browser.login(world.district.email, factories.PASSWORD)
    assert rw.names_on(browser, URL) == [PUDONG_CO]
    assert rw.names_on(browser, f"{URL}?region={rw.XUHUI}") == [PUDONG_CO]  # outside: ignored
    browser.logout()
    browser.login(world.province.email, factories.PASSWORD)
    assert rw.names_on(browser, URL) == [TIANHE_CO]
    browser.logout()
    browser.login(world.staff.email, factories.PASSWORD)
    assert set(rw.names_on(browser, URL)) == set(rw.NAMES.values())
    assert rw.names_on(browser, f"{URL}?region=44") == [TIANHE_CO]


def test_filters_and_search(world, browser):
    browser.login(world.staff.email, factories.PASSWORD)
    assert rw.names_on(browser, f"{URL}?status=suspended") == [TIANHE_CO]
    assert set(rw.names_on(browser, f"{URL}?status=valid")) == {PUDONG_CO, XUHUI_CO}
    assert rw.names_on(browser, f"{URL}?expiring=1") == [XUHUI_CO]
    assert rw.names_on(browser, f"{URL}?region={rw.PUDONG}") == [PUDONG_CO]
    assert rw.names_on(browser, f"{URL}?q=天河区域") == [TIANHE_CO]
    code = world.enterprises["xuhui"].credit_code
    assert rw.names_on(browser, f"{URL}?q={code[:12]}") == [XUHUI_CO]
    number = world.certificates["pudong"].number
    assert rw.names_on(browser, f"{URL}?q={number}") == [PUDONG_CO]
    assert rw.names_on(browser, f"{URL}?q={number[-7:].lower()}") == [PUDONG_CO]


def test_status_is_live_and_superseded_ones_are_listed(world, browser):
    browser.login(world.city.email, factories.PASSWORD)
    # A reissue: the old certificate is superseded, the new one stands for it.
    perform(world.certificates["pudong"], "reissue", world.staff, "更名", new_name="浦东区域企业新")
    db.session.flush()
    assert rw.names_on(browser, f"{URL}?status=superseded") == [PUDONG_CO]
    assert len(rw.names_on(browser, f"{URL}?region={rw.PUDONG}")) == 2
    # Past its expiry, a valid certificate reads expired (and no longer expiring).
    later = local_today() + timedelta(days=40)
    with time_machine.travel(later, tick=False):
        browser.login(world.city.email, factories.PASSWORD)  # a session of its own then
        assert rw.names_on(browser, f"{URL}?status=expired") == [XUHUI_CO]
        assert rw.names_on(browser, f"{URL}?expiring=1") == []
        [row] = rw.table_rows(browser.get(f"{URL}?status=expired").get_data(as_text=True))
        assert row[3] == CertificateStatus.EXPIRED.title
        assert row[6] == "—"  # no evaluation is due on an expired certificate


def test_excel_cells_equal_the_page(world, browser):
    browser.login(world.staff.email, factories.PASSWORD)
    page = rw.table_rows(browser.get(URL).get_data(as_text=True))
    response = browser.get(f"{URL}.xlsx")
    assert response.status_code == 200
    sheet = rw.sheet_rows(response.data)
    assert len(sheet) == len(page) == 3
    for cells, row in zip(sheet, page, strict=True):
        number, name, code, region_code, region, status, effective, expires, due = cells
        assert row[:4] == [number, f"{name} {code}", f"{region} {region_code}", status]
        assert row[4:6] == [rw.shown(effective), rw.shown(expires)]
        assert row[6].endswith(rw.shown(due))  # "Overdue: …" before an overdue one
    assert {cells[0] for cells in sheet} == {c.number for c in world.certificates.values()}
