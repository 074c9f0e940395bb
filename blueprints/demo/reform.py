"""Reform projects of the Changchun pilot (seed 004 三(二)2, 附件4) after the diagnoses: 长春汽开区
冲压件, diagnosed and surveyed, has one project in implementation with its training plan
recorded (changchun-d@'s work list), one the county returned because its budget is too high,
to revise and file again (changchun-d@'s too), one the county agreed waiting for the city
(changchun@'s) and one just filed waiting for the county's opinion (changchun-county@'s, the
南关区 authority of its district). 长春新区智能装备, flagged a central-fund "little giant" by the
city (四(四)), has a draft with a contract whose filing is refused with the reason
(the README tour).

After the implementation (seed 004 三(二)5-6): 冲压件 has two more projects, implemented, for
which the city named the demo evaluation body (evaluator@'s 上海质量体系审核中心) and the audit
firm 长春正信会计师事务所 (changchun-audit@): its warehouse project waits for the body's grading,
its quality-traceability project, graded 二级, for the expert group's acceptance; the firm has
both to audit.

Every step goes through the reform services, so the history rows and the notifications are the
ones a hand-over writes; the dates follow the diagnosis (surveyed 15 days ago, its demand
library filed 13 days ago) and the pool (both providers admitted a month or more ago)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.clock import local_today, utc_from_local
from app.extensions import db
from blueprints.demo.people import account, first_user, organisation
from blueprints.demo.projects import pdf_file
from blueprints.diagnosis import services as evaluations
from blueprints.diagnosis import sme_level
from blueprints.reform import exclusions, review, services
from models import (
    DiagnosisEngagement,
    ExclusionEvent,
    ExclusionFlag,
    Organisation,
    OrgKind,
    PoolMember,
    PoolProduct,
    ReformProject,
    Role,
    User,
)

COUNTY = "长春市南关区工业和信息化局"
COUNTY_EMAIL = "changchun-county@demo.certpath.cn"
AUDIT_FIRM = "长春正信会计师事务所有限公司"
AUDITOR_EMAIL = "changchun-audit@demo.certpath.cn"
EVALUATOR_EMAIL = "evaluator@demo.certpath.cn"
PROGRAMME = "changchun_pilot"


@dataclass(frozen=True)
class _Deal:
    """A contract of the demo: the provider, its pool product, the price and term in days from
    the project's start."""

    provider: str
    product: str
    price: int
    days: int


@dataclass(frozen=True)
class _Plan:
    name: str
    scenarios: tuple[str, ...]
    budget: int
    # Days from today: drafted, then the project's start and end.
    drafted: int
    starts: int
    ends: int
    deals: tuple[_Deal, ...]


JISHU, SIMULATION = "吉数数字化转型服务有限公司", "长春云仿真软件有限公司"

IN_IMPLEMENTATION = _Plan(
    "冲压线设备联网与数据采集改造", ("3.3.3",), 800_000, -12, -7, 120,
    (_Deal(JISHU, "设备联网与数据采集套件", 450_000, 110),),
)  # fmt: skip
AWAITING_CITY = _Plan(
    "生产执行系统（MES）与工艺仿真建设", ("3.3.3", "2.3.1"), 1_500_000, -7, 10, 250,
    (_Deal(JISHU, "轻量化生产执行系统（MES）", 900_000, 240),
     _Deal(SIMULATION, "汽车零部件工艺仿真云平台", 500_000, 180)),
)  # fmt: skip
AWAITING_COUNTY = _Plan(
    "冲压工艺仿真与模具寿命优化", ("2.3.1",), 600_000, -3, 20, 200,
    (_Deal(SIMULATION, "汽车零部件工艺仿真云平台", 520_000, 180),),
)  # fmt: skip
RETURNED = _Plan(
    "焊装车间能耗在线监测改造", ("3.3.3",), 1_200_000, -9, 15, 210,
    (_Deal(JISHU, "设备联网与数据采集套件", 420_000, 180),),
)  # fmt: skip
TO_GRADE = _Plan(
    "仓储物流扫码出入库改造", ("3.3.3",), 500_000, -60, -55, -10,
    (_Deal(JISHU, "设备联网与数据采集套件", 380_000, 40),),
)  # fmt: skip
TO_ACCEPT = _Plan(
    "质量检测数据采集与追溯改造", ("2.3.1",), 700_000, -90, -85, -20,
    (_Deal(SIMULATION, "汽车零部件工艺仿真云平台", 520_000, 60),),
)  # fmt: skip
REFUSED = _Plan(
    "智能装备装配线数字化改造", ("3.3.3",), 1_000_000, -1, 30, 300,
    (_Deal(JISHU, "轻量化生产执行系统（MES）", 850_000, 260),),
)  # fmt: skip


