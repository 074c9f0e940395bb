"""The demo's organisations and accounts, then its assessments and projects: idempotent, keyed
by natural keys. ``load_demo`` is what ``flask demo load`` runs.

Organisation names and credit codes are fictional (the check digit is computed, so they pass
GB 32100-2015 validation); the ten evaluation bodies and their codes are the national register
of January 2019 (DOMAIN.md §5).
"""

from __future__ import annotations

from app.extensions import db
from blueprints.demo import announcements as demo_announcements
from blueprints.demo import assessments as demo_assessments
from blueprints.demo import campaigns as demo_campaigns
from blueprints.demo import cases as demo_cases
from blueprints.demo import declarations as demo_declarations
from blueprints.demo import diagnosis as demo_diagnosis
from blueprints.demo import engagements as demo_engagements
from blueprints.demo import evaluators as demo_evaluators
from blueprints.demo import exports as demo_exports
from blueprints.demo import projects as demo_projects
from blueprints.demo import review_items as demo_review_items
from blueprints.demo import webhooks as demo_webhooks
from blueprints.demo import work_items as demo_work_items
from blueprints.demo.people import DEMO_PASSWORD, account, credit_code, first_user, organisation
from models import EnterpriseSize, OrgKind, Region, Role

__all__ = ["DEMO_PASSWORD", "EVALUATION_BODIES", "load_demo"]

EVALUATION_BODIES = [
    ("001", "国家工业信息安全发展研究中心", "110000"),
    ("002", "泰尔认证中心", "110000"),
    ("003", "赛宝认证中心", "440000"),
    ("004", "中国电子技术标准化研究院", "110000"),
    ("005", "上海质量体系审核中心", "310000"),
    ("006", "中国船级社质量认证公司", "110000"),
    ("007", "重庆海特克", "500000"),
    ("008", "中电联科技开发服务中心", "110000"),
    ("009", "北京国金衡信", "110000"),
    ("010", "江苏鸿信", "320000"),
]

CONSULTANCIES = [
    ("上海数融企业管理咨询有限公司", "310104"),
    ("济南融智信息化咨询有限公司", "370102"),
    ("广州粤数两化融合服务有限公司", "440106"),
]

AUTHORITIES = [
    ("上海市经济和信息化委员会", "310000"),
    ("上海市浦东新区科技和经济委员会", "310115"),
    ("济南市工业和信息化局", "370100"),
    ("济南市历下区工业和信息化局", "370102"),
    ("广东省工业和信息化厅", "440000"),
]

# (name, credit-code base without check digit, county, industry division, size, address)
ENTERPRISES = [
    (
        "上海智造精密装备有限公司",
        "91310115MA1K3BQ2X",
        "310115",
        "34",
        EnterpriseSize.MEDIUM,
        "上海市浦东新区张江路 88 号",
    ),
    (
        "上海申城新材料股份有限公司",
        "91310117MA1J8WE4K",
        "310117",
        "30",
        EnterpriseSize.LARGE,
        "上海市松江区新桥镇民强路 1 号",
    ),
    (
        "济南泉城汽车零部件有限公司",
        "91370102MA3C7RT1P",
        "370102",
        "36",
        EnterpriseSize.MEDIUM,
        "济南市历下区经十路 9999 号",
    ),
    (
        "广州穗联电子科技有限公司",
        "91440106MA5CK7LW3",
        "440106",
        "39",
        EnterpriseSize.SMALL,
        "广州市天河区天河北路 233 号",
    ),
    (
        "深圳鹏程智能家电有限公司",
        "91440300MA5FQ9P1D",
        "440305",
        "38",
        EnterpriseSize.LARGE,
        "深圳市南山区科技园南区 12 栋",
    ),
]

ALLIANCE_NAME = "两化融合服务联盟"


