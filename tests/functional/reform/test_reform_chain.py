"""Seed 004's chain walked whole through the pages, every party in its own session: a new
provider applies to the programme's pool, the city's expert reviews it, the city admits it and
the publicity ends; the enterprise contracts it and an incumbent provider, one contract each,
and files the project; the county agrees and the city files it; the enterprise records the three
in step and declares it implemented; the city names the evaluation body and the audit firm; the
body grades the enterprise 二级 and its expert group accepts, the county concluding; the audit
firm files its report; the enterprise records an outcome and applies for the subsidy, which the
city approves and pays. Each party hears of what it must do next, the providers' ratings count
the acceptance and the programme board counts the enterprise subsidised."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from blueprints.pool import publicity
from models import (
    Notification,
    OrgKind,
    OutboxMessage,
    PoolMember,
    PoolStatus,
    ReformStatus,
    SubsidyStatus,
)
from tests import factories
from tests.functional.projects.helpers import PDF, browser_for
from tests.functional.reform.test_reform_acceptance import (
    accept,
    appoint,
    audit,
    county_opinion,
    grade,
    parties,  # noqa: F401 — the fixture, reused
    world,  # noqa: F401 — the fixture, reused
)
from tests.functional.reform.test_reform_projects import add_contract, decide, draft, fresh, move
from tests.functional.reform.test_reform_subsidy import apply, newest, outcome, pay
from tests.functional.reform.test_reform_subsidy import decide as decide_subsidy

S = ReformStatus
# A Tuesday: the pool's publicity (5 working days) ends on the next Tuesday.
ADMITTED_AT = datetime(2026, 12, 1, 10)
AFTER_PUBLICITY = datetime(2026, 12, 9, 10)


def member_version(member_id: int) -> str:
    db.session.expire_all()
    member = db.session.get(PoolMember, member_id)
    assert member is not None
    return str(member.lock_version)


def heard(user) -> tuple[int, int]:
    """What ``user`` has been told: in the app, by email."""
    return (
        db.session.scalar(sa.select(sa.func.count()).where(Notification.user_id == user.id)),
        db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.recipient == user.email)),
    )


def join_the_pool(w) -> PoolMember:
    """The newcomer applies with a product and its licence; the city's expert recommends it;
    the city admits it; the publicity ends without objection."""
    vendor = browser_for(w.app, w.newcomer_user)
    pool = f"changchun_pilot:{w.city.id}"
    applied = vendor.submit("/pool/apply", {"pool": pool, "qualifications": "高新技术企业"})
    assert applied.status_code == 302, applied.text
    member = db.session.scalar(sa.select(PoolMember).where(PoolMember.provider_id == w.newcomer.id))
    page = f"/pool/{member.id}"
    product = {
        "name": "设备联网网关",
        "scenario": "2.3.1",
        "price_low": "10",
        "price_high": "40",
        "origin": "existing",
    }
    assert vendor.submit(page, product, action=f"{page}/products").status_code == 302
    licence = vendor.client.post(
        f"{page}/files",
        data={"csrf_token": vendor.token(page), "file": (io.BytesIO(PDF), "营业执照.pdf")},
        content_type="multipart/form-data",
    )
    assert licence.status_code == 302
    submitted = vendor.submit(page, {"version": member_version(member.id)}, action=f"{page}/submit")
    assert submitted.status_code == 302
    official = browser_for(w.app, w.official)
    assert "pool_applications_to_assign" in official.get("/dashboard").text
    assigned = official.submit(
        page,
        {"expert": str(w.expert.id), "version": member_version(member.id)},
        action=f"{page}/experts",
    )
    assert assigned.status_code == 302
    expert = browser_for(w.app, w.expert)
    assert "pool_applications_to_review" in expert.get("/dashboard").text
    opinion = expert.submit(
        page,
        {"recommends": "yes", "opinion": "资质齐全。", "version": member_version(member.id)},
        action=f"{page}/opinion",
    )
    assert opinion.status_code == 302
    with time_machine.travel(ADMITTED_AT, tick=False):
        admitted = browser_for(w.app, w.official).submit(
            page,
            {"action": "admit", "reason": "专家评审通过", "version": member_version(member.id)},
            action=f"{page}/decide",
        )
        assert admitted.status_code == 302
    db.session.expire_all()  # the requests moved it: read it afresh, as the scheduler would
    with time_machine.travel(AFTER_PUBLICITY, tick=False):
        assert publicity.close_ended() == 1
    db.session.expire_all()
    member = db.session.get(PoolMember, member.id)
    assert member.status == PoolStatus.ADMITTED
    return member


@pytest.fixture
def chain(parties):  # noqa: F811
    w = parties
    w.expert = factories.user(w.city, locale="en")
    w.newcomer = factories.organisation(
        OrgKind.SERVICE_PROVIDER, region="220100", name="长春设备联网科技有限公司"
    )
    w.newcomer_user = factories.user(w.newcomer, is_org_admin=True)
    db.session.commit()
    return w


def test_the_chain_from_the_pool_to_the_subsidy_with_every_party(chain):
    w = chain
    newcomer = join_the_pool(w)
    with time_machine.travel(AFTER_PUBLICITY + timedelta(hours=1), tick=False):
        owner, project_id = draft(w)
        # One contract per provider: the incumbent's and the newcomer's.
        assert add_contract(owner, project_id, w.places[0]).status_code == 302
        assert add_contract(owner, project_id, newcomer, price="300000").status_code == 302
        assert move(owner, project_id).status_code == 302
        county = browser_for(w.app, w.county_official)
        assert "reform_projects_to_decide" in county.get("/dashboard").text
        assert decide(county, project_id, "county_agree", "同意").status_code == 302
        official = browser_for(w.app, w.official)
        assert decide(official, project_id, "city_file", "准予入库").status_code == 302
        page = f"/reform/{project_id}"
        for action, data in (
            ("training", {"plan": "全员培训", "on": "2026-03-05"}),
            ("deliveries", {"notes": "网关上线", "on": "2026-06-01"}),
            ("evaluation", {"evaluation": "达到预期", "on": "2026-11-20"}),
        ):
            version = str(fresh(project_id).lock_version)
            done = owner.submit(page, {**data, "version": version}, action=f"{page}/{action}")
            assert done.status_code == 302, done.text
        assert move(owner, project_id, "complete").status_code == 302
        assert fresh(project_id).status == S.IMPLEMENTED

        # The third parties: named by the city, then the grading, the acceptance, the audit.
        assert appoint(official, project_id, w.body, w.firm).status_code == 302
        evaluator = browser_for(w.app, w.evaluator)
        auditor = browser_for(w.app, w.auditor)
        assert "reform_projects_to_grade" in evaluator.get("/dashboard").text
        assert "reform_projects_to_audit" in auditor.get("/dashboard").text
        assert grade(evaluator, project_id, total=55, level=2).status_code == 302
        assert fresh(project_id).status == S.GRADED
        assert accept(evaluator, project_id).status_code == 302
        assert "reform_projects_to_review" in county.get("/dashboard").text
        assert county_opinion(county, project_id, "同意验收").status_code == 302
        assert fresh(project_id).status == S.ACCEPTED
        assert audit(auditor, project_id, eligible_cost="700000").status_code == 302

        # The subsidy: at most 30 % of the audited 700,000 — 210,000.
        project = fresh(project_id)
        assert "reform_subsidies_to_apply" in owner.get("/dashboard").text
        assert apply(owner, project, "200000").status_code == 409  # no outcome yet
        assert outcome(owner, project).status_code == 302
        assert apply(owner, project, "250000").status_code == 422  # above the maximum
        assert apply(owner, project, "200000").status_code == 302
        assert "reform_subsidies_to_handle" in official.get("/dashboard").text
        subsidy = newest(project_id)
        assert decide_subsidy(official, subsidy, "approve", amount="200000").status_code == 302
        subsidy = newest(project_id)
        paid_on = AFTER_PUBLICITY.date()
        assert pay(official, subsidy, "200000", paid_on).status_code == 302
        assert newest(project_id).status == SubsidyStatus.PAID

        # Both providers' ratings count the concluded acceptance (pass: 5); the incumbent's
        # also its accepted diagnosis of the enterprise.
        db.session.expire_all()
        incumbent = db.session.get(PoolMember, w.places[0].id)
        newcomer = db.session.get(PoolMember, newcomer.id)
        assert (incumbent.rated_acceptances, newcomer.rated_acceptances) == (2, 1)
        assert newcomer.rating is not None and newcomer.rating > 3
        # The board counts the enterprise at every stage, 200,000 paid in its county.
        board = official.get("/reform/board").text
        row = board.split('data-county="220102"')[1].split("</tr>")[0]
        assert row.count(">1<") >= 6, row
        assert "200,000.00" in board.split('id="spending-totals"')[1]

    # Every party heard, in the app and by email.
    for user in (
        w.newcomer_user,
        w.expert,
        w.vendors[0],
        w.owner,
        w.county_official,
        w.official,
        w.evaluator,
        w.auditor,
    ):
        in_app, emails = heard(user)
        assert in_app and emails, user.email
