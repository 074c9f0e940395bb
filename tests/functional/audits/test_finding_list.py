"""An evaluation body's findings across its audits: searched by enterprise, filtered by the
audit's kind, the finding's kind, status (still open, resolved, one state) and the day logged,
sorted by its columns, paged with the filters kept, and in Excel with exactly the filtered rows
of every page — only the findings of the body's own projects; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.extensions import db
from models import (
    Audit,
    AuditKind,
    Finding,
    FindingKind,
    FindingStatus,
    OrgKind,
    ProjectStatus,
    Role,
)
from tests import factories
from tests.functional.projects.helpers import browser_for

K, S = FindingKind, FindingStatus
K_ALLIANCE = OrgKind.ALLIANCE
# Description → (enterprise, audit kind, kind, status, due, logged).
MADE = {
    "管理评审未覆盖": (
        "上海精工机械有限公司",
        AuditKind.STAGE2,
        K.MAJOR,
        S.OPEN,
        date(2026, 4, 1),
        datetime(2026, 3, 1, 4),
    ),
    "数据未归档": (
        "上海精工机械有限公司",
        AuditKind.STAGE1,
        K.MINOR,
        S.ACCEPTED,
        date(2026, 3, 1),
        datetime(2026, 2, 1, 4),
    ),
    "建议细化指标": (
        "广州华瑞化工有限公司",
        AuditKind.STAGE2,
        K.OBSERVATION,
        S.NOTED,
        None,
        datetime(2026, 5, 1, 4),
    ),
    "内审记录缺失": (
        "广州华瑞化工有限公司",
        AuditKind.STAGE2,
        K.MINOR,
        S.ANSWERED,
        date(2026, 6, 1),
        datetime(2026, 5, 2, 4),
    ),
}


@pytest.fixture
def world(app_ctx):
    parties = factories.Parties()
    parties.enterprise_org.name = "上海精工机械有限公司"
    other = factories.organisation(region="440106", name="广州华瑞化工有限公司")
    audits = {}
    for org in (parties.enterprise_org, other):
        project = factories.project(parties, ProjectStatus.CORRECTION, organisation=org)
        for audit in db.session.scalars(sa.select(Audit).where(Audit.project_id == project.id)):
            audits[org.name, audit.kind] = audit
    for description, (name, audit, kind, status, due, logged) in MADE.items():
        db.session.add(
            Finding(
                audit_id=audits[name, audit].id,
                kind=kind,
                clause_code="9.3",
                description=description,
                status=status,
                due_on=due,
                created_by_id=parties.lead.id,
                created_at=logged,
            )
        )
    # Another body's project and finding: never on this list.
    elsewhere = factories.Parties()
    project = factories.project(elsewhere, ProjectStatus.CORRECTION)
    audit = db.session.scalars(sa.select(Audit).where(Audit.project_id == project.id)).first()
    db.session.add(
        Finding(
            audit_id=audit.id,
            kind=K.MAJOR,
            clause_code="9.3",
            description="别的机构的发现",
            status=S.OPEN,
            created_by_id=elsewhere.lead.id,
        )
    )
    db.session.commit()
    return parties


def listed(browser, **args) -> list[tuple[str, str]]:
    """(enterprise, status) of each row shown."""
    html = browser.get("/audits/findings", query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr")
    return [
        (tds[0].get_text(strip=True), tds[4].get_text(strip=True))
        for tds in (row.find_all("td") for row in rows)
        if len(tds) > 1
    ]


def statuses(browser, **args) -> list[str]:
    return [status for _name, status in listed(browser, **args)]


def test_search_and_filters(app, world):
    browser = browser_for(app, world.lead)
    assert len(listed(browser)) == 4  # not the other body's
    assert {n for n, _s in listed(browser, q="精工")} == {"上海精工机械有限公司"}
    assert len(listed(browser, audit="stage1")) == 1
    assert len(listed(browser, kind="minor")) == 2
    assert len(listed(browser, status="unresolved")) == 2
    assert len(listed(browser, status="resolved")) == 2
    assert len(listed(browser, status="noted")) == 1
    assert len(listed(browser, since="2026-05-01")) == 2
    assert len(listed(browser, since="2026-02-15", until="2026-03-31")) == 1
    assert listed(browser, q="华瑞", kind="major") == []
    for args in (
        {"kind": "forged"},
        {"status": "forged"},
        {"audit": "forged"},
        {"since": "2026-13-45"},
        {"until": "99999-01-01"},
        {"sort": "-" + "x" * 500},
        {"q": "%_" * 200},
        {"page": "99999999999"},
    ):
        assert browser.get("/audits/findings", query_string=args).status_code == 200, args
        assert browser.get("/audits/findings.xlsx", query_string=args).status_code == 200, args


def test_sorted_by_its_columns_and_paged_with_the_filters(app, world, monkeypatch):
    browser = browser_for(app, world.lead)
    by_logged = [n for n, _s in listed(browser, sort="logged")]
    assert by_logged == [
        "上海精工机械有限公司",
        "上海精工机械有限公司",
        "广州华瑞化工有限公司",
        "广州华瑞化工有限公司",
    ]
    assert listed(browser, sort="-enterprise")[0][0] == "广州华瑞化工有限公司"
    html = browser.get("/audits/findings", query_string={"sort": "due"}).get_data(as_text=True)
    last_due = BeautifulSoup(html, "html.parser").select("table tbody tr")[-1].find_all("td")[5]
    assert last_due.get_text(strip=True) == "—"  # the observation, with no due date
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"status": "unresolved", "sort": "logged"}
    html = browser.get("/audits/findings", query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "status=unresolved" in following["href"] and "sort=logged" in following["href"]
    pages = [listed(browser, page=n, **args) for n in (1, 2)]
    assert [p[0][0] for p in pages] == ["上海精工机械有限公司", "广州华瑞化工有限公司"]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    browser = browser_for(app, world.lead)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"audit": "stage2", "sort": "-logged"}
    shown = [row for n in (1, 2, 3, 4) for row in listed(browser, page=n, **args)]
    response = browser.get("/audits/findings.xlsx", query_string=args)
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert (rows[0][0], rows[0][2], rows[0][6], rows[0][8]) == ("企业", "审核", "描述", "整改期限")
    assert [(row[0], row[7]) for row in rows[1:]] == shown
    assert len(shown) == 3
    assert [row[6] for row in rows[1:]] == ["内审记录缺失", "建议细化指标", "管理评审未覆盖"]


def test_only_an_evaluation_body_has_the_list_and_the_administrator_every_body_s(app, world):
    admin = factories.user(factories.organisation(K_ALLIANCE), role=Role.ADMIN)
    db.session.commit()
    assert len(listed(browser_for(app, admin))) == 5
    assert browser_for(app, world.enterprise).get("/audits/findings").status_code == 403
    assert browser_for(app, world.consultant).get("/audits/findings.xlsx").status_code == 403
    assert app.test_client().get("/audits/findings.xlsx").status_code in (302, 401)


def test_the_list_costs_the_same_queries_for_one_finding_or_many(app, world, count_queries):
    browser = browser_for(app, world.lead)
    browser.get("/audits/findings")
    args = {"q": "有限", "sort": "status"}
    with count_queries() as many:
        browser.get("/audits/findings", query_string=args)
    with count_queries() as one:
        browser.get("/audits/findings", query_string={**args, "q": "华瑞", "kind": "major"})
    assert many.count == one.count, many.statements
    with count_queries() as excel:
        browser.get("/audits/findings.xlsx", query_string=args)
    assert excel.count <= 6, excel.statements
