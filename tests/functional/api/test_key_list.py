"""An organisation's API keys: searched by name, key or maker, filtered by status (active,
expiring soon, expired, revoked), use and the day made, sorted by their columns, paged with the
filters kept, and in Excel with exactly the filtered rows of every page — only the
organisation's own keys; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.clock import utcnow
from app.extensions import db
from models import ApiKey, ApiScope
from tests import factories
from tests.functional.projects.helpers import browser_for

NOW = utcnow()
# Name → (uses, made (days ago), valid (days from now), last used (days ago), revoked).
MADE = {
    "资金申报系统": ([ApiScope.CERTIFICATES_READ], 40, 300, 1, False),
    "省平台对接": ([ApiScope.PROJECTS_READ, ApiScope.FINDINGS_WRITE], 30, 5, None, False),
    "旧版接口": ([ApiScope.CERTIFICATES_READ], 20, -2, 3, False),
    "试运行密钥": ([ApiScope.PROJECTS_READ], 10, 100, None, True),
}


@pytest.fixture
def world(app_ctx):
    admin = factories.user(factories.organisation(), is_org_admin=True, name="王敏")
    colleague = factories.user(admin.organisation, is_org_admin=True, name="李强")
    for n, (name, (scopes, made, valid, used, revoked)) in enumerate(MADE.items()):
        key = factories.api_key(colleague if n == 1 else admin, scopes=scopes).key
        key.name = name
        key.created_at = NOW - timedelta(days=made)
        key.expires_at = NOW + timedelta(days=valid)
        key.last_used_at = NOW - timedelta(days=used) if used is not None else None
        if revoked:
            key.revoked_at, key.revoked_by_id = NOW - timedelta(days=1), admin.id
    # Another organisation's key: never on this list.
    stranger = factories.user(factories.organisation(), is_org_admin=True)
    factories.api_key(stranger).key.name = "资金申报系统（别家）"
    db.session.commit()
    return admin


def listed(browser, **args) -> list[str]:
    response = browser.get("/api-keys/", query_string=args)
    assert response.status_code == 200
    rows = BeautifulSoup(response.get_data(as_text=True), "html.parser").select("#keys tbody tr")
    return [row.select("td")[0].get_text(strip=True) for row in rows if row.has_attr("data-key")]


def test_search_and_filters(app, world):
    browser = browser_for(app, world)
    # Usable first, then the expired, then the revoked; the newest made first within each.
    assert listed(browser) == ["省平台对接", "资金申报系统", "旧版接口", "试运行密钥"]
    assert listed(browser, q="资金") == ["资金申报系统"]
    assert listed(browser, q="李强") == ["省平台对接"]  # the maker
    key = db.session.query(ApiKey).filter_by(name="旧版接口").one()
    assert listed(browser, q=f"cp_{key.prefix}_…") == ["旧版接口"]  # the key as shown
    assert listed(browser, q=key.prefix[:5]) == ["旧版接口"]
    assert listed(browser, status="active") == ["省平台对接", "资金申报系统"]
    assert listed(browser, status="soon") == ["省平台对接"]
    assert listed(browser, status="expired") == ["旧版接口"]
    assert listed(browser, status="revoked") == ["试运行密钥"]
    assert listed(browser, scope="projects:read") == ["省平台对接", "试运行密钥"]
    assert listed(browser, scope="certificates:read", status="active") == ["资金申报系统"]
    day = (NOW - timedelta(days=25)).date().isoformat()
    assert listed(browser, since=day) == ["旧版接口", "试运行密钥"]
    assert listed(browser, until=day) == ["省平台对接", "资金申报系统"]
    for args in (
        {"status": "forged"},
        {"scope": "forged"},
        {"since": "2026-13-45"},
        {"until": "99999-01-01"},
        {"sort": "-" + "x" * 500},
        {"q": "%_\\" * 30},
        {"q": "cp__…"},
        {"page": "99999999999"},
    ):
        assert browser.get("/api-keys/", query_string=args).status_code == 200, args
        assert browser.get("/api-keys/keys.xlsx", query_string=args).status_code == 200, args
    assert len(listed(browser, status="forged", scope="forged", since="x")) == 4


def test_sorted_by_their_columns_and_paged_with_the_filters(app, world, monkeypatch):
    browser = browser_for(app, world)
    assert listed(browser, sort="made") == ["资金申报系统", "省平台对接", "旧版接口", "试运行密钥"]
    assert listed(browser, sort="valid")[:2] == ["旧版接口", "省平台对接"]
    assert listed(browser, sort="used") == ["旧版接口", "资金申报系统", "省平台对接", "试运行密钥"]
    assert listed(browser, sort="maker")[0] == "省平台对接"  # 李 before 王
    assert listed(browser, sort="-maker")[0] == "试运行密钥"  # 王's newest
    assert listed(browser, sort="-status")[0] == "试运行密钥"
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"status": "active", "sort": "-made"}
    html = browser.get("/api-keys/", query_string=args).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    following = soup.select_one(".pagination a[href*='page=2']")
    assert "status=active" in following["href"] and "sort=-made" in following["href"]
    heading = soup.select_one("th a.sort-link[href*='sort=made']")
    assert heading is not None and "status=active" in heading["href"]
    assert [listed(browser, page=n, **args) for n in (1, 2)] == [["省平台对接"], ["资金申报系统"]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    browser = browser_for(app, world)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"scope": "certificates:read", "sort": "name"}
    shown = [name for n in (1, 2, 3) for name in listed(browser, page=n, **args)]
    response = browser.get("/api-keys/keys.xlsx", query_string=args)
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert (rows[0][0], rows[0][3], rows[0][7]) == ("名称", "创建人", "状态")
    assert [row[0] for row in rows[1:]] == shown and len(shown) == 2
    assert {row[7] for row in rows[1:]} == {"有效", "过期"}
    assert all(isinstance(row[4], datetime) for row in rows[1:])


def test_another_organisation_sees_none_of_them(app, world):
    stranger = factories.user(factories.organisation(), is_org_admin=True)
    db.session.commit()
    browser = browser_for(app, stranger)
    assert listed(browser) == []
    assert len(list(openpyxl.load_workbook(io.BytesIO(
        browser.get("/api-keys/keys.xlsx").data)).active.iter_rows())) == 1  # fmt: skip


def test_the_list_costs_the_same_queries_for_one_key_or_many(app, world, count_queries):
    browser = browser_for(app, world)
    browser.get("/api-keys/")
    args = {"q": "接", "sort": "maker"}
    with count_queries() as one:
        browser.get("/api-keys/", query_string={**args, "status": "expired"})
    for _ in range(15):
        factories.api_key(world).key.revoked_by_id = world.id
    db.session.commit()
    with count_queries() as many:
        browser.get("/api-keys/", query_string={"sort": "maker"})
    assert many.count == one.count, many.statements
    with count_queries() as excel:
        assert browser.get("/api-keys/keys.xlsx", query_string=args).status_code == 200
    assert excel.count <= one.count, excel.statements
