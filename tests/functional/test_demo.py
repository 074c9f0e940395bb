"""`flask demo load`: idempotent, and every demo account reaches its role's dashboard."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.clock import local_today, utcnow
from app.extensions import db
from blueprints.demo import api_keys as demo_api_keys
from blueprints.demo.loader import DEMO_PASSWORD, EVALUATION_BODIES, load_demo
from models import ExportJob, ExportStatus, Objection, Organisation, OrgKind, Role, User
from tests.conftest import Browser


@pytest.fixture
def demo_accounts(app_ctx):
    return load_demo()


def test_demo_load_is_idempotent(demo_accounts):
    before = (
        db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)),
        db.session.scalar(sa.select(sa.func.count()).select_from(User)),
    )
    load_demo()
    after = (
        db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)),
        db.session.scalar(sa.select(sa.func.count()).select_from(User)),
    )
    assert before == after


def test_the_ten_evaluation_bodies_with_their_codes(demo_accounts):
    bodies = dict(
        db.session.execute(
            sa.select(Organisation.body_code, Organisation.name).where(
                Organisation.kind == OrgKind.EVALUATION_BODY
            )
        ).all()
    )
    assert {code: name for code, name, _ in EVALUATION_BODIES}.items() <= bodies.items()
    assert len(EVALUATION_BODIES) == 10


def test_demo_enterprises_have_valid_credit_codes(demo_accounts):
    from stdnum.cn import uscc

    codes = db.session.scalars(
        sa.select(Organisation.credit_code).where(Organisation.kind == OrgKind.ENTERPRISE)
    ).all()
    assert len(codes) >= 5
    assert all(uscc.is_valid(code) for code in codes)


def test_every_demo_account_signs_in_and_sees_its_dashboard(app, demo_accounts):
    db.session.commit()  # release the savepoint so request sessions see the rows
    roles = set()
    for role, email, password in demo_accounts:
        browser = Browser(app.test_client())
        assert password == DEMO_PASSWORD
        assert browser.login(email, password).status_code == 302, email
        page = browser.get("/dashboard")
        assert page.status_code == 200, email
        roles.add(role)
    assert roles == {role.value for role in Role}


@pytest.mark.parametrize(
    "moment",
    [datetime(2026, 11, 29, 10, tzinfo=UTC), datetime(2026, 10, 3, 10, tzinfo=UTC)],
    ids=["a-sunday", "national-day"],
)
def test_on_a_day_off_the_demo_batch_is_still_open_to_objections(app_ctx, moment):
    """A batch created on a day off opens on the next working day: the demo moves it back, so
    that `make run` on a weekend or a holiday still shows a publicity under way."""
    with time_machine.travel(moment, tick=False):
        load_demo()
        [objection] = db.session.scalars(sa.select(Objection)).all()
        batch = objection.entry.batch
        assert batch.starts_on <= local_today() <= batch.ends_on


def test_the_demo_api_keys_read_the_demo(client, demo_accounts):
    made = demo_api_keys.load()
    assert len(made) == 4 and demo_api_keys.load() == []  # made once, shown once
    tokens = dict(made[:1] + made[2:])  # the authority's first (not the one about to expire)
    db.session.flush()

    def items(account, path):
        headers = {"Authorization": f"Bearer {tokens[account]}"}
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"]

    assert items("authority@demo.certpath.cn", "/api/v1/certificates")
    assert items("evaluator@demo.certpath.cn", "/api/v1/projects")
    assert items("authority@demo.certpath.cn", "/api/v1/assessments")
    assert items("authority@demo.certpath.cn", "/api/v1/campaigns")
    assert items("enterprise@demo.certpath.cn", "/api/v1/assessments")
    assert items("enterprise@demo.certpath.cn", "/api/v1/projects")


def test_the_demo_publishes_announcements_on_the_portal(client, demo_accounts):
    from blueprints.main import portal
    from models import Notice, NoticeAudience, OrgKind

    public = db.session.scalars(
        sa.select(Notice)
        .where(Notice.audience == NoticeAudience.PUBLIC)
        .order_by(Notice.published_at.desc())
    ).all()
    assert len(public) == 3
    assert {n.authority.kind for n in public} == {OrgKind.ALLIANCE, OrgKind.AUTHORITY}
    [with_file] = [n for n in public if n.attachments]
    assert with_file.authority.kind == OrgKind.ALLIANCE
    # Dated in the last weeks, on different days.
    now = utcnow()
    assert all(now - timedelta(days=60) < n.published_at < now for n in public)
    assert len({n.published_at.date() for n in public}) == 3
    load_demo()  # idempotent
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(Notice.audience == NoticeAudience.PUBLIC)
        )
        == 3
    )
    portal.forget()
    home = client.get("/").get_data(as_text=True)
    assert all(n.title in home for n in public)
    listing = client.get("/announcements/").get_data(as_text=True)
    assert all(n.title in listing for n in public)
    attachment = with_file.attachments[0]
    download = client.get(f"/announcements/{with_file.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()


def test_the_city_authority_has_a_finished_export_and_one_waiting(app, demo_accounts):
    browser = Browser(app.test_client())
    assert browser.login("authority@demo.certpath.cn", DEMO_PASSWORD).status_code == 302
    made = db.session.scalars(sa.select(ExportJob).order_by(ExportJob.id)).all()
    assert [job.status for job in made] == [ExportStatus.DONE, ExportStatus.QUEUED]
    assert made[0].rows_written > 0
    page = browser.get("/exports/").get_data(as_text=True)
    assert f"/exports/{made[0].id}/file" in page and "排队中" in page
    download = browser.get(f"/exports/{made[0].id}/file")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    download.close()
    load_demo()  # idempotent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 2


def test_the_demo_evaluators_are_registered_one_expiring_and_one_waiting(app, demo_accounts):
    from models import EvaluatorCompetence, EvaluatorRegistration, RecordStatus

    registrations = db.session.scalars(sa.select(EvaluatorRegistration)).all()
    assert {r.status for r in registrations} == {RecordStatus.APPROVED, RecordStatus.SUBMITTED}
    assert all(r.issued_on < r.expires_on for r in registrations)
    today = local_today()
    [expiring] = [r for r in registrations if 0 <= (r.expires_on - today).days <= 90]
    assert (expiring.expires_on - today).days == 30
    assert [r.number for r in registrations if r.status is RecordStatus.SUBMITTED] == [
        "LHPD-G-2026-0031"
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluatorCompetence)) >= 4
    body = Browser(app.test_client())
    assert body.login("evaluator@demo.certpath.cn", DEMO_PASSWORD).status_code == 302
    assert "work-evaluator_expiring" in body.get("/dashboard").get_data(as_text=True)
    assert "LHPD-Z-2023-0019" in body.get("/evaluators/").get_data(as_text=True)
    alliance = Browser(app.test_client())
    assert alliance.login("alliance@demo.certpath.cn", DEMO_PASSWORD).status_code == 302
    assert "LHPD-G-2026-0031" in alliance.get("/dashboard").get_data(as_text=True)
    load_demo()  # idempotent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluatorRegistration)) == 10


def test_the_alliance_reports_compare_bodies_and_show_a_gap(app, demo_accounts):
    alliance = Browser(app.test_client())
    assert alliance.login("alliance@demo.certpath.cn", DEMO_PASSWORD).status_code == 302
    bodies = alliance.get("/evaluators/reports/bodies").get_data(as_text=True)
    for name in ("上海质量体系审核中心", "国家工业信息安全发展研究中心", "赛宝认证中心"):
        assert name in bodies
    sectors = alliance.get("/evaluators/reports/sectors?gaps=y").get_data(as_text=True)
    assert "信息传输、软件和信息技术服务业" in sectors and "制造业" not in sectors
    expiring = alliance.get("/evaluators/reports/expiring?within=30").get_data(as_text=True)
    assert "LHPD-Z-2023-0019" in expiring
    assert "work-evaluator_sector_gaps" in alliance.get("/dashboard").get_data(as_text=True)


def test_the_demo_has_an_open_appeal_and_a_complaint_on_the_alliance_list(app, demo_accounts):
    from models import Case, CaseKind, CaseStatus, CaseSubject

    # The complaint about a consultancy (the one about a certificate holder: the next test).
    cases = {
        (c.kind, c.subject, c.pool_member_id is not None): c
        for c in db.session.scalars(sa.select(Case))
    }
    appeal = cases[CaseKind.APPEAL, None, False]
    complaint = cases[CaseKind.COMPLAINT, CaseSubject.ORGANISATION, False]
    assert appeal.status is CaseStatus.RECEIVED and appeal.handler_id is None
    assert appeal.decision == "return_compliance"
    assert appeal.received_at < utcnow() and appeal.acknowledge_due_on >= local_today()
    assert appeal.project_event.created_at < appeal.received_at
    assert complaint.status is CaseStatus.ACKNOWLEDGED and complaint.locale == "en"
    assert complaint.received_at < appeal.received_at and complaint.notes
    alliance = Browser(app.test_client())
    assert alliance.login("alliance@demo.certpath.cn", DEMO_PASSWORD).status_code == 302
    dashboard = alliance.get("/dashboard").get_data(as_text=True)
    assert appeal.reference in dashboard and complaint.reference in dashboard
    # The reviewer who returned it is shown refused; alliance@ may take it.
    page = alliance.get(f"/cases/{appeal.id}").get_data(as_text=True)
    assert "孙复核" in page
    appellant = Browser(app.test_client())
    assert appellant.login("zhangjiang@demo.certpath.cn", DEMO_PASSWORD).status_code == 302
    assert appeal.reference in appellant.get("/dashboard").get_data(as_text=True)
    load_demo()  # idempotent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 4


def test_the_demo_has_a_suspended_provider_with_its_appeal_pending(app, demo_accounts):
    """pool-d@ appealed its suspension by changchun@; alliance2@ handles it: both see it on
    their work lists, and the place's page offers no second appeal."""
    from models import Case, CaseStatus, PoolStatus

    case = db.session.scalar(sa.select(Case).where(Case.pool_member_id.is_not(None)))
    assert case is not None and case.status is CaseStatus.RECEIVED
    assert case.pool_member.status is PoolStatus.SUSPENDED and case.decision == "suspend"
    assert case.pool_event.at < case.received_at < utcnow()
    assert case.handler is not None and case.handler.email == "alliance2@demo.certpath.cn"
    for email in ("alliance2@demo.certpath.cn", "pool-d@demo.certpath.cn"):
        browser = Browser(app.test_client())
        assert browser.login(email, DEMO_PASSWORD).status_code == 302
        assert case.reference in browser.get("/dashboard").get_data(as_text=True), email
    page = browser.get(f"/pool/{case.pool_member_id}").get_data(as_text=True)
    assert case.reference in page and "/cases/appeal/pool/" not in page