def _moment(day: date, hour: int) -> datetime:
    return utc_from_local(datetime.combine(day, time(hour)))


def _drafted(owner: User, enterprise: Organisation, plan: _Plan) -> ReformProject | None:
    """The plan drafted with its contracts; None when the demo made it already."""
    engagement = db.session.scalar(
        sa.select(DiagnosisEngagement).where(
            DiagnosisEngagement.programme_key == PROGRAMME,
            DiagnosisEngagement.enterprise_id == enterprise.id,
        )
    )
    assert engagement is not None  # the demo's engagements enrol every Changchun enterprise
    if db.session.scalar(
        sa.select(ReformProject.id).where(
            ReformProject.engagement_id == engagement.id, ReformProject.name == plan.name
        )
    ):
        return None
    today = local_today()
    starts = today + timedelta(days=plan.starts)
    project = services.create(owner, engagement, services.Draft(
        name=plan.name, scenario_codes=list(plan.scenarios), starts_on=starts,
        ends_on=today + timedelta(days=plan.ends), budget=Decimal(plan.budget),
    ))  # fmt: skip
    drafted = _moment(today + timedelta(days=plan.drafted), 10)
    project.created_at = project.status_changed_at = drafted
    for deal in plan.deals:
        member, product = _offer(project, deal)
        contract = services.add_contract(project, owner, services.Contract(
            member_id=member.id, product_id=product.id, products="含实施、培训与一年运维。",
            price=Decimal(deal.price), starts_on=starts,
            ends_on=starts + timedelta(days=deal.days),
        ), pdf_file(f"{deal.provider}改造服务合同.pdf"))  # fmt: skip
        contract.uploaded_at = drafted
    return project


def _offer(project: ReformProject, deal: _Deal) -> tuple[PoolMember, PoolProduct]:
    member = next(m for m in services.provider_choices(project) if m.provider.name == deal.provider)
    product = db.session.scalars(
        sa.select(PoolProduct).where(
            PoolProduct.member_id == member.id, PoolProduct.name == deal.product
        )
    ).one()
    return member, product


def _step(project: ReformProject, name: str, actor: User, days_ago: int, reason: str = "") -> None:
    services.perform(project, name, actor, reason=reason)
    day = local_today() - timedelta(days=days_ago)
    moment = _moment(day, 15)
    project.events[-1].at = project.status_changed_at = moment
    if name == "file":
        project.filed_on = day


def _flag_little_giant(enterprise: Organisation, official: User) -> None:
    """The city flags the enterprise 20 days ago, before it drafts (seed 004 四(四))."""
    note = "2023年获中央财政支持专精特新“小巨人”企业奖补。"
    if exclusions.set_flags(enterprise, official, {ExclusionFlag.CENTRAL_FUND_GIANT}, note):
        moment = _moment(local_today() - timedelta(days=20), 11)
        db.session.execute(
            sa.update(ExclusionEvent)
            .where(ExclusionEvent.credit_code == enterprise.credit_code)
            .values(at=moment)
        )


def _implemented(
    project: ReformProject, owner: User, county: User, official: User, days_ago: int
) -> None:
    """Filed, agreed, filed by the city, the three in step and declared implemented, the last
    ``days_ago`` days ago."""
    start = days_ago + 40
    _step(project, "file", owner, start)
    _step(project, "county_agree", county, start - 2, "同意报送。")
    _step(project, "city_file", official, start - 4, "准予入库实施。")
    today = local_today()
    services.record_training(project, owner, "上线前全员操作培训，2 个课时。",
                             today - timedelta(days=start - 6), None)  # fmt: skip
    services.add_delivery(project, owner, today - timedelta(days=start - 20), "系统上线试运行。",
                          None, None)  # fmt: skip
    services.record_evaluation(project, owner, "培训效果评估：操作考核全部通过。",
                               today - timedelta(days=days_ago + 1), None)  # fmt: skip
    _step(project, "complete", owner, days_ago)


