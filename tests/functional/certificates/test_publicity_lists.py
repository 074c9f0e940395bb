"""The announced enterprises, on the public page (/publicity/) and the alliance's record
(/publicity/desk/entries): searched by enterprise name, filtered by region (name or code),
batch and the period's state, sorted by its columns, paged with the filters kept; the record's
Excel holds exactly the filtered rows of every page. The public page has no Excel and never
shows an entry removed after an objection; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.clock import local_today, utcnow
from app.extensions import db
from models import ProjectStatus, PublicityBatch, PublicityEntry
from tests import factories
from tests.functional.projects.helpers import browser_for

# Batch → (first day, last day) from today; its entries: name → (region, body, removed).
BATCHES = {
    "第一批公示": (
        -40,
        -30,
        {
            "深圳精工机械有限公司": ("440305", "甲认证中心", False),
            "广州华瑞化工有限公司": ("440106", "乙认证中心", False),
        },
    ),
    "第二批公示": (
        -2,
        5,
        {
            "上海恒泰机械有限公司": ("310115", "甲认证中心", False),
            "深圳华强电子有限公司": ("440304", "乙认证中心", True),
        },
    ),
    "第三批公示": (3, 10, {"杭州新材料有限公司": ("330106", "甲认证中心", False)}),
}
PUBLIC = {
    name
    for _f, _l, entries in BATCHES.values()
    for name, (_r, _b, removed) in entries.items()
    if not removed
}


@pytest.fixture
def world(app_ctx):
    parties = factories.Parties()
    staff = factories.alliance_staff()
    projects = [
        factories.project(parties, ProjectStatus.IN_PUBLICITY, organisation=org)
        for org in (parties.enterprise_org, factories.organisation())
    ]
    today = local_today()
    ids = {}
    for title, (first, last, entries) in BATCHES.items():
        batch = PublicityBatch(
            title=title,
            starts_on=today + timedelta(first),
            ends_on=today + timedelta(last),
            working_days=5,
            created_by_id=staff.id,
        )
        for project, (name, (region, body, removed)) in zip(
            projects[: len(entries)], entries.items(), strict=True
        ):
            batch.entries.append(
                PublicityEntry(
                    project_id=project.id,
                    enterprise_name=name,
                    region_name="",
                    region_code=region,
                    body_name=body,
                    scope="精密装备研发与生产",
                    removed_at=utcnow() if removed else None,
                )
            )
        db.session.add(batch)
        db.session.flush()
        ids[title] = batch.id
    db.session.commit()
    return staff, ids


def names(response) -> list[str]:
    rows = BeautifulSoup(response.get_data(as_text=True), "html.parser").select(
        "table tbody tr td:first-child"
    )
    return [td.find(string=True, recursive=False).strip() for td in rows if not td.get("colspan")]


def test_the_public_page_searches_and_filters_what_is_announced(app, world):
    _staff, ids = world
    client = app.test_client()

    def listed(**args):
        return names(client.get("/publicity/", query_string=args))

    assert set(listed()) == PUBLIC  # the removed entry is not shown
    assert set(listed(q="机械")) == {"深圳精工机械有限公司", "上海恒泰机械有限公司"}
    assert set(listed(region="深圳")) == {"深圳精工机械有限公司"}
    assert listed(region="4401") == ["广州华瑞化工有限公司"]
    assert listed(region="Shanghai") == ["上海恒泰机械有限公司"]
    assert listed(state="open") == ["上海恒泰机械有限公司"]
    assert listed(state="upcoming") == ["杭州新材料有限公司"]
    assert set(listed(state="ended")) == {"深圳精工机械有限公司", "广州华瑞化工有限公司"}
    assert listed(batch=str(ids["第一批公示"]), q="化工") == ["广州华瑞化工有限公司"]
    page = client.get("/publicity/", query_string={"region": "火星"}).get_data(as_text=True)
    assert "没有这个名称的地区" in page and "没有符合条件的公示企业" in page
    assert "Excel" not in page  # the public reads it here; the alliance keeps the record
    for args in (
        {"batch": "forged"},
        {"batch": "99999999999999999999"},
        {"state": "forged"},
        {"sort": "-" + "x" * 500},
        {"q": "%_" * 200},
        {"region": "123"},
        {"page": "99999999999"},
    ):
        assert client.get("/publicity/", query_string=args).status_code == 200, args


def test_sorted_by_its_columns_and_paged_with_the_filters(app, world, monkeypatch):
    client = app.test_client()

    def listed(**args):
        return names(client.get("/publicity/", query_string=args))

    assert listed()[0] == "杭州新材料有限公司"  # the newest batch first
    assert listed(sort="period")[-1] == "杭州新材料有限公司"
    assert listed(sort="enterprise") == sorted(PUBLIC)
    assert listed(sort="region")[0] == "上海恒泰机械有限公司"  # 310115
    assert listed(sort="-body")[0] in {
        "深圳精工机械有限公司",
        "上海恒泰机械有限公司",
        "杭州新材料有限公司",
    }
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "机械", "sort": "period"}
    html = client.get("/publicity/", query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "q=" in following["href"] and "sort=period" in following["href"]
    assert [listed(page=n, **args) for n in (1, 2)] == [
        ["深圳精工机械有限公司"],
        ["上海恒泰机械有限公司"],
    ]


def test_the_record_s_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    staff, _ids = world
    browser = browser_for(app, staff)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"region": "44", "sort": "enterprise"}
    shown = [
        name
        for n in (1, 2, 3, 4)
        for name in names(browser.get("/publicity/desk/entries", query_string={**args, "page": n}))
    ]
    # The record keeps the entry removed after an objection.
    assert shown == sorted(["深圳精工机械有限公司", "广州华瑞化工有限公司", "深圳华强电子有限公司"])
    response = browser.get("/publicity/desk/entries.xlsx", query_string=args)
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert rows[0][:3] == ("企业", "行政区划代码", "地区")
    assert [row[0] for row in rows[1:]] == shown
    removed = next(row for row in rows if row[0] == "深圳华强电子有限公司")
    assert removed[5] == "第二批公示" and removed[8] == "公示中" and removed[9] is not None
    kept = next(row for row in rows if row[0] == "深圳精工机械有限公司")
    assert kept[2] == "广东省 深圳市 南山区" and kept[8] == "公示期满" and kept[9] is None


def test_only_the_alliance_keeps_the_record(app, world):
    parties = factories.Parties()
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    assert enterprise.get("/publicity/desk/entries").status_code == 403
    assert enterprise.get("/publicity/desk/entries.xlsx").status_code == 403
    assert app.test_client().get("/publicity/desk/entries.xlsx").status_code in (302, 401)


def test_the_lists_cost_the_same_queries_for_one_entry_or_many(app, world, count_queries):
    staff, _ids = world
    browser = browser_for(app, staff)
    client = app.test_client()
    args = {"q": "有限", "region": "广东", "sort": "region"}
    for url in ("/publicity/", "/publicity/desk/entries"):
        reader = browser if "desk" in url else client
        reader.get(url)
        with count_queries() as many:
            reader.get(url, query_string=args)
        with count_queries() as one:
            reader.get(url, query_string={**args, "q": "华瑞"})
        with count_queries() as none:
            reader.get(url, query_string={**args, "q": "无此企业"})
        assert many.count == one.count == none.count, many.statements
    with count_queries() as excel:
        browser.get("/publicity/desk/entries.xlsx", query_string=args)
    assert excel.count <= 6, excel.statements