def test_the_demo_body_has_a_special_audit_to_schedule(app, demo_accounts):
    """A complaint about a holder of body 005 led its handler to order a special audit the
    day before: the body's lead evaluator finds it on the work list."""
    from models import SpecialAudit, SpecialAuditStatus

    load_demo()  # idempotent: still one
    [special] = db.session.scalars(sa.select(SpecialAudit)).all()
    assert special.status is SpecialAuditStatus.ORDERED
    assert special.ordered_at.date() == (utcnow() - timedelta(days=1)).date()
    assert special.case.received_at < special.ordered_at
    lead = db.session.scalar(sa.select(User).where(User.email == "evaluator@demo.certpath.cn"))
    browser = Browser(app.test_client())
    browser.login(lead.email, DEMO_PASSWORD)
    board = browser.get("/dashboard").get_data(as_text=True)
    assert f"/special-audits/{special.id}" in board


def test_the_demo_reform_projects_wait_on_each_party_and_the_little_giant_is_refused(
    app, demo_accounts
):
    """Changchun's reform projects: one waiting for the 南关区 authority, one for the city, one
    in implementation with its training plan, one the county returned for its budget, each
    dated after the diagnosis; the enterprise the city flagged a "little giant" is refused when
    it files its draft, and told why."""
    from blueprints.main.worklist import work_for
    from models import ExclusionEvent, ExclusionFlag, ReformProject, ReformStatus

    load_demo()  # idempotent: nothing twice
    projects = db.session.scalars(sa.select(ReformProject).order_by(ReformProject.id)).all()
    # The accepted ones of the first round's enterprise: the next test.
    projects = [p for p in projects if p.status != ReformStatus.ACCEPTED]
    by_status = {p.status: p for p in projects}
    assert len(projects) == 7 == len(by_status)
    returned = by_status[ReformStatus.RETURNED]
    assert [e.action for e in returned.events] == ["file", "county_return"]
    assert returned.events[-1].comment.startswith("预算偏高")
    county = by_status[ReformStatus.AWAITING_COUNTY].county_authority
    assert county is not None and county.name == "长春市南关区工业和信息化局"
    assert len(by_status[ReformStatus.AWAITING_CITY].contracts) == 2
    implementing = by_status[ReformStatus.IN_IMPLEMENTATION]
    assert implementing.training_recorded_on is not None
    assert [e.action for e in implementing.events] == ["file", "county_agree", "city_file"]
    moments = [implementing.created_at] + [e.at for e in implementing.events]
    assert moments == sorted(moments) and moments[-1] < utcnow()
    assert implementing.filed_on == local_today() - timedelta(days=11)
    decide, implementing_key = "reform_projects_to_decide", "reform_projects_in_implementation"
    for email, key, project in (
        ("changchun-county@demo.certpath.cn", decide, ReformStatus.AWAITING_COUNTY),
        ("changchun@demo.certpath.cn", decide, ReformStatus.AWAITING_CITY),
        ("changchun-d@demo.certpath.cn", implementing_key, ReformStatus.IN_IMPLEMENTATION),
        ("changchun-c@demo.certpath.cn", "reform_projects_to_file", ReformStatus.DRAFT),
    ):
        user = db.session.scalar(sa.select(User).where(User.email == email))
        (item,) = {group.key: group for group in work_for(user)}[key].items
        assert item.url.endswith(f"/reform/{by_status[project].id}"), email
    # After the implementation: one to grade, one graded 二级 to accept, both to audit.
    to_grade, to_accept = by_status[ReformStatus.IMPLEMENTED], by_status[ReformStatus.GRADED]
    assert to_grade.evaluation_body_id == to_accept.evaluation_body_id is not None
    assert (
        to_grade.audit_firm is not None
        and to_grade.audit_firm.name == "长春正信会计师事务所有限公司"
    )
    assert [e.action for e in to_accept.events][-3:] == ["complete", "appoint", "grade"]
    moments = [e.at for e in to_accept.events]
    assert moments == sorted(moments) and moments[-1] < utcnow()
    for email, key, projects_waiting in (
        ("evaluator@demo.certpath.cn", "reform_projects_to_grade", {to_grade.id, to_accept.id}),
        (
            "changchun-audit@demo.certpath.cn",
            "reform_projects_to_audit",
            {to_grade.id, to_accept.id},
        ),
        ("changchun@demo.certpath.cn", "reform_projects_to_review", {implementing.id}),
    ):
        user = db.session.scalar(sa.select(User).where(User.email == email))
        items = {group.key: group for group in work_for(user)}[key].items
        assert {int(i.url.rsplit("/", 1)[-1]) for i in items} == projects_waiting, email
    [flagged] = db.session.scalars(sa.select(ExclusionEvent)).all()
    assert (flagged.flag, flagged.raised) == (ExclusionFlag.CENTRAL_FUND_GIANT, True)
    assert flagged.actor is not None and flagged.actor.email == "changchun@demo.certpath.cn"
    draft = by_status[ReformStatus.DRAFT]
    assert draft.enterprise.credit_code == flagged.credit_code
    db.session.commit()  # release the savepoint so request sessions see the rows
    browser = Browser(app.test_client())
    browser.login("changchun-c@demo.certpath.cn", DEMO_PASSWORD)
    page = f"/reform/{draft.id}"
    refused = browser.submit(
        page, {"action": "file", "version": str(draft.lock_version)}, action=f"{page}/move"
    )
    assert refused.status_code == 409
    assert str(ExclusionFlag.CENTRAL_FUND_GIANT.title) in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ReformProject, draft.id).status == ReformStatus.DRAFT
    # The city finds the flag where it deals with the enterprise: its diagnosis engagement.
    from models import DiagnosisEngagement

    engagement = db.session.scalar(
        sa.select(DiagnosisEngagement).where(
            DiagnosisEngagement.enterprise_id == draft.enterprise_id
        )
    )
    city = Browser(app.test_client())
    city.login("changchun@demo.certpath.cn", DEMO_PASSWORD)
    html = city.get(f"/engagements/{engagement.id}").get_data(as_text=True)
    link = f'id="eligibility-flags" href="/reform/enterprises/{draft.enterprise_id}/exclusions"'
    assert link in html
    flags = city.get(f"/reform/enterprises/{draft.enterprise_id}/exclusions")
    assert flags.status_code == 200
    assert str(ExclusionFlag.CENTRAL_FUND_GIANT.title) in flags.get_data(as_text=True)
    provider = Browser(app.test_client())
    provider.login("diagnosis@demo.certpath.cn", DEMO_PASSWORD)
    assert 'id="eligibility-flags"' not in provider.get(f"/engagements/{engagement.id}").text


