"""Reform projects of the Changchun pilot (seed 004 三(二)2, 附件4) after the diagnoses: 长春汽开区
冲压件, diagnosed and surveyed, has one project in implementation with its training plan
recorded (changchun-d@'s work list), one the county agreed waiting for the city (changchun@'s)
and one just filed waiting for the county's opinion (changchun-county@'s, the 南关区 authority
of its district). 长春新区智能装备, flagged a central-fund "little giant" by the city (四(四)),
has a draft with a contract whose filing is refused with the reason (the README tour).

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
from blueprints.reform import exclusions, services
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
    at_county = _drafted(owner, diagnosed, AWAITING_COUNTY)
    if at_county is not None:
        _step(at_county, "file", owner, 2)
    _flag_little_giant(flagged, official)
    _drafted(first_user(flagged), flagged, REFUSED)
    return [(Role.AUTHORITY, COUNTY_EMAIL)]
