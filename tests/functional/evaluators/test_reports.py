"""The alliance's reports on the evaluator register: evaluators by body (grades by state on a
day, lead-qualified, training hours, audits), sector coverage against the enterprises with
projects under way (sections, drilled to divisions, gaps), registrations expiring within
30/60/90 days; each in Excel exactly as shown, for the alliance and the administrators only,
and at a cost in queries that does not grow with the register."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.clock import local_today
from app.extensions import db
from models import (
    Audit,
    AuditKind,
    AuditTeamMember,
    BodyAuditDay,
    EvaluatorCompetence,
    EvaluatorRegistration,
    EvaluatorTraining,
    OrgKind,
    Project,
    ProjectStatus,
    RecordStatus,
    RegistrationGrade,
    Role,
)
from tests import factories
from tests.functional.projects.helpers import browser_for

G, S = RegistrationGrade, RecordStatus
BODIES = "/evaluators/reports/bodies"
SECTORS = "/evaluators/reports/sectors"
EXPIRING = "/evaluators/reports/expiring"


def registration(person, grade, number, expires_in, status=S.APPROVED, issued_ago=1000):
    today = local_today()
    db.session.add(
        EvaluatorRegistration(
            user_id=person.id,
            body_id=person.organisation_id,
            grade=grade,
            number=number,
            issued_on=today - timedelta(days=issued_ago),
            expires_on=today + timedelta(days=expires_in),
            status=status,
        )
    )


def competence(person, code, status=S.APPROVED):
    db.session.add(
        EvaluatorCompetence(
            user_id=person.id, body_id=person.organisation_id, industry_code=code, status=status
        )
    )


def training(person, taken_on, hours):
    db.session.add(
        EvaluatorTraining(
            user_id=person.id,
            body_id=person.organisation_id,
            taken_on=taken_on,
            course="评定规则",
            hours=hours,
            provider="联盟",
        )
    )


def under_way(industry: str):
    org = factories.organisation(industry_code=industry)
    db.session.add(Project(organisation=org, status=ProjectStatus.KICKOFF))
    return org


@pytest.fixture
def register(app_ctx):
    """Body 华东 (900): 张评定 valid evaluator for section C, 李组长 lead-qualified for division
    34 until day 20 (renewal waiting) with a senior registration waiting; body 华南 (901):
    王过期 expired, competent in I, and 赵退回 returned. Enterprises under way in 34 (the
    parties'), in 65 (section I) and a finished one in 44 (section D)."""
    today = local_today()
    east = factories.Parties(registered=False)
    south = factories.Parties(registered=False)
    east.body_org.name, east.body_org.body_code = "华东评定中心", "900"
    south.body_org.name, south.body_org.body_code = "华南评定中心", "901"
    east.evaluator.name, east.lead.name = "张评定", "李组长"
    south.evaluator.name, south.lead.name = "王过期", "赵退回"
    registration(east.evaluator, G.EVALUATOR, "P-001", 200)
    registration(east.lead, G.LEAD, "Z-002", 20)
    registration(east.lead, G.LEAD, "Z-012", 1100, S.SUBMITTED, issued_ago=0)
    registration(east.lead, G.EVALUATOR, "P-003", 50)
    registration(east.lead, G.SENIOR, "G-004", 900, S.SUBMITTED)
    registration(south.evaluator, G.EVALUATOR, "P-005", -1)
    registration(south.lead, G.EVALUATOR, "P-006", 400, S.RETURNED)
    competence(east.evaluator, "C")
    competence(east.lead, "34")
    competence(east.lead, "65", S.SUBMITTED)  # not approved: covers nothing
    competence(south.evaluator, "I")  # no valid registration: covers nothing
    training(east.evaluator, date(today.year, 1, 1), 10)
    training(east.evaluator, date(today.year - 1, 12, 31), 7)  # last year's
    training(east.lead, today, 6)
    factories.project(east, ProjectStatus.KICKOFF)
    under_way("65")
    finished = Project(
        organisation=factories.organisation(industry_code="44"), status=ProjectStatus.WITHDRAWN
    )
    db.session.add(finished)
    db.session.flush()
    audit = Audit(
        project_id=finished.id,
        kind=AuditKind.STAGE1,
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=29),
        completed_on=today - timedelta(days=29),
    )
    audit.team = [
        AuditTeamMember(user=east.lead, is_lead=True),
        AuditTeamMember(user=east.evaluator, is_lead=False),
    ]
    db.session.add(audit)
    staff = factories.alliance_staff()
    db.session.commit()
    return east, south, staff


def table(html: str, selector: str) -> list[list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in soup.select(f"{selector} tbody tr")
    ]