def test_the_demo_subsidies_wait_on_the_enterprise_and_the_city(app, demo_accounts):
    """Changchun's accepted reform projects (seed 004 三(二)7): one for changchun-f@ to apply
    for, one applied for and one approved on changchun@'s list, one paid; each with its
    outcomes, its history in order."""
    from blueprints.main.worklist import work_for
    from models import ReformProject, ReformStatus
    from models.reform_subsidy import ReformOutcome, ReformSubsidy, SubsidyStatus

    load_demo()  # idempotent: nothing twice
    accepted = db.session.scalars(
        sa.select(ReformProject)
        .where(ReformProject.status == ReformStatus.ACCEPTED)
        .order_by(ReformProject.id)
    ).all()
    assert len(accepted) == 4
    subsidies = db.session.scalars(sa.select(ReformSubsidy)).all()
    assert sorted(s.status.value for s in subsidies) == ["applied", "approved", "paid"]
    for project in accepted:
        assert db.session.scalar(
            sa.select(sa.func.count()).where(ReformOutcome.project_id == project.id)
        )
        moments = [project.created_at] + [e.at for e in project.events]
        assert moments == sorted(moments) and moments[-1] < utcnow(), project.name
    paid = next(s for s in subsidies if s.status == SubsidyStatus.PAID)
    assert paid.paid_amount == paid.approved_amount and paid.paid_on <= local_today()
    assert paid.applied_at < paid.decided_at
    enterprise = db.session.scalar(
        sa.select(User).where(User.email == "changchun-f@demo.certpath.cn")
    )
    (to_apply,) = {g.key: g for g in work_for(enterprise)}["reform_subsidies_to_apply"].items
    city = db.session.scalar(sa.select(User).where(User.email == "changchun@demo.certpath.cn"))
    handle = {g.key: g for g in work_for(city)}["reform_subsidies_to_handle"]
    assert handle.total == 2
    db.session.commit()  # release the savepoint so request sessions see the rows
    browser = Browser(app.test_client())
    browser.login("changchun-f@demo.certpath.cn", DEMO_PASSWORD)
    page = browser.get(to_apply.url.split("#")[0]).get_data(as_text=True)
    assert 'id="apply-subsidy"' in page and "234000.00" in page
    official = Browser(app.test_client())
    official.login("changchun@demo.certpath.cn", DEMO_PASSWORD)
    listing = official.get("/reform/subsidies/").get_data(as_text=True)
    assert "长春高新生物药业有限公司" in listing and "980000.00" in listing
