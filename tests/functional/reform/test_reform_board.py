"""The programme board (issue 21 part 6): the city sees every enterprise it enrolled, a county
those of its region; the stages, the sub-industries, the grades before and after, the money
and the overdue projects are counted right, in a fixed number of queries whatever the
number of enterprises, and the workbook holds what the page shows."""

from __future__ import annotations

import io
import itertools
import re
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from app.extensions import db
from models import (
    DiagnosisEngagement,
    EngagementStatus,
    OrgKind,
    PoolMember,
    ReformAuditReport,
    ReformContract,
    ReformGrading,
    ReformProject,
    ReformStatus,
    ReformSubsidy,
    SmeLevelEvaluation,
    SmeLevelKind,
    SubsidyStatus,
)
from tests import factories
from tests.functional.pool.test_provider_pool import admitted
from tests.functional.projects.helpers import browser_for

CITY, NANGUAN, CHAOYANG = "220100", "220102", "220104"
PROGRAMME = "changchun_pilot"
_serial = itertools.count(1)


class World:
    pass


@pytest.fixture
def world(app, app_ctx):
    w = World()
    w.app = app
    w.city = factories.organisation(OrgKind.AUTHORITY, region=CITY)
    w.official = factories.user(w.city, locale="en")
    w.county = factories.organisation(OrgKind.AUTHORITY, region=NANGUAN)
    w.county_official = factories.user(w.county)
    w.provider = factories.organisation(OrgKind.SERVICE_PROVIDER, region=CITY)
    w.body = factories.organisation(OrgKind.EVALUATION_BODY, region=CITY)
    w.provider_user = factories.user(w.provider)
    db.session.commit()
    return w


def _evaluation(w, enterprise, kind: SmeLevelKind, grade: int, engagement=None):
    n = next(_serial)
    evaluation = SmeLevelEvaluation(
        organisation_id=enterprise.id,
        number=n,
        engagement_id=engagement.id if engagement else None,
        table_key="sme_level_2024",
        kind=kind,
        points={},
        levels={},
        total_points=0,
        grade_level=grade,
        pledged_at=datetime(2026, 1, 5),
        created_by_id=w.provider_user.id,
    )
    db.session.add(evaluation)
    db.session.flush()
    return evaluation