def sheet_rows(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_evaluators_by_body(app, register):
    east, _south, staff = register
    alliance = browser_for(app, staff)
    rows = {row[0].split()[0]: row[1:] for row in table(alliance.get(BODIES).text, "#bodies")}
    # evaluators; evaluator/senior/lead × valid, waiting, returned, expired; lead-qualified,
    # hours, audits done, led
    assert rows["华东评定中心"] == ["2", "2", "0", "0", "0", "0", "1", "0", "0", "1", "1", "0",
                                   "0", "1", "16", "2", "1"]  # fmt: skip
    assert rows["华南评定中心"] == ["0", "0", "0", "1", "1", "0", "0", "0", "0", "0", "0", "0",
                                   "0", "0", "0", "0", "0"]  # fmt: skip
    assert rows["全部机构"][0] == "2"
    # In 25 days the lead qualification has expired: no longer lead-qualified.
    later = (local_today() + timedelta(days=25)).isoformat()
    html = alliance.get(BODIES, query_string={"as_of": later, "body": east.body_org.id}).text
    [line] = table(html, "#bodies")
    assert line[0].startswith("华东评定中心")
    assert line[10:14] == ["0", "1", "0", "1"] and line[14] == "0"
    # The Excel is the page's table.
    xlsx = sheet_rows(alliance.get(BODIES + ".xlsx"))
    assert xlsx[1][:3] == ["评定机构", "机构代码", "评定人员"]
    assert [row[0] for row in xlsx[2:]] == ["华东评定中心", "华南评定中心", "全部机构"]
    assert [str(n) for n in xlsx[2][2:]] == rows["华东评定中心"]


def test_audits_are_summed_from_the_scheduler_s_days_while_they_are_fresh(
    app, register, monkeypatch
):
    from blueprints.evaluator_reports import audit_days, tasks

    east, _south, staff = register
    alliance = browser_for(app, staff)

    def east_audits(**query) -> list[str]:
        html = alliance.get(BODIES, query_string={"body": east.body_org.id, **query}).text
        [line] = table(html, "#bodies")
        return line[-2:]

    assert east_audits() == ["2", "1"]  # never counted: on the spot, and no as-of line
    assert 'id="as-of"' not in alliance.get(BODIES).text
    assert tasks.count_audit_days() == "evaluator audit days counted: 1"
    db.session.commit()
    assert 'id="as-of"' in alliance.get(BODIES).text
    assert east_audits() == ["2", "1"]
    before = (local_today() - timedelta(days=30)).isoformat()
    assert east_audits(as_of=before) == ["0", "0"]  # the audit was completed 29 days ago
    # An audit completed since the count is not in the kept days until the next one.
    audit = db.session.scalar(sa.select(Audit))
    another = Audit(
        project_id=audit.project_id,
        kind=AuditKind.STAGE2,
        starts_on=local_today(),
        ends_on=local_today(),
        completed_on=local_today(),
        team=[AuditTeamMember(user=east.lead, is_lead=True)],
    )
    db.session.add(another)
    db.session.commit()
    assert east_audits() == ["2", "1"]
    audit_days.refresh()
    db.session.commit()
    assert east_audits() == ["3", "2"]
    # Kept days older than the limit are not read: the figures are counted on the spot.
    monkeypatch.setitem(app.config, "STATISTICS_SNAPSHOT_MAX_AGE_MINUTES", 0)
    db.session.execute(sa.update(BodyAuditDay).values(computed_at=datetime(2020, 1, 1)))
    db.session.add(
        Audit(
            project_id=audit.project_id,
            kind=AuditKind.SURVEILLANCE,
            starts_on=local_today(),
            ends_on=local_today(),
            completed_on=local_today(),
            team=[AuditTeamMember(user=east.evaluator, is_lead=False)],
        )
    )
    db.session.commit()
    assert east_audits() == ["4", "2"]
    assert 'id="as-of"' not in alliance.get(BODIES).text


def test_sector_coverage_and_its_gaps(app, register):
    east, _south, staff = register
    alliance = browser_for(app, staff)
    html = alliance.get(SECTORS).text
    rows = {row[0].split()[0]: row[1:] for row in table(html, "#sectors")}
    assert len(rows) == 20  # the sections A–T
    # evaluators, of them for the whole section, bodies, enterprises under way, gap
    assert rows["C"] == ["2", "1", "1", "1", ""]
    assert rows["I"] == ["0", "0", "0", "1", "无评定人员"]
    assert rows["D"] == ["0", "0", "0", "0", ""]  # its only project is finished
    assert "1 个行业有在办项目但没有可评定的人员" in html
    # The gap is on the alliance's work list, linked to its section.
    dashboard = BeautifulSoup(alliance.get("/dashboard").text, "html.parser")
    [gap] = dashboard.select("#work-evaluator_sector_gaps li a[href*='section=I']")
    assert "1 家企业有在办项目" in gap.find_parent("li").get_text()
    assert table(alliance.get(SECTORS, query_string={"gaps": "y"}).text, "#sectors")[0][0] == (
        "I 信息传输、软件和信息技术服务业"
    )
    # Drilled into C: the section's evaluator covers every division, the division's one its own.
    args = {"section": "C", "body": str(east.body_org.id)}
    divisions = {row[0].split()[0]: row[1:] for row in table(
        alliance.get(SECTORS, query_string=args).text, "#sectors")}  # fmt: skip
    assert divisions["34"] == ["2", "1", "1", "2", "1", ""]
    assert divisions["13"] == ["1", "1", "1", "1", "0", ""]
    xlsx = sheet_rows(alliance.get(SECTORS + ".xlsx", query_string=args))
    assert xlsx[1] == ["代码", "行业", "评定人员", "其中覆盖整个门类", "机构数",
                       "其中华东评定中心", "在办项目的企业", "缺口"]  # fmt: skip
    assert [row[0] for row in xlsx[2:]] == list(divisions)
    assert next(row for row in xlsx[2:] if row[0] == "34")[2:7] == [2, 1, 1, 2, 1]
    # A day after the lead's division registration lapsed the division keeps its section's man.
    later = (local_today() + timedelta(days=60)).isoformat()
    html = alliance.get(SECTORS, query_string={"section": "C", "as_of": later}).text
    assert {row[0].split()[0]: row[1] for row in table(html, "#sectors")}["34"] == "1"


def test_expiring_registrations(app, register, monkeypatch):
    _east, _south, staff = register
    alliance = browser_for(app, staff)

    def numbers(**args) -> list[str]:
        html = alliance.get(EXPIRING, query_string=args).text
        return [row[3] for row in table(html, "#expiring")]

    assert numbers() == ["Z-002", "P-003"]  # approved, from today to 90 days, soonest first
    assert numbers(within="30") == ["Z-002"]
    assert numbers(within="60", sort="-number") == ["Z-002", "P-003"]
    assert numbers(q="李组") == ["Z-002", "P-003"]
    assert numbers(grade="evaluator") == ["P-003"]
    assert numbers(unrenewed="y") == ["P-003"]  # Z-002's renewal is waiting
    html = alliance.get(EXPIRING).text
    assert "待审核" in table(html, "#expiring")[0][6]
    for args in ({"within": "7"}, {"body": "x"}, {"sort": "z" * 300}, {"grade": "x"}):
        assert alliance.get(EXPIRING, query_string=args).status_code == 200
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    second = alliance.get(EXPIRING, query_string={"page": 2, "sort": "-expires"}).text
    assert [row[3] for row in table(second, "#expiring")] == ["Z-002"]
    xlsx = sheet_rows(alliance.get(EXPIRING + ".xlsx", query_string={"sort": "-expires"}))
    assert xlsx[0][3] == "注册证书编号"
    assert [row[3] for row in xlsx[1:]] == ["P-003", "Z-002"]
    assert [row[6] for row in xlsx[1:]] == ["未续期", "待审核"]


def test_only_the_alliance_and_administrators_read_them(app, register):
    east, _south, _staff = register
    admin = factories.user(factories.organisation(OrgKind.ALLIANCE), role=Role.ADMIN)
    db.session.commit()
    urls = [BODIES, BODIES + ".xlsx", SECTORS, SECTORS + ".xlsx", EXPIRING, EXPIRING + ".xlsx"]
    for url in urls:
        assert browser_for(app, admin).get(url).status_code == 200, url
        for person in (east.lead, east.enterprise):  # a body's administrator, an enterprise
            assert browser_for(app, person).get(url).status_code == 403, url
        assert app.test_client().get(url).status_code in (302, 401), url


def test_what_does_not_parse_is_left_out(app, register):
    _east, _south, staff = register
    alliance = browser_for(app, staff)
    for args in (
        {"as_of": "2026-02-30"},
        {"as_of": "9999-01-01"},
        {"body": "99999999999999999999"},
        {"section": "ZZ"},
        {"section": "34"},  # a division is no section: the sections are shown
        {"section": "c" * 300},
    ):
        for url in (BODIES, SECTORS, SECTORS + ".xlsx"):
            assert alliance.get(url, query_string=args).status_code == 200, (url, args)
    html = alliance.get(SECTORS, query_string={"section": "34"}).text
    assert len(table(html, "#sectors")) == 20


def test_the_reports_cost_the_same_queries_for_few_rows_or_many(app, register, count_queries):
    _east, _south, staff = register
    alliance = browser_for(app, staff)
    urls = (BODIES, SECTORS, f"{SECTORS}?section=C&body=1", EXPIRING)

    def cost() -> list[int]:
        counts = []
        for url in urls:
            with count_queries() as counter:
                assert alliance.get(url).status_code == 200
            counts.append(counter.count)
        return counts

    few = cost()
    for n in range(6):
        more = factories.Parties(registered=False)
        registration(more.evaluator, G.LEAD, f"M-{n}", 10 + n)
        registration(more.lead, G.SENIOR, f"N-{n}", -5 - n)
        competence(more.evaluator, ["C", "I", "39"][n % 3])
        training(more.evaluator, local_today(), n)
        factories.project(more, ProjectStatus.SURVEY)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluatorRegistration)) > 12
    assert cost() == few
