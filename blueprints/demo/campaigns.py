"""Demo data for the authorities' campaign screens.

Shanghai (``authority@``) runs this year's first round, open today: three enterprises take part
(two submitted — one waits for ``district@``, one for the city — and one draft), the city's
roster lists the demo's Shanghai enterprises and a few without an account (so the table has
absentees), and the city has not set its districts' quotas yet: *Quotas to set* waits on
``authority@``. ``enterprise@`` has not taken part: the open round is on its work list. The
city has named its best-scoring enterprise with an approved self-assessment a benchmark, and
sent its notice of the round to its districts and enterprises (on their work lists to read).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.clock import local_today
from app.extensions import db
from app.security.access import in_region
from blueprints.assessment import benchmarks
from blueprints.assessment import services as assessments
from blueprints.campaigns import services as campaigns
from blueprints.demo.assessments import sample_answers
from blueprints.demo.people import credit_code, enterprise_with_contact, first_user
from blueprints.notices import services as notices
from models import (
    Assessment,
    AssessmentStatus,
    BenchmarkEnterprise,
    Campaign,
    EnterpriseTag,
    Notice,
    NoticeAudience,
    Organisation,
    RosterEnterprise,
    RosterTag,
)

TITLE = "%d 年上海市两化融合评估诊断（第一轮）"
NOTICE = "请各区组织辖区内规模以上工业企业登录平台完成两化融合自评估，并于填报截止日前完成审核。"

# (name, credit-code base, county, industry, address, email of its contact, what it has done)
TAKING_PART = [
    (
        "上海浦江电机有限公司",
        "91310115MA1H7PJ2D",
        "310115",
        "38",
        "上海市浦东新区康桥路 18 号",
        "pujiang",
        "submitted",
    ),
    (
        "上海闵行精细化工有限公司",
        "91310112MA1G4MH6C",
        "310112",
        "26",
        "上海市闵行区江川路 500 号",
        "minhang",
        "submitted",
    ),
    (
        "上海松江纺织机械有限公司",
        "91310117MA1J2TJ8F",
        "310117",
        "35",
        "上海市松江区荣乐路 66 号",
        "songjiang",
        "draft",
    ),
]
# On the roster without an account on Certpath: the table's absentees.
ROSTER_ONLY = [
    ("上海宝山钢构制造有限公司", "91310113MA1F8BT3K", "310113", "33"),
    ("上海嘉定汽车电子有限公司", "91310114MA1E5JD7N", "310114", "39"),
    ("上海浦东医疗器械有限公司", "91310115MA1H9PY4R", "310115", "35"),
    ("上海青浦食品工业有限公司", "91310118MA1K6QP1T", "310118", "14"),
]


def _window(today: date) -> tuple[date, date, date]:
    """Open today, within this year: ten days ago (or 1 January) to 45 days on (or 31 December)."""
    opens = max(today - timedelta(days=10), date(today.year, 1, 1))
    closes = min(today + timedelta(days=45), date(today.year, 12, 31))
    return opens, closes, closes + timedelta(days=30)


def _round(city: Organisation) -> Campaign:
    year = local_today().year
    found = db.session.scalar(
        sa.select(Campaign).where(
            Campaign.authority_id == city.id, Campaign.year == year, Campaign.round == 1
        )
    )
    if found is not None:
        return found
    opens, closes, due = _window(local_today())
    plan = campaigns.Launch(
        opens_on=opens, closes_on=closes, report_due_on=due, title=TITLE % year, notice=NOTICE
    )
    return campaigns.launch(city, first_user(city), plan)


def _take_part(
    name: str, base: str, county: str, industry: str, address: str, email: str, done: str
) -> None:
    org, user = enterprise_with_contact(name, email, base, county, industry, address)
    may, campaign = assessments.may_start(org, assessments.assessments_of(org))
    if not may or campaign is None:
        return  # loaded before
    assessment = assessments.start(org, user)
    questionnaire = assessments.questionnaire_of(assessment)
    assessment.answers = sample_answers(questionnaire, 0.55, seed=org.id)
    if done == "submitted":
        assessments.perform(assessment, "submit", user)


def _on_roster(city: Organisation, code: str, name: str, county: str, industry: str | None) -> None:
    if db.session.scalar(
        sa.select(RosterEnterprise.id).where(RosterEnterprise.credit_code == code)
    ):
        return
    entry = RosterEnterprise(
        credit_code=code,
        name=name,
        region_code=county,
        industry_code=industry,
        imported_by_id=city.id,
    )
    entry.tags = [RosterTag(tag=EnterpriseTag.ABOVE_SCALE)]
    db.session.add(entry)


BENCHMARK_NOTE = "设备联网率和关键工序数控化率居全市前列，数据驱动的生产管控经验可复制推广。"


def _benchmark(city: Organisation) -> None:
    """The city names one of its enterprises with an approved self-assessment a benchmark
    (标杆企业): the reports of its industry and the statistics page list it."""
    if db.session.scalar(
        sa.select(BenchmarkEnterprise.id).where(BenchmarkEnterprise.marked_by_id == city.id)
    ):
        return
    approved = db.session.scalar(
        sa.select(Assessment)
        .where(
            Assessment.status == AssessmentStatus.APPROVED,
            in_region(city.region_code[:2] if city.region_code else "", Assessment.region_code),
        )
        .order_by(Assessment.year.desc(), Assessment.total.desc(), Assessment.id)
        .limit(1)
    )
    if approved is not None:
        benchmarks.mark(approved, first_user(city), BENCHMARK_NOTE)


NOTICE_TITLE = "关于开展%d年两化融合评估诊断和对标引导工作的通知"


def _notice(city: Organisation) -> None:
    """The city's notice of the round to its districts and enterprises: on their work lists
    until they confirm they have read it."""
    title = NOTICE_TITLE % local_today().year
    if db.session.scalar(sa.select(Notice.id).where(Notice.title == title)):
        return
    notices.publish(first_user(city), title, NOTICE, NoticeAudience.EVERYONE, [])


def load(city: Organisation, shanghai_enterprises: list[Organisation]) -> None:
    _round(city)
    _benchmark(city)
    for row in TAKING_PART:
        _take_part(*row)
    for org in shanghai_enterprises:
        _on_roster(city, org.credit_code or "", org.name, org.region_code or "", org.industry_code)
    for name, base, county, industry, *_ in TAKING_PART:
        _on_roster(city, credit_code(base), name, county, industry)
    for name, base, county, industry in ROSTER_ONLY:
        _on_roster(city, credit_code(base), name, county, industry)
    db.session.flush()
    _notice(city)
