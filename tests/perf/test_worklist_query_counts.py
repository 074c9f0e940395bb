"""Dashboards with their work lists, the staff queues and every list of the menu run the same
number of queries with 3 and with 300 items of every kind (rows made in bulk: the point is the
count, not the story)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db
from models import (
    Assessment,
    AssessmentAction,
    AssessmentEvent,
    AssessmentStatus,
    Audit,
    AuditKind,
    Certificate,
    CertificateRequest,
    EnterpriseSize,
    Finding,
    FindingKind,
    FindingStatus,
    Notification,
    Objection,
    Organisation,
    OrgKind,
    Project,
    ProjectStatus,
    PublicityBatch,
    PublicityEntry,
    RequestKind,
    RequestOutcome,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
    User,
)
from models.reform_review import ReformAuditReport
from models.reform_subsidy import ReformSubsidy
from tests import factories
from tests.functional.projects.helpers import browser_for
from tests.functional.reform import test_reform_projects as reform_tests
from tests.functional.reform.test_reform_subsidy import accepted_project, apply, page_of

P = ProjectStatus
# One project of another enterprise per state that waits on a consultant, an evaluator or the
# alliance.
WAITING = (
    P.CONSULTANCY_INVITED,
    P.SURVEY,
    P.APPLIED,
    P.ACCEPTED,
    P.STAGE1_PLANNED,
    P.CORRECTION,
    P.CONFIRMED,
    P.RE_REVIEW,
    P.READY_FOR_PUBLICITY,
    P.READY_TO_ISSUE,
)
_serials = count(1)


@dataclass
class Cast:
    parties: factories.Parties
    staff: User
    authority: User
    project: Project  # the enterprise's own, in correction
    stage2: Audit


def insert(model: Any, rows: list[dict]) -> list[int]:
    """Many rows in one statement; their ids in the order given."""
    result = db.session.execute(
        sa.insert(model).returning(model.id, sort_by_parameter_order=True), rows
    )
    return list(result.scalars())


def cast() -> Cast:
    parties = factories.Parties()
    staff = factories.alliance_staff()
    city = factories.organisation(OrgKind.AUTHORITY, region="310000")
    project = factories.project(parties, P.CORRECTION, stage2_completed_on=date.today())
    stage2 = db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind.STAGE2)
    )
    factories.assessment(
        parties.enterprise_org, year=date.today().year - 1, status=AssessmentStatus.RETURNED
    )
    return Cast(parties, staff, factories.user(city), project, stage2)


def grow(c: Cast, n: int) -> None:
    """``n`` more items of every kind of every role's list."""
    today, now, p = date.today(), utcnow(), c.parties
    orgs = insert(
        Organisation,
        [
            {
                "kind": OrgKind.ENTERPRISE,
                "name": f"批量企业{i}",
                "credit_code": factories.credit_code(),
                "region_code": "310115",
                "industry_code": "34",
                "size": EnterpriseSize.SMALL,
            }
            for i in range(n * len(WAITING))
        ],
    )
    projects = insert(
        Project,
        [
            {
                "organisation_id": org,
                "status": WAITING[i % len(WAITING)],
                "consultancy_id": p.consultancy_org.id,
                "body_id": p.body_org.id,
                "lead_evaluator_id": p.lead.id,
            }
            for i, org in enumerate(orgs)
        ],
    )
    insert(
        Finding,
        [
            {
                "audit_id": c.stage2.id,
                "kind": FindingKind.MINOR,
                "clause_code": "9.3",
                "description": "批量",
                "status": status,
                "due_on": today + timedelta(days=i % 40 - 20),
                "created_by_id": p.lead.id,
            }
            for i in range(n)
            for status in (FindingStatus.OPEN, FindingStatus.ANSWERED)
        ],
    )
    certificates = insert(
        Certificate,
        [
            {
                "number": f"CSAIII-{p.body_org.body_code}26IIIMS{serial:05d}01",
                "body_id": p.body_org.id,
                "serial": serial,
                "project_id": c.project.id,
                "organisation_id": p.enterprise_org.id,
                "enterprise_name": p.enterprise_org.name,
                "address": "地址",
                "scope": "范围",
                "effective_on": today - timedelta(days=330),
                "expires_on": today + timedelta(days=760),
            }
            for serial in (next(_serials) for _ in range(n))
        ],
    )
    insert(
        ScheduleItem,
        [
            {"certificate_id": cid, "kind": kind, "due_on": today + timedelta(days=30), **extra}
            for cid in certificates
            for kind, extra in (
                (ScheduleKind.SURVEILLANCE_1, {}),
                (
                    ScheduleKind.RECERTIFICATION,
                    {"status": ScheduleStatus.RECOMMENDED, "recommended_at": now},
                ),
            )
        ],
    )
    insert(
        CertificateRequest,
        [
            {
                "certificate_id": cid,
                "kind": RequestKind.CANCEL,
                "reason": "停产",
                "created_by_id": p.enterprise.id,
            }
            for cid in certificates
        ]
        + [  # and as many decided ones, for the queue's other view
            {
                "certificate_id": cid,
                "kind": RequestKind.REISSUE,
                "reason": "更名",
                "created_by_id": p.enterprise.id,
                "handled_at": now,
                "handled_by_id": c.staff.id,
                "outcome": RequestOutcome.DECLINED,
                "decision_reason": "材料不全",
            }
            for cid in certificates
        ],
    )
    batch = PublicityBatch(
        title="开放中",
        starts_on=today,
        ends_on=today + timedelta(days=7),
        working_days=5,
        created_by_id=c.staff.id,
    )
    db.session.add(batch)
    db.session.flush()
    insert(
        PublicityBatch,
        [
            {
                "title": f"已结束{i}",
                "starts_on": today - timedelta(days=10),
                "ends_on": today - timedelta(days=1),
                "working_days": 5,
                "created_by_id": c.staff.id,
            }
            for i in range(n)
        ],
    )
    entries = insert(
        PublicityEntry,
        [
            {
                "batch_id": batch.id,
                "project_id": project,
                "enterprise_name": "批量企业",
                "region_name": "上海市",
                "body_name": "机构",
                "scope": "范围",
            }
            for project in projects[:n]
        ],
    )
    insert(
        Objection,
        [
            {"entry_id": e, "name": "张三", "contact": "1", "reason": "理由", "address_hash": "0"}
            for e in entries
        ],
    )
    assessments = insert(
        Assessment,
        [
            {
                "organisation_id": org,
                "year": today.year,
                "questionnaire_id": "discrete-2026",
                "questionnaire_version": 1,
                "status": AssessmentStatus.AWAITING_CITY,
                "reviewer_id": c.authority.organisation_id,
                "submitted_at": now,
            }
            for org in orgs[:n]
        ],
    )
    insert(
        AssessmentEvent,
        [
            {
                "assessment_id": a,
                "action": AssessmentAction.RETURN,
                "from_status": AssessmentStatus.AWAITING_CITY,
                "to_status": AssessmentStatus.RETURNED,
                "actor_id": c.authority.id,
            }
            for a in assessments
        ],
    )
    people = [p.enterprise, p.consultant, p.lead, p.evaluator, c.staff, c.authority]
    insert(
        Notification,
        [
            {"user_id": person.id, "key": f"perf:{person.id}:{next(_serials)}", "title": "通知"}
            for person in people
            for _ in range(n)
        ],
    )
    db.session.commit()


