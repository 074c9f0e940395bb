"""Demo data for the evaluation's and the alliance's screens: four more Shanghai enterprises,
each stopped where a demo account has the next move.

* 上海外高桥智能物流装备 (``waigaoqiao@``) — the conclusion confirmed: waits for the
  compliance review (``alliance@`` or ``alliance2@``);
* 上海临港海洋工程 (``lingang@``) — compliance review passed by ``alliance@``: only
  ``alliance2@`` may re-review;
* 上海漕河泾数字印刷 (``caohejing@``) — announced in a publicity batch open today, with an
  objection from the public to decide on the publicity desk;
* 上海金桥新能源汽车部件 (``jinqiao@``) — the stage-2 audit under way, led by ``evaluator@``,
  who can log findings.

Each is walked through the same services as the web pages (last year's self-assessment
approved by the district and the city, the consulting phase run by the enterprise itself,
three months of operation before applying), then its history is spread back in time.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.clock import local_today
from app.extensions import db
from app.workdays import add_working_days, is_working_day
from blueprints.assessment import services as assessments
from blueprints.demo.assessments import submitted
from blueprints.demo.people import Team, enterprise_with_contact, team_of
from blueprints.demo.projects import _apply, _audits, _consult, _spread, _upload
from blueprints.projects import services as projects
from blueprints.publicity import services as publicity
from models import (
    DocumentKind,
    Organisation,
    Project,
    PublicityBatch,
    User,
)

# (name, its contact's mailbox at demo.certpath.cn, credit-code base without check digit,
#  county, industry division, address, scope, capabilities, where it stops)
ENTERPRISES = [
    (
        "上海外高桥智能物流装备有限公司",
        "waigaoqiao",
        "91310115MA1L4CR30",
        "310115",
        "34",
        "上海市浦东新区洲海路 999 号",
        "智能物流装备的研发、生产和销售",
        ["基于数字孪生的装备运维服务能力"],
        "confirmed",
    ),
    (
        "上海临港海洋工程有限公司",
        "lingang",
        "91310115MA1M5DW40",
        "310115",
        "37",
        "上海市浦东新区临港新片区海港大道 1550 号",
        "海洋工程装备的设计和建造",
        ["船舶设计与建造协同能力"],
        "re_review",
    ),
    (
        "上海漕河泾数字印刷有限公司",
        "caohejing",
        "91310104MA1P7FH60",
        "310104",
        "23",
        "上海市徐汇区宜山路 700 号",
        "包装印刷品的设计和生产",
        ["个性化定制印刷服务能力"],
        "in_publicity",
    ),
    (
        "上海金桥新能源汽车部件有限公司",
        "jinqiao",
        "91310115MA1N6EK50",
        "310115",
        "36",
        "上海市浦东新区金桥路 1000 号",
        "新能源汽车电驱部件的研发和生产",
        ["数据驱动的质量追溯能力"],
        "stage2",
    ),
]


def load(body: Organisation) -> None:
    team = team_of(body)
    for entry in ENTERPRISES:
        org, owner = _enterprise(*entry[:6])
        if db.session.scalar(sa.select(sa.exists().where(Project.organisation_id == org.id))):
            continue  # already loaded
        _walk(org, owner, team, *entry[6:])
    db.session.flush()


def _enterprise(
    name: str, mailbox: str, base: str, county: str, industry: str, address: str
) -> tuple[Organisation, User]:
    org, owner = enterprise_with_contact(name, mailbox, base, county, industry, address)
    submitted(org, owner, assessments.current_year() - 1, 0.6, approve=True)
    return org, owner


def _opened_on_last_working_day(batch: PublicityBatch, today: date) -> None:
    """A batch created on a weekend or a holiday opens on the next working day: the demo moves
    it back to the last one, so that its period is under way and the public can object."""
    day = today
    while not is_working_day(day)[0]:
        day -= timedelta(days=1)
    period = add_working_days(day, batch.working_days)
    batch.starts_on, batch.ends_on, batch.estimated = period.start, period.end, period.estimated


def _walk(
    org: Organisation, owner: User, team: Team, scope: str, capabilities: list[str], stop: str
) -> None:
    today = local_today()
    lead, member, reviewers = team.lead, team.member, team.reviewers
    project = projects.start(org, owner, scope, capabilities, [org.address])
    projects.perform(project, "consult_ourselves", owner)
    _consult(project, owner, started=today - timedelta(days=180))
    _apply(project, owner, team.body, lead, 450, org.contact_phone)
    if stop == "stage2":
        day = today - timedelta(days=20)
        projects.perform(project, "plan_stage1", lead, starts_on=day, ends_on=day)
        projects.perform(project, "complete_stage1", lead, completed_on=day)
        projects.perform(
            project, "plan_stage2", lead, starts_on=today, ends_on=today + timedelta(days=1),
            member_ids=[member.id],
        )  # fmt: skip
        _spread(project, 200)
        return
    _audits(project, lead, member, today - timedelta(days=30))
    _upload(project, lead, DocumentKind.AUDIT_REPORT, "评定报告.pdf")
    projects.perform(project, "recommend", lead)
    projects.perform(project, "confirm", owner)
    if stop != "confirmed":
        projects.perform(project, "pass_compliance", reviewers[0])
    if stop == "in_publicity":
        projects.perform(project, "pass_re_review", reviewers[1])
        batch = publicity.create_batch(reviewers[1], f"{today.year} 年第 2 批", today, [project.id])
        _opened_on_last_working_day(batch, today)
        publicity.lodge_objection(
            batch.entries[0],
            "陈先生",
            "13800138000",
            "该企业的管理体系尚未实际运行满三个月。",
            "198.51.100.7",
        )
    _spread(project, 220)
