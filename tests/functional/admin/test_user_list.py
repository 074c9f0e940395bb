"""The administrator's users: searched by name or email, filtered by role, kind of
organisation and active, sorted, paged with the filters kept, and in Excel with exactly the
filtered rows of every page; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import OrgKind, Role
from tests import factories
from tests.functional.projects.helpers import browser_for

# Name → (email, organisation kind, active, created, last sign-in).
MADE = {
    "张伟": ("zhang.wei@jinggong.cn", OrgKind.ENTERPRISE, True, datetime(2026, 3, 1), None),
    "李娜": ("li.na@audit-center.cn", OrgKind.EVALUATION_BODY, True, datetime(2026, 4, 1),
           datetime(2026, 6, 1)),
    "王芳": ("wang.fang@jinggong.cn", OrgKind.ENTERPRISE, False, datetime(2026, 5, 1),
           datetime(2026, 5, 2)),
    "赵磊": ("zhao_lei@consult.cn", OrgKind.CONSULTANCY, True, datetime(2026, 2, 1),
           datetime(2026, 7, 1)),
}  # fmt: skip


@pytest.fixture
def admin(app, app_ctx):
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000", name="联盟测试")
    admin = factories.user(alliance, role=Role.ADMIN, name="管理员", email="root@certpath.test")
    admin.created_at = datetime(2020, 1, 1)
    orgs = {kind: factories.organisation(kind) for kind in {m[1] for m in MADE.values()}}
    for name, (email, kind, active, created, last_login) in MADE.items():
        user = factories.user(orgs[kind], name=name, email=email)
        user.active, user.created_at, user.last_login_at = active, created, last_login
    db.session.commit()
    return browser_for(app, admin)


def listed(browser, **args) -> list[str]:
    html = browser.get("/admin/users", query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr")
    names = [r.find("td").contents[0].strip() for r in rows if len(r.find_all("td")) > 1]
    return [name for name in names if name != "管理员"]


def test_search_and_filters(app, admin):
    assert set(listed(admin)) == set(MADE)
    assert set(listed(admin, q="jinggong")) == {"张伟", "王芳"}
    assert listed(admin, q="李") == ["李娜"]
    assert listed(admin, q="ZHAO_") == ["赵磊"]  # _ is no wildcard, case ignored
    assert listed(admin, q="zhao%lei") == []
    assert listed(admin, role="evaluator") == ["李娜"]
    assert set(listed(admin, kind="enterprise")) == {"张伟", "王芳"}
    assert listed(admin, kind="enterprise", active="inactive") == ["王芳"]
    assert set(listed(admin, active="active")) == {"张伟", "李娜", "赵磊"}
    for args in (
        {"role": "forged"},
        {"kind": "forged"},
        {"active": "maybe"},
        {"sort": "-password_hash"},
        {"sort": "x" * 1000},
        {"q": "%" * 100},
        {"q": "x" * 5000},
    ):
        assert admin.get("/admin/users", query_string=args).status_code == 200, args
        assert admin.get("/admin/users/export.xlsx", query_string=args).status_code == 200, args


def test_sorted_by_its_columns_and_paged_with_the_filters(app, admin, monkeypatch):
    assert listed(admin) == ["王芳", "李娜", "张伟", "赵磊"]  # newest account first
    assert listed(admin, sort="created") == ["赵磊", "张伟", "李娜", "王芳"]
    assert listed(admin, sort="email") == ["李娜", "王芳", "张伟", "赵磊"]
    # Never signed in counts as the oldest sign-in, on both databases.
    assert listed(admin, sort="-last_login")[:4] == ["赵磊", "李娜", "王芳", "张伟"]
    assert listed(admin, sort="last_login")[0] == "张伟"
    # Roles in their declared order: enterprise users, consultants, evaluators.
    assert listed(admin, sort="role") == ["张伟", "王芳", "赵磊", "李娜"]
    html = admin.get("/admin/users", query_string={"sort": "email"}).get_data(as_text=True)
    heading = BeautifulSoup(html, "html.parser").find("th", attrs={"aria-sort": True})
    assert heading["aria-sort"] == "ascending" and "sort=-email" in heading.a["href"]
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    html = admin.get("/admin/users", query_string={"kind": "enterprise", "sort": "created"})
    following = BeautifulSoup(html.get_data(as_text=True), "html.parser").select_one(
        ".pagination a[href*='page=2']"
    )
    assert "kind=enterprise" in following["href"] and "sort=created" in following["href"]
    pages = [listed(admin, kind="enterprise", sort="created", page=n) for n in (1, 2)]
    assert pages == [["张伟"], ["王芳"]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, admin, monkeypatch):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": ".cn", "sort": "-email"}
    shown = [name for n in (1, 2, 3, 4, 5) for name in listed(admin, page=n, **args)]
    response = admin.get("/admin/users/export.xlsx", query_string=args)
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert rows[0][:3] == ("名称", "电子邮箱", "角色")
    assert [row[0] for row in rows[1:]] == shown == ["赵磊", "张伟", "王芳", "李娜"]
    wang = next(row for row in rows if row[0] == "王芳")
    assert wang[1] == "wang.fang@jinggong.cn" and wang[-1] == datetime(2026, 5, 2)
    assert not any(str(cell).startswith("$") for row in rows for cell in row)  # no hashes


def test_only_the_administrator(app, app_ctx):
    user = factories.user()
    db.session.commit()
    assert browser_for(app, user).get("/admin/users/export.xlsx").status_code == 403
    assert app.test_client().get("/admin/users/export.xlsx").status_code in (302, 401)


def test_the_list_costs_the_same_queries_for_one_user_or_many(app, admin, count_queries):
    args = {"q": "cn", "kind": "enterprise", "sort": "organisation"}
    admin.get("/admin/users", query_string=args)
    with count_queries() as few:
        admin.get("/admin/users", query_string=args)
    for n in range(30):
        factories.user(factories.organisation(), email=f"more{n}@jinggong.cn")
    db.session.commit()
    with count_queries() as many:
        admin.get("/admin/users", query_string=args)
    assert many.count == few.count <= 8, many.statements