def _appointed(project: ReformProject, official: User, body: int, firm: int, days_ago: int) -> None:
    review.appoint(project, official, body, firm, None)
    project.events[-1].at = _moment(local_today() - timedelta(days=days_ago), 16)


def _graded(project: ReformProject, evaluator: User, days_ago: int) -> None:
    """二级: 52 points spread over the indicators, every scenario at level 2."""
    table = sme_level.table(evaluations.TABLE_KEY)
    share = round(52 / len(table.indicators), 2)
    points = {i.key: share for i in table.indicators}
    levels = {sc.key: 2 for sc in table.scenarios}
    day = local_today() - timedelta(days=days_ago)
    facts = review.GradingFacts(day, "质量检测数据采集系统、追溯平台均已上线，数据连续采集 30 天。")
    report = pdf_file("中小企业数字化水平评测报告.pdf")
    review.record_grading(
        project, evaluator, points, levels, facts, report, after=None, version=None
    )
    project.events[-1].at = project.status_changed_at = _moment(day, 17)


def _after_implementation(
    owner: User, diagnosed: Organisation, county: User, official: User
) -> list[tuple[Role, str]]:
    evaluator = db.session.scalar(sa.select(User).where(User.email == EVALUATOR_EMAIL))
    assert evaluator is not None  # the loader's accounts come first
    firm_org = organisation(OrgKind.AUDIT_FIRM, AUDIT_FIRM, region_code="220100")
    account(firm_org, Role.AUDITOR, AUDITOR_EMAIL, "郑审计", org_admin=True)
    body = evaluator.organisation_id
    to_grade = _drafted(owner, diagnosed, TO_GRADE)
    if to_grade is not None:
        _implemented(to_grade, owner, county, official, 6)
        _appointed(to_grade, official, body, firm_org.id, 5)
    to_accept = _drafted(owner, diagnosed, TO_ACCEPT)
    if to_accept is not None:
        _implemented(to_accept, owner, county, official, 14)
        _appointed(to_accept, official, body, firm_org.id, 12)
        _graded(to_accept, evaluator, 4)
    return [(Role.AUDITOR, AUDITOR_EMAIL)]


def load(official: User, flagged: Organisation, diagnosed: Organisation) -> list[tuple[Role, str]]:
    """The county authority, the projects and the flag; the accounts to list."""
    county_org = organisation(OrgKind.AUTHORITY, COUNTY, region_code=diagnosed.region_code)
    county = account(county_org, Role.AUTHORITY, COUNTY_EMAIL, "李区工信", org_admin=True)
    owner = first_user(diagnosed)
    implemented = _drafted(owner, diagnosed, IN_IMPLEMENTATION)
    if implemented is not None:
        _step(implemented, "file", owner, 11)
        _step(implemented, "county_agree", county, 10, "符合南关区汽车零部件产业方向，同意报送。")
        _step(implemented, "city_file", official, 8, "合同与资源池一致，准予入库实施。")
        services.record_training(
            implemented, owner, "设备联网操作与数据看板使用培训：班组长及设备员 24 人，2 个课时。",
            local_today() - timedelta(days=6), None,
        )  # fmt: skip
    at_city = _drafted(owner, diagnosed, AWAITING_CITY)
    if at_city is not None:
        _step(at_city, "file", owner, 6)
        _step(at_city, "county_agree", county, 3, "两份合同分别对应服务商，预算合理，同意报送。")
    # Returned by the county: the budget is far above the contract; the enterprise revises it.
    returned = _drafted(owner, diagnosed, RETURNED)
    if returned is not None:
        _step(returned, "file", owner, 5)
        _step(returned, "county_return", county, 4,
              "预算偏高：总预算远超合同金额，请核减后重新报送。")  # fmt: skip
    at_county = _drafted(owner, diagnosed, AWAITING_COUNTY)
    if at_county is not None:
        _step(at_county, "file", owner, 2)
    reviewed = _after_implementation(owner, diagnosed, county, official)
    _flag_little_giant(flagged, official)
    _drafted(first_user(flagged), flagged, REFUSED)
    return [(Role.AUTHORITY, COUNTY_EMAIL), *reviewed]