# Every list a party opens from the menu, beside the dashboard and the staff queues.
LISTS = ["/projects/", "/notifications/", "/certificates/", "/publicity/"]
PAGES = {
    "enterprise": (
        lambda c: c.parties.enterprise,
        ["/dashboard", "/assessments/", "/certificates/mine", *LISTS],
    ),
    "consultant": (lambda c: c.parties.consultant, ["/dashboard", *LISTS]),
    "lead evaluator": (
        lambda c: c.parties.lead,
        ["/dashboard", "/certificates/issued", "/certificates/issued?surveillance=due", *LISTS],
    ),
    "evaluator": (lambda c: c.parties.evaluator, ["/dashboard", *LISTS]),
    "alliance staff": (
        lambda c: c.staff,
        [
            "/dashboard",
            "/certificates/requests",
            "/certificates/requests?view=decided",
            "/publicity/desk",
            "/orgs/",
            *LISTS,
        ],
    ),
    "authority": (
        lambda c: c.authority,
        [
            "/dashboard",
            "/dashboard/reviews?decision=return",
            "/assessments/queue",
            "/orgs/",
            # Authorities watch regions, not projects.
            *(url for url in LISTS if url != "/projects/"),
        ],
    ),
}


@pytest.mark.parametrize("party", list(PAGES))
def test_pages_run_as_many_queries_with_300_items_as_with_3(app, app_ctx, count_queries, party):
    c = cast()
    grow(c, 3)
    person, urls = PAGES[party]
    browser = browser_for(app, person(c))

    def measure() -> dict[str, Any]:
        counts = {}
        for url in urls:
            with count_queries() as counter:
                response = browser.get(url)
            assert response.status_code == 200, url
            counts[url] = counter
            pages[url] = response.get_data(as_text=True)
        return counts

    pages: dict[str, str] = {}

    small = measure()
    grow(c, 297)
    large = measure()
    if "/dashboard" in pages:  # the lists did grow past their cap: "and N more"
        assert 'class="card-footer small"' in pages["/dashboard"]
    for url in urls:
        # A first page that is not full knows its total without counting; a full one counts
        # (a bounded count on the register): one query more, however many rows there are.
        assert large[url].count <= small[url].count + 1, (url, large[url].statements)
        # One query per kind of work: an evaluation body that also diagnoses for a programme
        # and applies to its provider pool has the most kinds (27 queries on its dashboard).
        assert large[url].count <= 30, (url, large[url].statements)
    print(party, {url: small[url].count for url in urls})  # the figures, with -s


