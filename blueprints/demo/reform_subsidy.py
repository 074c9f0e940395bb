"""Reform subsidies of the Changchun pilot (seed 004 三(二)7): 长春高新生物药业, enrolled in the
pilot's first round and diagnosed last spring, carried four reform projects through filing and
implementation; each was graded 二级 or above by the evaluation body, accepted by its expert
group and audited (part 4's rows, made directly here), and its outcomes recorded before and
after. One is accepted and not applied for yet (changchun-f@'s work list); one applied for,
waiting for the city's decision (changchun@'s); one approved, waiting for the payment
(changchun@'s); one paid.

The filing, the three in step, the outcomes and the subsidy go through the services, so the
history rows and the notifications are the ones a hand-over writes; the dates are set back so
that they follow one another: filed about eight months ago, implemented two months ago, graded,
accepted and audited since, the applications in the last three weeks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.clock import local_today, utc_from_local
from app.extensions import db
from blueprints.demo import reform as demo_reform
from blueprints.demo.projects import pdf_file
from blueprints.demo.reform import JISHU, SIMULATION, _Deal, _offer
from blueprints.reform import services, subsidy
from models import (
    DiagnosisEngagement,
    ReformEvent,
    ReformProject,
    ReformStatus,
    Role,
    SmeLevelEvaluation,
    SmeLevelKind,
    User,
)
from models.reform_review import (
    AcceptanceVerdict,
    ReformAcceptance,
    ReformAuditReport,
    ReformGrading,
)
from models.reform_subsidy import OutcomeCategory

# The evaluation body that grades and accepts (the demo's body 005 and its lead evaluator).
BODY_EMAIL = "evaluator@demo.certpath.cn"
PROGRAMME = "changchun_pilot"

# (category, indicator, unit, before, after): the 附件4 categories, in figures.
OUTCOMES = (
    (OutcomeCategory.EFFICIENCY, "生产效率", "批次/月", "42", "55"),
    (OutcomeCategory.QUALITY, "产品一次合格率", "%", "96.2", "98.9"),
    (OutcomeCategory.COST, "单位产品能耗成本", "元/千支", "38.5", "31.2"),
    (OutcomeCategory.GREEN, "单位产值综合能耗", "吨标煤/万元", "0.082", "0.069"),
    (OutcomeCategory.SAFETY, "安全事故", "起/年", "2", "0"),
)


@dataclass(frozen=True)
class _Plan:
    name: str
    budget: int
    deal: _Deal
    eligible: int  # the audit's eligible cost
    grade: int
    outcomes: int  # how many of OUTCOMES
    # The subsidy: None (not applied for), or the amount requested, then approved, then paid.
    requested: int | None = None
    approved: int | None = None
    paid: bool = False


PLANS = (
    _Plan("中药提取车间设备联网改造", 900_000, _Deal(JISHU, "设备联网与数据采集套件", 820_000, 150),
          780_000, 2, 3),
    _Plan("GMP 质量管理系统建设", 1_200_000,
          _Deal(JISHU, "轻量化生产执行系统（MES）", 1_050_000, 180), 1_000_000, 2, 4,
          requested=300_000),
    _Plan("制剂工艺仿真优化", 700_000, _Deal(SIMULATION, "汽车零部件工艺仿真云平台", 640_000, 150),
          600_000, 3, 2, requested=180_000, approved=170_000),
    _Plan("仓储物流数字化改造", 2_400_000,
          _Deal(JISHU, "轻量化生产执行系统（MES）", 2_200_000, 200), 2_000_000, 3, 5,
          requested=500_000, approved=500_000, paid=True),
)  # fmt: skip


def _at(days_ago: int, hour: int) -> datetime:
    return utc_from_local(datetime.combine(local_today() - timedelta(days=days_ago), time(hour)))


def _day(days_ago: int) -> date:
    return local_today() - timedelta(days=days_ago)


def _stored(name: str) -> dict:
    return {
        "original_name": name,
        "stored_name": f"demo-{uuid.uuid4().hex}",
        "size": 1024,
        "sha256": "0" * 64,
        "content_type": "application/pdf",
    }


def _moved(project: ReformProject, days_ago: int) -> None:
    """The move just made happened ``days_ago``."""
    moment = _at(days_ago, 15)
    project.events[-1].at = project.status_changed_at = moment


def _implemented(project: ReformProject, owner: User, county: User, official: User) -> None:
    services.perform(project, "file", owner)
    project.filed_on = _day(240)
    _moved(project, 240)
    services.perform(project, "county_agree", county, reason="符合南关区医药产业方向，同意报送。")
    _moved(project, 236)
    services.perform(project, "city_file", official, reason="合同与资源池一致，准予入库实施。")
    _moved(project, 230)
    training = "全员系统操作与数据安全培训，3 个课时。"
    services.record_training(project, owner, training, _day(225), None)
    services.add_delivery(project, owner, _day(120), "系统上线试运行", None, None)
    services.record_evaluation(project, owner, "培训效果评估：考核通过率 96%。", _day(70), None)
    services.perform(project, "complete", owner)
    _moved(project, 65)


def _accepted(project: ReformProject, plan: _Plan, body_user: User, firm_user: User) -> None:
    """Part 4's rows: the grading (an SME level evaluation of kind reform), the acceptance, the
    audit report; the project accepted."""
    number = (
        db.session.scalar(
            sa.select(sa.func.max(SmeLevelEvaluation.number)).where(
                SmeLevelEvaluation.organisation_id == project.enterprise_id,
                SmeLevelEvaluation.kind == SmeLevelKind.REFORM,
            )
        )
        or 0
    ) + 1
    evaluation = SmeLevelEvaluation(
        organisation_id=project.enterprise_id, number=number, table_key="sme_level_2024",
        kind=SmeLevelKind.REFORM, points={}, levels={}, total_points=45.0 + 15 * (plan.grade - 2),
        grade_level=plan.grade, pledged_at=_at(50, 10), created_by_id=body_user.id,
        created_at=_at(50, 10),
    )  # fmt: skip
    db.session.add(evaluation)
    db.session.flush()
    grading = ReformGrading(
        project_id=project.id, body_id=body_user.organisation_id, evaluation_id=evaluation.id,
        graded_on=_day(50), systems_checked="系统已上线运行，数据实时采集。",
        recorded_by_id=body_user.id, recorded_at=_at(50, 16), **_stored("数字化水平评测报告.pdf"),
    )  # fmt: skip
    db.session.add(grading)
    db.session.flush()
    db.session.add(ReformAcceptance(
        project_id=project.id, body_id=body_user.organisation_id, grading_id=grading.id,
        leader_id=body_user.id, experts=["王立新", "刘敏"], reviewed_on=_day(40),
        site_checked_on=_day(39), verdict=AcceptanceVerdict.PASS,
        opinion="改造按既定方案实施，系统运行稳定，同意通过验收。", recorded_at=_at(39, 17),
        **_stored("数字化改造项目验收意见.pdf"),
    ))  # fmt: skip
    db.session.add(ReformAuditReport(
        project_id=project.id, firm_id=firm_user.organisation_id, reported_on=_day(30),
        eligible_cost=Decimal(plan.eligible), conclusion="改造费用真实、合规，认定如上。",
        recorded_by_id=firm_user.id, recorded_at=_at(30, 11), **_stored("专项审计报告.pdf"),
    ))  # fmt: skip
    for action, before, after, days_ago in (
        ("graded", ReformStatus.IMPLEMENTED, ReformStatus.GRADED, 50),
        ("accepted", ReformStatus.GRADED, ReformStatus.ACCEPTED, 39),
    ):
        db.session.add(ReformEvent(
            project_id=project.id, action=action, from_status=before.value,
            to_status=after.value, actor_id=body_user.id, at=_at(days_ago, 17),
        ))  # fmt: skip
    project.status = ReformStatus.ACCEPTED
    project.status_changed_at = _at(39, 17)
    db.session.flush()


def _subsidised(project: ReformProject, plan: _Plan, owner: User, official: User) -> None:
    for category, indicator, unit, before, after in OUTCOMES[: plan.outcomes]:
        added = subsidy.add_outcome(project, owner, subsidy.Outcome(
            category, indicator, unit, Decimal(before), Decimal(after)))  # fmt: skip
        added.recorded_at = _at(28, 10)
    if plan.requested is None:
        return
    found = subsidy.apply(project, owner, Decimal(plan.requested))
    found.applied_at = _at(21 if plan.approved else 4, 9)
    if plan.approved is None:
        return
    subsidy.approve(found, official, Decimal(plan.approved), "按专项审计认定费用核定。", None)
    found.decided_at = _at(14, 16)
    if plan.paid:
        subsidy.pay(found, official, subsidy.Payment(
            Decimal(plan.approved), _day(3), "长财企指〔2026〕18号"), None)  # fmt: skip
    db.session.execute(
        sa.update(ReformEvent)
        .where(ReformEvent.project_id == project.id, ReformEvent.action.like("subsidy_%"))
        .values(at=sa.case(
            (ReformEvent.action == "subsidy_apply", found.applied_at),
            (ReformEvent.action == "subsidy_approve", found.decided_at),
            else_=_at(3, 11),
        ))
    )  # fmt: skip


def load(official: User, county: User, owner: User) -> list[tuple[Role, str]]:
    """The four projects of ``owner``'s enterprise, audited by the demo's audit firm
    (blueprints/demo/reform.py makes it and lists its auditor); no account to list."""
    body = db.session.scalar(sa.select(User).where(User.email == BODY_EMAIL))
    assert body is not None  # blueprints/demo/loader.py makes the evaluators first
    firm = db.session.scalar(sa.select(User).where(User.email == demo_reform.AUDITOR_EMAIL))
    assert firm is not None  # blueprints/demo/reform.py ran first
    firm_org = firm.organisation
    engagement = db.session.scalar(
        sa.select(DiagnosisEngagement).where(
            DiagnosisEngagement.programme_key == PROGRAMME,
            DiagnosisEngagement.enterprise_id == owner.organisation_id,
        )
    )
    assert engagement is not None  # enrolled and diagnosed by blueprints/demo/engagements.py
    for plan in PLANS:
        if db.session.scalar(
            sa.select(ReformProject.id).where(
                ReformProject.engagement_id == engagement.id, ReformProject.name == plan.name
            )
        ):
            continue
        starts = _day(245)
        project = services.create(owner, engagement, services.Draft(
            name=plan.name, scenario_codes=["3.3.3"], starts_on=starts,
            ends_on=_day(75), budget=Decimal(plan.budget),
        ))  # fmt: skip
        project.created_at = project.status_changed_at = _at(245, 10)
        member, product = _offer(project, plan.deal)
        contract = services.add_contract(project, owner, services.Contract(
            member_id=member.id, product_id=product.id, products="含实施、培训与一年运维。",
            price=Decimal(plan.deal.price), starts_on=starts,
            ends_on=starts + timedelta(days=plan.deal.days),
        ), pdf_file(f"{plan.deal.provider}改造服务合同.pdf"))  # fmt: skip
        contract.uploaded_at = _at(245, 11)
        project.evaluation_body_id = body.organisation_id
        project.audit_firm_id = firm_org.id
        _implemented(project, owner, county, official)
        _accepted(project, plan, body, firm)
        _subsidised(project, plan, owner, official)
    return []