def enterprise_at(
    w,
    stage: str,
    *,
    region: str = NANGUAN,
    industry: str = "36",
    before: int | None = None,
    after: int | None = None,
    budget: str = "1000000",
    ends_on: date = date(2026, 12, 31),
    paid: str | None = None,
):
    """An enterprise of the programme at ``stage`` (one of the board's stages, or
    'withdrawn'), enrolled by the city."""
    enterprise = factories.organisation(region=region, industry_code=industry)
    status = {
        "withdrawn": EngagementStatus.WITHDRAWN,
        "enrolled": EngagementStatus.ON_SITE,
    }.get(stage, EngagementStatus.ACCEPTED)
    engagement = DiagnosisEngagement(
        programme_key=PROGRAMME,
        authority_id=w.city.id,
        enterprise_id=enterprise.id,
        provider_id=w.provider.id,
        status=status,
        created_by_id=w.official.id,
    )
    db.session.add(engagement)
    db.session.flush()
    if before is not None:
        _evaluation(w, enterprise, SmeLevelKind.ON_SITE, before, engagement)
    project_status = {
        "reforming": ReformStatus.IN_IMPLEMENTATION,
        "graded": ReformStatus.GRADED,
        "accepted": ReformStatus.ACCEPTED,
        "subsidised": ReformStatus.ACCEPTED,
    }.get(stage)
    if project_status is None:
        return enterprise
    project = ReformProject(
        engagement_id=engagement.id,
        programme_key=PROGRAMME,
        authority_id=w.city.id,
        county_authority_id=w.county.id,
        enterprise_id=enterprise.id,
        name=f"改造项目{enterprise.id}",
        scenario_codes=["2.3.1"],
        starts_on=date(2026, 3, 1),
        ends_on=ends_on,
        budget=Decimal(budget),
        status=project_status,
        filed_on=date(2026, 2, 20),
        created_by_id=w.official.id,
    )
    db.session.add(project)
    db.session.flush()
    n = next(_serial)
    db.session.add(
        ReformContract(
            project_id=project.id,
            member_id=_member(w).id,
            provider_id=w.provider.id,
            products="云MES",
            price=Decimal(budget) / 2,
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 9, 30),
            original_name="合同.pdf",
            stored_name=f"board-contract-{n}",
            size=10,
            sha256="0" * 64,
            content_type="application/pdf",
            uploaded_by_id=w.official.id,
        )
    )
    if after is not None:
        evaluation = _evaluation(w, enterprise, SmeLevelKind.REFORM, after)
        db.session.add(
            ReformGrading(
                project_id=project.id,
                body_id=w.body.id,
                evaluation_id=evaluation.id,
                graded_on=date(2026, 10, 10),
                systems_checked="MES 上线运行",
                recorded_by_id=w.official.id,
                original_name="评测报告.pdf",
                stored_name=f"board-grading-{n}",
                size=10,
                sha256="0" * 64,
                content_type="application/pdf",
            )
        )
    if paid is not None:
        report = ReformAuditReport(
            project_id=project.id,
            firm_id=w.body.id,
            reported_on=date(2026, 11, 1),
            eligible_cost=Decimal(budget),
            conclusion="合规",
            recorded_by_id=w.official.id,
            original_name="审计报告.pdf",
            stored_name=f"board-audit-{n}",
            size=10,
            sha256="0" * 64,
            content_type="application/pdf",
        )
        db.session.add(report)
        db.session.flush()
        db.session.add(
            ReformSubsidy(
                project_id=project.id,
                status=SubsidyStatus.PAID if stage == "subsidised" else SubsidyStatus.APPROVED,
                requested_amount=Decimal(paid),
                eligible_cost=Decimal(budget),
                audit_report_id=report.id,
                applied_by_id=w.official.id,
                approved_amount=Decimal(paid),
                paid_amount=Decimal(paid) if stage == "subsidised" else None,
                paid_on=date(2026, 11, 20) if stage == "subsidised" else None,
            )
        )
    db.session.flush()
    return enterprise


def _member(w) -> PoolMember:
    if not hasattr(w, "member"):
        w.member = admitted(w, w.provider)
    return w.member


def populate(w) -> None:
    enterprise_at(w, "enrolled")
    enterprise_at(w, "withdrawn")  # not counted
    enterprise_at(w, "diagnosed", industry="27", before=1)
    enterprise_at(w, "reforming", before=1, ends_on=date(2026, 6, 30))  # overdue
    enterprise_at(w, "graded", region=CHAOYANG, industry="39", before=1, after=1)
    enterprise_at(w, "accepted", before=1, after=2)
    enterprise_at(w, "subsidised", industry="13", before=0, after=3, paid="300000")
    # Another programme's enterprise is not on this board.
    other = factories.organisation(region=NANGUAN)
    db.session.add(
        DiagnosisEngagement(
            programme_key="nmg_offline",
            authority_id=w.city.id,
            enterprise_id=other.id,
            provider_id=w.provider.id,
            status=EngagementStatus.ACCEPTED,
            created_by_id=w.official.id,
        )
    )
    db.session.commit()


def cells(page: str, table: str, row_attr: str, key: str) -> list[str]:
    """The figures of a row of a board table, as shown."""
    row = re.search(rf'<tr {row_attr}="{key}">(.*?)</tr>', page.split(f'id="{table}"')[1], re.S)
    assert row, (table, key)
    return re.findall(r'<td class="text-end[^"]*"[^>]*>([^<]*)</td>', row.group(1))


