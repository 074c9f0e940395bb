"""The Changchun pilot's provider pool (seed 004 二): the diagnosing provider admitted after a
clean publicity and rated by an enterprise it diagnosed; a second provider admitted; one
applicant waiting for the expert's opinion (on changchun-expert@'s work list, and for
information on changchun@'s); one admission in publicity (anyone may object on the public
pool); one provider (pool-d@) suspended four days ago, whose appeal the demo's cases file.
Every place walked through the pool's own services, dated back consistently."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.clock import local_today, utc_from_local
from app.extensions import db
from app.workflow import SYSTEM
from blueprints.demo.people import account, organisation
from blueprints.demo.projects import pdf_file
from blueprints.pool import ratings, services
from models import Organisation, OrgKind, PoolMember, Role, SolutionOrigin, User

PROGRAMME = "changchun_pilot"

_PRODUCTS = {
    "吉数数字化转型服务有限公司": (
        ("轻量化生产执行系统（MES）", "3.3.3", "15", "40", "existing"),
        ("设备联网与数据采集套件", "2.3.1", "5", "20", "existing"),
    ),
    "长春云仿真软件有限公司": (("汽车零部件工艺仿真云平台", "2.3.1", "30", "80", "existing"),),
    "吉林智造云科技有限公司": (("质量追溯与能耗监测平台", "2.3.1", "10", "35", "new"),),
    "长春数智工场信息技术有限公司": (("数字化仓储管理系统", "3.3.3", "8", "25", "existing"),),
    "长春智联工业互联网有限公司": (("设备预测性维护平台", "2.3.1", "12", "30", "existing"),),
}
SUSPENDED_PROVIDER = "长春智联工业互联网有限公司"
SUSPENSION_REASON = "两家企业反映诊断报告雷同、现场诊断未按计划开展，暂停入库资格待核查。"


def _place(provider: Organisation, user: User, authority_id: int, day: date) -> PoolMember | None:
    """The provider's application, drafted and submitted ``day``; None when the demo made it
    already (loading twice adds nothing)."""
    if db.session.scalar(
        sa.select(PoolMember.id).where(
            PoolMember.programme_key == PROGRAMME, PoolMember.provider_id == provider.id
        )
    ):
        return None
    pool = services.pool_of(f"{PROGRAMME}:{authority_id}")
    assert pool is not None  # the demo's Changchun engagements open it
    member = services.apply(
        user, pool, "高新技术企业；ISO 9001、ISO 27001 认证；服务吉林省制造业企业 40 余家。"
    )
    for name, code, low, high, origin in _PRODUCTS[provider.name]:
        services.add_product(member, user, services.Product(
            name=name, scenario_code=code, price_low=Decimal(low), price_high=Decimal(high),
            origin=SolutionOrigin(origin),
        ))  # fmt: skip
    services.add_file(member, user, pdf_file("营业执照及资质证书.pdf"))
    services.perform(member, "submit", user)
    _dated(member, day)
    return member


def _dated(member: PoolMember, day: date) -> None:
    moment = utc_from_local(datetime.combine(day, time(10)))
    member.status_changed_at = moment
    member.created_at = moment
    for event in member.events:
        event.at = moment


def _reviewed(member: PoolMember, official: User, expert: User, day: date) -> None:
    services.assign(member, official, expert.id, None)
    services.record_opinion(member, expert, True, "资质齐全，产品与场景匹配，建议入库。", None)
    _dated(member, day)


def admit_incumbent(provider: Organisation, user: User, official: User, expert: User) -> None:
    """The diagnosing provider, admitted 40 days ago after a clean publicity: in the pool
    before its demand libraries match its products."""
    member = _place(provider, user, official.organisation_id, local_today() - timedelta(days=60))
    if member is None:
        return
    _reviewed(member, official, expert, local_today() - timedelta(days=50))
    _admitted_before(member, official, 40)


def _admitted_before(member: PoolMember, official: User, days: int) -> None:
    services.perform(member, "admit", official, reason="专家评审通过，予以入库。")
    # Published 40 days ago: its five working days long over, no objection.
    member.publicity_starts_on = local_today() - timedelta(days=days)
    member.publicity_ends_on = local_today() - timedelta(days=days - 7)
    services.perform(member, "close_publicity", SYSTEM)
    _dated(member, member.publicity_ends_on + timedelta(days=1))


def _suspended(authority_id: int, official: User, expert: User) -> None:
    """pool-d@'s place: admitted 50 days ago, suspended by changchun@ four days ago (its appeal
    is the demo's cases' to file: blueprints/demo/cases.py)."""
    provider = organisation(OrgKind.SERVICE_PROVIDER, SUSPENDED_PROVIDER, region_code="220106")
    user = account(provider, Role.DIAGNOSTICIAN, "pool-d@demo.certpath.cn", "郑智联",
                   org_admin=True)  # fmt: skip
    member = _place(provider, user, authority_id, local_today() - timedelta(days=70))
    if member is None:
        return
    _reviewed(member, official, expert, local_today() - timedelta(days=62))
    _admitted_before(member, official, 60)
    services.perform(member, "suspend", official, reason=SUSPENSION_REASON)
    suspended = utc_from_local(datetime.combine(local_today() - timedelta(days=4), time(15)))
    member.status_changed_at = member.events[-1].at = suspended


def load(
    provider: Organisation, rater: User, official: User, expert: User
) -> list[tuple[Role, str]]:
    """The rest of the pool once the engagements exist; the accounts to list."""
    member = db.session.scalar(
        sa.select(PoolMember).where(
            PoolMember.programme_key == PROGRAMME, PoolMember.provider_id == provider.id
        )
    )
    if member is not None and member.rating is None:
        # changchun-d@, diagnosed by it, rated its service.
        keys = [key for key, _title in ratings.criteria(member)]
        ratings.rate(member, rater, {k: 5 if i % 2 else 4 for i, k in enumerate(keys)},
                     "诊断深入，建议可落地。")  # fmt: skip
    authority_id = official.organisation_id
    second = organisation(OrgKind.SERVICE_PROVIDER, "长春云仿真软件有限公司", region_code="220104")
    second_user = account(second, Role.DIAGNOSTICIAN, "pool-a@demo.certpath.cn", "赵仿真",
                          org_admin=True)  # fmt: skip
    admitted = _place(second, second_user, authority_id, local_today() - timedelta(days=45))
    if admitted is not None:
        _reviewed(admitted, official, expert, local_today() - timedelta(days=35))
        _admitted_before(admitted, official, 30)
    applicant = organisation(
        OrgKind.SERVICE_PROVIDER, "吉林智造云科技有限公司", region_code="220102"
    )
    applicant_user = account(applicant, Role.DIAGNOSTICIAN, "pool-b@demo.certpath.cn", "周智造",
                             org_admin=True)  # fmt: skip
    waiting = _place(applicant, applicant_user, authority_id, local_today() - timedelta(days=5))
    if waiting is not None:
        services.assign(waiting, official, expert.id, None)
        _dated(waiting, local_today() - timedelta(days=4))
    published = organisation(OrgKind.SERVICE_PROVIDER, "长春数智工场信息技术有限公司",
                             region_code="220102")  # fmt: skip
    published_user = account(published, Role.DIAGNOSTICIAN, "pool-c@demo.certpath.cn", "吴工场",
                             org_admin=True)  # fmt: skip
    in_publicity = _place(
        published, published_user, authority_id, local_today() - timedelta(days=12)
    )
    if in_publicity is not None:
        _reviewed(in_publicity, official, expert, local_today() - timedelta(days=8))
        services.perform(in_publicity, "admit", official, reason="专家评审通过，拟予入库。")
    _suspended(authority_id, official, expert)
    return [
        (Role.AUTHORITY, "changchun-expert@demo.certpath.cn"),
        (Role.DIAGNOSTICIAN, "pool-d@demo.certpath.cn"),
        (Role.DIAGNOSTICIAN, "pool-b@demo.certpath.cn"),
        (Role.DIAGNOSTICIAN, "pool-c@demo.certpath.cn"),
    ]