# --- reform subsidies (seed 004 三(二)7) -------------------------------------------------------

world = reform_tests.world  # the reform projects' world, reused


def test_reform_subsidy_pages_do_not_grow_with_outcomes_or_applications(world, count_queries):
    """The project page with 2 and with 8 outcomes, the city's subsidy list with 2 and with 8
    applications, and both dashboards (at most 30 queries)."""
    w = world
    owner = browser_for(w.app, w.owner)
    official = browser_for(w.app, w.official)
    few = accepted_project(w, outcomes=2, name="两项成效")
    many = accepted_project(w, outcomes=8, name="八项成效")

    def measure(browser, url):
        with count_queries() as counter:
            assert browser.get(url).status_code == 200
        return counter.count

    assert measure(owner, page_of(many)) <= measure(owner, page_of(few))
    assert measure(official, page_of(many)) <= measure(official, page_of(few))
    assert apply(owner, few, "1000").status_code == 302
    before = measure(official, "/reform/subsidies/")
    assert apply(owner, many, "1000").status_code == 302
    for n in range(6):
        extra = accepted_project(w, outcomes=0, name=f"项目{n}")
        db.session.add(
            ReformSubsidy(
                project_id=extra.id,
                requested_amount=Decimal(1000),
                eligible_cost=Decimal(10000),
                audit_report_id=db.session.scalar(
                    sa.select(ReformAuditReport.id).where(ReformAuditReport.project_id == extra.id)
                ),
                applied_by_id=w.owner.id,
            )
        )
    db.session.commit()
    after = measure(official, "/reform/subsidies/")
    assert after <= before, (before, after)
    assert measure(official, "/dashboard") <= 30
    assert measure(owner, "/dashboard") <= 30