def load_demo() -> list[tuple[str, str, str]]:
    if db.session.get(Region, "310000") is None:
        raise RuntimeError("regions are not loaded: run 'flask reference load' first")
    bodies = {
        code: organisation(OrgKind.EVALUATION_BODY, name, body_code=code, region_code=region)
        for code, name, region in EVALUATION_BODIES
    }
    consultancies = [
        organisation(OrgKind.CONSULTANCY, name, region_code=region)
        for name, region in CONSULTANCIES
    ]
    authorities = {
        region: organisation(OrgKind.AUTHORITY, name, region_code=region)
        for name, region in AUTHORITIES
    }
    alliance = organisation(OrgKind.ALLIANCE, ALLIANCE_NAME, region_code="110000")
    enterprises = [
        organisation(
            OrgKind.ENTERPRISE,
            name,
            credit_code=credit_code(base),
            region_code=county,
            industry_code=industry,
            size=size,
            address=address,
            contact_name="联系人",
            contact_phone="021-00000000",
        )
        for name, base, county, industry, size, address in ENTERPRISES
    ]

    accounts = [
        (Role.ENTERPRISE, "enterprise@demo.certpath.cn", "王晓明", enterprises[0], True, "zh"),
        (Role.ENTERPRISE, "enterprise-en@demo.certpath.cn", "Li Na", enterprises[2], True, "en"),
        (Role.CONSULTANT, "consultant@demo.certpath.cn", "陈咨询", consultancies[0], True, "zh"),
        (Role.EVALUATOR, "evaluator@demo.certpath.cn", "张评定", bodies["005"], True, "zh"),
        (Role.EVALUATOR, "evaluator2@demo.certpath.cn", "刘审核", bodies["005"], False, "zh"),
        (Role.ALLIANCE_STAFF, "alliance@demo.certpath.cn", "赵联盟", alliance, True, "zh"),
        (Role.ALLIANCE_STAFF, "alliance2@demo.certpath.cn", "孙复核", alliance, False, "zh"),
        # Took no part in any demo certificate: handles the complaint about a holder.
        (Role.ALLIANCE_STAFF, "alliance3@demo.certpath.cn", "钱投诉", alliance, False, "zh"),
        (
            Role.AUTHORITY,
            "authority@demo.certpath.cn",
            "周市经信",
            authorities["310000"],
            True,
            "zh",
        ),
        (
            Role.AUTHORITY,
            "district@demo.certpath.cn",
            "吴区经委",
            authorities["310115"],
            True,
            "zh",
        ),
        (Role.ADMIN, "admin@demo.certpath.cn", "系统管理员", alliance, False, "zh"),
    ]
    for role, email, name, org, org_admin, locale in accounts:
        account(org, role, email, name, org_admin=org_admin, locale=locale)
    # Officials for the other authorities and a contact for every enterprise, so that the
    # demo's reviews and assessments have someone to act (not listed: not needed to sign in).
    for n, (name, region) in enumerate(AUTHORITIES):
        account(
            authorities[region],
            Role.AUTHORITY,
            f"authority{n}@demo.certpath.cn",
            f"{name[:6]}审核员",
            org_admin=True,
        )
    for n, org in enumerate(enterprises):
        account(org, Role.ENTERPRISE, f"contact{n}@demo.certpath.cn", "企业联系人", org_admin=True)
    db.session.flush()
    # Impartiality declarations before any audit team is set (blueprints/demo/declarations.py).
    demo_declarations.load(bodies["005"], alliance, enterprises[0])
    # The evaluator register, before any team too: registered evaluators with sectors, one lead
    # qualification expiring in 30 days, one registration waiting (blueprints/demo/evaluators.py).
    demo_evaluators.load()
    demo_assessments.load([(org, first_user(org)) for org in enterprises])
    demo_projects.load(enterprises, consultancies[0], bodies["005"])
    # Something on every demo account's work list (blueprints/demo/work_items.py).
    demo_work_items.load(enterprises, consultancies[0], bodies["005"])
    # The evaluation's and the alliance's screens (blueprints/demo/review_items.py).
    demo_review_items.load(bodies["005"])
    # The authorities' campaign screens (blueprints/demo/campaigns.py).
    shanghai = [org for org in enterprises if (org.region_code or "").startswith("31")]
    demo_campaigns.load(authorities["310000"], shanghai)
    # The enterprises' SME digital level (blueprints/demo/diagnosis.py).
    demo_diagnosis.load(first_user(enterprises[0]), first_user(enterprises[2]))
    # Diagnosis engagements in Changchun and Inner Mongolia (blueprints/demo/engagements.py).
    listed = [(role, email) for role, email, *_ in accounts] + demo_engagements.load()
    # Complaints and appeals: an open appeal waiting for a handler, a complaint under
    # investigation, both on alliance@'s work list (blueprints/demo/cases.py).
    demo_cases.load(bodies["005"], consultancies[0])
    # The evaluation body's webhook and its delivery log (blueprints/demo/webhooks.py).
    demo_webhooks.load(bodies["005"])
    # Last: it commits what is loaded so far, then runs a real export job.
    demo_exports.load()
    # The portal's announcements: the alliance's and Shanghai's (blueprints/demo/announcements.py).
    demo_announcements.load(alliance, authorities["310000"], EVALUATION_BODIES)
    return [(role.value, email, DEMO_PASSWORD) for role, email in listed]