def test_the_city_sees_every_stage_by_county_and_sub_industry(world):
    w = world
    populate(w)
    page = browser_for(w.app, w.official).get("/reform/board")
    assert page.status_code == 200
    text = page.text
    # Six enterprises live (the withdrawn one and the other programme's are not counted):
    # enrolled, diagnosed, reforming, graded, accepted, subsidised — each stage counts those
    # that reached it.
    nanguan = cells(text, "by-county", "data-county", NANGUAN)
    assert nanguan[:6] == ["5", "4", "3", "2", "2", "1"]
    chaoyang = cells(text, "by-county", "data-county", CHAOYANG)
    assert chaoyang[:6] == ["1", "1", "1", "1", "0", "0"]
    # Grades: before averaged over the five graded on site (1,1,1,1,0), after over three
    # (1, 2, 3); two reached grade 2 or above.
    totals = text.split('id="county-totals"')[1]
    assert "0.80" in totals and "2.00" in totals
    # Sub-industries by division: 36 auto parts (enrolled, reforming, accepted), 27
    # medicines, 39 electronics, 13 other.
    assert cells(text, "by-sub-industry", "data-sub-industry", "auto_parts")[:6] == [
        "3",
        "2",
        "2",
        "1",
        "1",
        "0",
    ]
    assert cells(text, "by-sub-industry", "data-sub-industry", "medicines")[:2] == ["1", "1"]
    assert cells(text, "by-sub-industry", "data-sub-industry", "other")[5] == "1"
    # Before and after: from 1 to 1, 1 to 2, 0 to 3.
    grades = text.split('id="grades-before-after"')[1]
    assert 'data-before="1"' in grades and 'data-before="0"' in grades
    # The money: four filed projects in Nanguan and Chaoyang, 300,000 paid.
    assert "300,000.00" in text.split('id="spending-totals"')[1]
    assert "4,000,000.00" in text.split('id="spending-totals"')[1]
    # The project past its planned end, still in implementation, is overdue.
    assert "1 in all" in text.split('id="overdue-reforms"')[0][-200:]
    # The target of the programme file: 6 of 500 enrolled, 1 subsidised.
    target = text.split('id="target"')[1].split("</p>")[0]
    assert "1% of 500" in target and "Target: 500 enterprises by" in target


def test_a_county_sees_its_own_enterprises_only(world):
    w = world
    populate(w)
    text = browser_for(w.app, w.county_official).get("/reform/board").text
    assert f'data-county="{NANGUAN}"' in text
    assert f'data-county="{CHAOYANG}"' not in text


def test_the_workbook_holds_the_board(world):
    w = world
    populate(w)
    response = browser_for(w.app, w.official).get("/reform/board.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert len(book.sheetnames) == 5
    by_county = list(book.worksheets[0].iter_rows(values_only=True))
    totals = next(r for r in by_county if r[0] == "In all")
    assert list(totals[1:7]) == [6, 5, 4, 3, 2, 1]
    spending = list(book.worksheets[3].iter_rows(values_only=True))
    assert spending[-1][1] == 4 and float(spending[-1][5]) == 300000.0


def test_enterprises_and_providers_have_no_board(world):
    w = world
    assert browser_for(w.app, w.provider_user).get("/reform/board").status_code == 403


def test_the_board_runs_the_same_queries_whatever_the_number_of_enterprises(world, count_queries):
    w = world
    populate(w)
    official = browser_for(w.app, w.official)
    official.get("/reform/board")
    with count_queries() as small:
        assert official.get("/reform/board").status_code == 200
    for stage in ("enrolled", "reforming", "graded", "accepted", "subsidised") * 4:
        enterprise_at(w, stage, before=1, after=2, paid="1000" if stage == "subsidised" else None)
    db.session.commit()
    with count_queries() as large:
        assert official.get("/reform/board").status_code == 200
    assert large.count == small.count, (small.statements, large.statements)
    assert large.count <= 12, large.statements
