"""The subsidy of a reform project and its outcomes (seed 004 三(二)7, 附件4): the enterprise
records its outcomes before and after and applies once the grade after the reform is 二级 or
above, the acceptance passed and the special audit report is filed; the city approves at most
the share of the eligible cost, capped, or refuses (the enterprise may apply again), then
records the payment. Each guard is refused with its reason; every hand-over is heard in-app and
by email in the recipient's language; other parties' ids are 404; a stale page is 409; the list
filters, searches, totals and exports; the pages run a bounded number of queries.

The gradings, acceptances and audit reports (part 4's flows) are rows made here directly."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from app.clock import local_today, utcnow
from app.extensions import db
from blueprints.reform import subsidy as subsidy_services
from models import (
    OrgKind,
    ReformProject,
    ReformStatus,
    SmeLevelEvaluation,
    SmeLevelKind,
)
from models.reform_review import (
    AcceptanceVerdict,
    ReformAcceptance,
    ReformAuditReport,
    ReformGrading,
)
from models.reform_subsidy import OutcomeCategory, ReformOutcome, ReformSubsidy, SubsidyStatus
from models.user import Role
from tests import factories
from tests.functional.projects.helpers import browser_for
from tests.functional.reform import test_reform_projects as reform_tests
from tests.functional.reform.test_reform_projects import fresh, mailed, notified

# The reform projects' world (a city, its county, the enterprise, providers), reused.
world = reform_tests.world


def _file() -> dict:
    return {
        "original_name": "报告.pdf",
        "stored_name": uuid.uuid4().hex,
        "size": 100,
        "sha256": "0" * 64,
        "content_type": "application/pdf",
    }


def accepted_project(
    w,
    *,
    grade: int = 2,
    verdict: AcceptanceVerdict | None = AcceptanceVerdict.PASS,
    audit: bool = True,
    outcomes: int = 1,
    eligible_cost: Decimal = Decimal("1000000"),
    status: ReformStatus | None = None,
    name: str = "冲压车间数字化改造",
) -> ReformProject:
    """A project carried to acceptance as part 4 would leave it (rows made directly)."""
    if not hasattr(w, "body"):
        w.body = factories.organisation(OrgKind.EVALUATION_BODY, region="220100")
        w.assessor = factories.user(w.body, is_org_admin=True)
        w.firm = factories.organisation(OrgKind.AUDIT_FIRM, region="220100")
        w.auditor = factories.user(w.firm, role=Role.AUDITOR, is_org_admin=True)
    accepted = verdict is not None and verdict.passed
    project = ReformProject(
        engagement_id=w.engagement.id,
        programme_key="changchun_pilot",
        authority_id=w.city.id,
        county_authority_id=w.county.id,
        enterprise_id=w.enterprise.id,
        evaluation_body_id=w.body.id,
        audit_firm_id=w.firm.id,
        name=name,
        scenario_codes=["2.3.1"],
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
        budget=Decimal("1200000"),
        status=status or (ReformStatus.ACCEPTED if accepted else ReformStatus.IN_IMPLEMENTATION),
        filed_on=date(2026, 2, 20),
        created_by_id=w.owner.id,
    )
    db.session.add(project)
    db.session.flush()
    number = (
        db.session.scalar(
            sa.select(sa.func.max(SmeLevelEvaluation.number)).where(
                SmeLevelEvaluation.organisation_id == w.enterprise.id,
                SmeLevelEvaluation.kind == SmeLevelKind.REFORM,
            )
        )
        or 0
    ) + 1
    evaluation = SmeLevelEvaluation(
        organisation_id=w.enterprise.id,
        number=number,
        table_key="sme_level_2024",
        kind=SmeLevelKind.REFORM,
        points={},
        levels={},
        total_points=20.0 * grade,
        grade_level=grade,
        pledged_at=utcnow(),
        created_by_id=w.assessor.id,
    )
    db.session.add(evaluation)
    db.session.flush()
    grading = ReformGrading(
        project_id=project.id,
        body_id=w.body.id,
        evaluation_id=evaluation.id,
        graded_on=date(2026, 11, 10),
        systems_checked="MES 已上线运行",
        recorded_by_id=w.assessor.id,
        **_file(),
    )
    db.session.add(grading)
    db.session.flush()
    if verdict is not None:
        db.session.add(
            ReformAcceptance(
                project_id=project.id,
                body_id=w.body.id,
                grading_id=grading.id,
                leader_id=w.assessor.id,
                experts=["王工", "李工"],
                reviewed_on=date(2026, 11, 20),
                site_checked_on=date(2026, 11, 21),
                verdict=verdict,
                opinion="改造按方案实施",
                **_file(),
            )
        )
    if audit:
        db.session.add(
            ReformAuditReport(
                project_id=project.id,
                firm_id=w.firm.id,
                reported_on=date(2026, 11, 25),
                eligible_cost=eligible_cost,
                conclusion="费用真实合规",
                recorded_by_id=w.auditor.id,
                **_file(),
            )
        )
    for n in range(outcomes):
        db.session.add(
            ReformOutcome(
                project_id=project.id,
                category=OutcomeCategory.EFFICIENCY,
                indicator=f"设备综合效率{n}",
                unit="%",
                before=Decimal("62.5"),
                after=Decimal("78"),
                recorded_by_id=w.owner.id,
            )
        )
    db.session.commit()
    return project


def page_of(project: ReformProject) -> str:
    return f"/reform/{project.id}"


def newest(project_id: int) -> ReformSubsidy:
    db.session.expire_all()
    found = db.session.scalar(
        sa.select(ReformSubsidy)
        .where(ReformSubsidy.project_id == project_id)
        .order_by(ReformSubsidy.id.desc())
        .limit(1)
    )
    assert found is not None
    return found


def apply(browser, project: ReformProject, amount: str = "300000"):
    page = page_of(project)
    return browser.submit(page, {"amount": amount}, action=f"{page}/subsidy")


def decide(
    browser,
    subsidy: ReformSubsidy,
    action: str,
    amount: str = "",
    note: str = "",
    version_of: int | None = None,
):
    page = f"/reform/{subsidy.project_id}"
    return browser.submit(
        page,
        {
            "action": action,
            "amount": amount,
            "note": note,
            "version": str(version_of or subsidy.lock_version),
        },
        action=f"/reform/subsidies/{subsidy.id}/decide",
    )


def pay(
    browser,
    subsidy: ReformSubsidy,
    amount: str,
    on: date,
    reference: str = "拨付凭证-001",
    version_of: int | None = None,
):
    page = f"/reform/{subsidy.project_id}"
    return browser.submit(
        page,
        {
            "paid_amount": amount,
            "paid_on": on.isoformat(),
            "reference": reference,
            "version": str(version_of or subsidy.lock_version),
        },
        action=f"/reform/subsidies/{subsidy.id}/pay",
    )


def outcome(browser, project: ReformProject, **changes):
    page = page_of(project)
    data = {
        "category": "cost",
        "indicator": "单位产品成本",
        "unit": "元/件",
        "before": "120",
        "after": "96",
        **changes,
    }
    return browser.submit(page, data, action=f"{page}/outcomes")


def test_outcomes_recorded_applied_approved_and_paid(world):
    w = world
    w.official.locale = "en"  # the city official reads English: the notices come in it
    db.session.commit()
    project = accepted_project(w, outcomes=0)
    owner = browser_for(w.app, w.owner)
    # The accepted project waits on the enterprise's work list.
    assert "reform_subsidies_to_apply" in owner.get("/dashboard").text
    # Without an outcome the application is offered disabled, with the reason.
    page = owner.get(page_of(project)).text
    assert "至少记录一项改造成效" in page and "30 %" in page and "300000.00" in page
    refused = apply(owner, project)
    assert refused.status_code == 409 and "至少记录一项改造成效" in refused.text
    # Outcomes: recorded, a duplicate refused beside its field, changed, the change shown.
    assert outcome(owner, project).status_code == 302
    twice = outcome(owner, project, before="1")
    assert twice.status_code == 422 and "该类别下已记录此指标" in twice.text
    assert (
        outcome(
            owner,
            project,
            category="green",
            indicator="单位产值能耗",
            unit="吨标煤/万元",
            before="0.8",
            after="0.6",
        ).status_code
        == 302
    )
    assert (
        outcome(
            owner,
            project,
            category="innovation",
            indicator="新产品数",
            unit="个",
            before="0",
            after="300",
        ).status_code
        == 302
    )
    shown = owner.get(page_of(project)).text
    # The change and its percentage where there was something before; figures as written.
    assert "-24" in shown and "-20.00 %" in shown and ">+300<" in shown and "E+" not in shown
    changed = db.session.scalar(
        sa.select(ReformOutcome).where(ReformOutcome.indicator == "单位产品成本")
    )
    edit = f"/reform/outcomes/{changed.id}/edit"
    assert owner.get(edit).status_code == 200
    clash = owner.submit(
        edit,
        {"category": "green", "indicator": "单位产值能耗", "unit": "", "before": "1", "after": "2"},
    )
    assert clash.status_code == 422 and "该类别下已记录此指标" in clash.text
    assert (
        owner.submit(
            edit,
            {
                "category": "cost",
                "indicator": "单位产品成本",
                "unit": "元/件",
                "before": "120",
                "after": "90",
            },
        ).status_code
        == 302
    )
    assert "-25.00 %" in owner.get(page_of(project)).text
    # Removal asks first.
    new_products = db.session.scalar(
        sa.select(ReformOutcome).where(ReformOutcome.indicator == "新产品数")
    )
    removed_id = new_products.id
    remove = f"/reform/outcomes/{removed_id}/remove"
    assert owner.submit(page_of(project), {}, action=remove).status_code == 422
    assert owner.submit(page_of(project), {"confirm": "y"}, action=remove).status_code == 302
    db.session.expire_all()
    assert db.session.get(ReformOutcome, removed_id) is None
    # Above what the rule allows (30 % of 1,000,000, capped at 500,000): beside the field.
    above = apply(owner, project, "300000.01")
    assert above.status_code == 422 and "300,000.00" in above.text
    assert apply(owner, project, "0").status_code == 422
    assert apply(owner, project, "280000").status_code == 302
    subsidy = newest(project.id)
    assert subsidy.status == SubsidyStatus.APPLIED
    assert subsidy.eligible_cost == Decimal("1000000") and subsidy.requested_amount == 280000
    # A second live application is refused.
    again = apply(owner, project, "1000")
    assert again.status_code == 409
    # The city hears, in English, and has it to decide.
    assert any("applied for the subsidy" in t for t in notified(w.official))
    assert any("applied for the subsidy" in t for t in mailed(w.official))
    official = browser_for(w.app, w.official)
    assert "reform_subsidies_to_handle" in official.get("/dashboard").text
    assert "reform_subsidies_to_apply" not in owner.get("/dashboard").text
    # The county reads it but may not decide; the enterprise may not either.
    county = browser_for(w.app, w.county_official)
    assert decide(county, subsidy, "approve", "100000").status_code == 409
    assert decide(owner, subsidy, "approve", "100000").status_code == 403
    # Approval: an amount is needed, at most what was asked and the rule allows.
    assert decide(official, subsidy, "approve").status_code == 422
    assert decide(official, subsidy, "approve", "280000.01").status_code == 422
    stale = subsidy.lock_version
    assert decide(official, subsidy, "approve", "250000", "按审计金额核定").status_code == 302
    subsidy = newest(project.id)
    assert subsidy.status == SubsidyStatus.APPROVED and subsidy.approved_amount == 250000
    assert subsidy.share == Decimal("0.3") and subsidy.cap == 500000
    assert decide(official, subsidy, "refuse", note="迟了", version_of=stale).status_code == 409
    # The enterprise hears, in Chinese.
    assert any("补贴已核准" in t and "250,000.00" in t for t in notified(w.owner))
    assert any("补贴已核准" in t for t in mailed(w.owner))
    # Payment: not above the approved amount, not in the future, not before the approval.
    today = local_today()
    assert pay(official, subsidy, "250000.01", today).status_code == 422
    assert pay(official, subsidy, "250000", today + timedelta(days=1)).status_code == 422
    assert pay(official, subsidy, "250000", today - timedelta(days=1)).status_code == 422
    assert pay(official, subsidy, "250000", today, reference=" ").status_code == 422
    assert pay(official, subsidy, "250000", today).status_code == 302
    subsidy = newest(project.id)
    assert subsidy.status == SubsidyStatus.PAID and subsidy.paid_on == today
    assert subsidy.payment_reference == "拨付凭证-001"
    assert any("补贴已拨付" in t for t in notified(w.owner))
    assert "reform_subsidies_to_handle" not in official.get("/dashboard").text
    # Paid: the outcomes are locked.
    assert outcome(owner, project, indicator="其他").status_code == 409
    assert (
        owner.submit(
            edit,
            {
                "category": "cost",
                "indicator": "单位产品成本",
                "unit": "",
                "before": "1",
                "after": "2",
            },
        ).status_code
        == 409
    )
    assert [e.action for e in fresh(project.id).events] == [
        "subsidy_apply",
        "subsidy_approve",
        "subsidy_pay",
    ]


def test_refused_then_applied_again(world):
    w = world
    project = accepted_project(w)
    owner = browser_for(w.app, w.owner)
    official = browser_for(w.app, w.official)
    assert apply(owner, project, "200000").status_code == 302
    subsidy = newest(project.id)
    # Refusing needs a reason, beside its field.
    assert decide(official, subsidy, "refuse").status_code == 422
    assert decide(official, subsidy, "refuse", note="审计报告缺少发票明细").status_code == 302
    assert newest(project.id).status == SubsidyStatus.REFUSED
    assert any("审计报告缺少发票明细" in t for t in notified(w.owner))
    assert any("补贴未获核准" in t for t in mailed(w.owner))
    dashboard = owner.get("/dashboard").text
    assert "reform_subsidies_to_apply" in dashboard and "重新申请" in dashboard
    # Nothing is paid on a refused application.
    assert pay(official, newest(project.id), "1", local_today()).status_code == 409
    assert apply(owner, project, "150000").status_code == 302
    rows = db.session.scalars(
        sa.select(ReformSubsidy.status).where(ReformSubsidy.project_id == project.id)
    ).all()
    assert sorted(r.value for r in rows) == ["applied", "refused"]
    # The page shows both, the refusal's reason too.
    assert "审计报告缺少发票明细" in owner.get(page_of(project)).text


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ({"grade": 1}, "一级（初始级）"),
        ({"grade": 0}, "无等级"),
        ({"verdict": AcceptanceVerdict.FAIL}, "不通过"),
        ({"verdict": None, "status": ReformStatus.GRADED}, "专家组尚未验收"),
        ({"status": ReformStatus.GRADED}, "项目尚未通过验收"),
        ({"audit": False}, "尚未提交专项审计报告"),
        ({"outcomes": 0}, "至少记录一项改造成效"),
    ],
)
def test_each_guard_is_refused_with_its_reason(world, setting, expected):
    w = world
    project = accepted_project(w, **setting)
    owner = browser_for(w.app, w.owner)
    refused = apply(owner, project)
    assert refused.status_code == 409, refused.status_code
    assert expected in refused.text
    assert db.session.scalar(sa.select(sa.func.count(ReformSubsidy.id))) == 0


def test_the_share_and_the_cap_bound_the_amount(world, monkeypatch):
    w = world
    monkeypatch.setitem(w.app.config, "REFORM_SUBSIDY_SHARE", Decimal("0.5"))
    monkeypatch.setitem(w.app.config, "REFORM_SUBSIDY_CAP", Decimal("100000"))
    small = accepted_project(w, eligible_cost=Decimal("150000.05"), name="小项目")
    large = accepted_project(w, eligible_cost=Decimal("1000000"), name="大项目")
    owner = browser_for(w.app, w.owner)
    # 50 % of 150,000.05 is 75,000.02 (to the cent below); 50 % of 1,000,000 is capped.
    assert "75000.02" in owner.get(page_of(small)).text
    assert "100000.00" in owner.get(page_of(large)).text
    assert apply(owner, small, "75000.03").status_code == 422
    assert apply(owner, small, "75000.02").status_code == 302
    assert apply(owner, large, "100000.01").status_code == 422
    assert apply(owner, large, "100000").status_code == 302
    # The city decides under a lower cap: the one in force is applied and kept.
    monkeypatch.setitem(w.app.config, "REFORM_SUBSIDY_CAP", Decimal("80000"))
    official = browser_for(w.app, w.official)
    subsidy = newest(large.id)
    assert decide(official, subsidy, "approve", "80000.01").status_code == 422
    assert decide(official, subsidy, "approve", "80000").status_code == 302
    decided = newest(large.id)
    assert (decided.share, decided.cap, decided.approved_amount) == (
        Decimal("0.5"),
        Decimal("80000"),
        Decimal("80000"),
    )
    assert subsidy_services.Rule(Decimal("0.3"), Decimal("500000")).maximum(
        Decimal("2000000")
    ) == Decimal("500000")


def test_a_race_between_two_applications_is_a_conflict(world, monkeypatch):
    w = world
    project = accepted_project(w)
    owner = browser_for(w.app, w.owner)
    assert apply(owner, project, "1000").status_code == 302
    # A second request that read the state before the first was written: the index refuses.
    monkeypatch.setattr(subsidy_services, "state_of", lambda _p: (None, None))
    raced = apply(owner, project, "2000")
    assert raced.status_code == 409 and "已有待决定或已核准的申请" in raced.text
    assert db.session.scalar(sa.select(sa.func.count(ReformSubsidy.id))) == 1


def test_other_parties_ids_are_not_found(world):
    w = world
    project = accepted_project(w)
    owner = browser_for(w.app, w.owner)
    assert apply(owner, project, "1000").status_code == 302
    subsidy = newest(project.id)
    the_outcome = db.session.scalar(sa.select(ReformOutcome))
    stranger = browser_for(w.app, w.stranger)
    other_county = browser_for(w.app, w.other_official)
    page = "/reform/subsidies/"
    assert apply(stranger, project).status_code == 404
    assert outcome(stranger, project).status_code == 404
    assert stranger.get(f"/reform/outcomes/{the_outcome.id}/edit").status_code == 404
    removed = stranger.submit(
        "/reform/", {"confirm": "y"}, action=f"/reform/outcomes/{the_outcome.id}/remove"
    )
    assert removed.status_code == 404
    # The city reads the outcomes but changes none of them.
    official = browser_for(w.app, w.official)
    assert official.get(f"/reform/outcomes/{the_outcome.id}/edit").status_code == 403
    assert decide(other_county, subsidy, "approve", "1000").status_code == 404
    assert pay(other_county, subsidy, "1", local_today()).status_code == 404
    assert "冲压车间数字化改造" not in other_county.get(page).text
    assert owner.get(page).status_code == 403
    assert browser_for(w.app, w.vendors[0]).get(page).status_code == 403


def test_the_list_filters_searches_totals_and_exports(world):
    w = world
    owner = browser_for(w.app, w.owner)
    official = browser_for(w.app, w.official)
    first = accepted_project(w, name="冲压车间数字化改造")
    second = accepted_project(w, name="仓储物流改造")
    assert apply(owner, first, "200000").status_code == 302
    assert apply(owner, second, "100000").status_code == 302
    assert decide(official, newest(first.id), "approve", "150000").status_code == 302
    listing = official.get("/reform/subsidies/").text
    assert "冲压车间数字化改造" in listing and "仓储物流改造" in listing
    assert "300000.00" in listing and "150000.00" in listing  # requested, approved totals
    approved = official.get("/reform/subsidies/?status=approved").text
    assert "冲压车间数字化改造" in approved and "仓储物流改造" not in approved
    assert "仓储物流改造" in official.get("/reform/subsidies/?q=仓储").text
    assert "冲压车间数字化改造" not in official.get("/reform/subsidies/?q=仓储").text
    assert "仓储物流改造" in official.get("/reform/subsidies/?region=220102").text
    assert "仓储物流改造" not in official.get("/reform/subsidies/?region=220104").text
    assert official.get("/reform/subsidies/?status=nonsense&page=x").status_code == 200
    county = browser_for(w.app, w.county_official)
    assert "仓储物流改造" in county.get("/reform/subsidies/").text
    workbook = openpyxl.load_workbook(
        io.BytesIO(official.get("/reform/subsidies/export.xlsx?status=approved").data)
    )
    cells = [c.value for row in workbook.active.iter_rows() for c in row]
    assert "冲压车间数字化改造" in cells and "仓储物流改造" not in cells
    assert 150000 in cells and 0.3 in cells
