"""The demo's evaluator register (issue 20): the evaluation body's evaluators registered with
their sectors and training, so that the demo's audit teams pass the team rules — 张评定 leads
(lead qualification, competence in the whole of manufacturing, section C, where every demo
enterprise audited belongs), 刘审核 is a registered member; 钱回避's lead qualification expires
in 30 days (on the body's work list, its reminder due), 刘审核's senior registration waits for
the alliance's approval (on the alliance's work list). Two other bodies have an evaluator each —
周电力 (001, energy and chemicals), 吴化工 (003, lead-qualified for electronics, his senior
registration expired) — so the alliance's reports compare bodies; a software company in
Shanghai has a project under way in a section (I) nobody may audit: the coverage report's gap,
on the alliance's work list. Loaded before the demo's projects set their teams. Dates are
counted from today; idempotent, keyed by the registration number, the person's sector, the
accounts' emails and the enterprise's credit code."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.clock import local_today, utcnow
from app.extensions import db
from blueprints.assessment import services as assessments
from blueprints.demo.assessments import submitted
from blueprints.demo.people import account, enterprise_with_contact
from blueprints.projects import services as projects
from models import (
    EvaluatorCompetence,
    EvaluatorRegistration,
    EvaluatorTraining,
    Organisation,
    RecordStatus,
    RegistrationGrade,
    Role,
    User,
)

G, S = RegistrationGrade, RecordStatus
APPROVER = "alliance@demo.certpath.cn"
# (account, grade, number, issued days ago, expires in days, status)
REGISTRATIONS = (
    ("evaluator@demo.certpath.cn", G.SENIOR, "LHPD-G-2024-0016", 700, 760, S.APPROVED),
    ("evaluator@demo.certpath.cn", G.LEAD, "LHPD-Z-2025-0007", 400, 695, S.APPROVED),
    ("evaluator2@demo.certpath.cn", G.EVALUATOR, "LHPD-P-2025-0112", 300, 795, S.APPROVED),
    ("evaluator2@demo.certpath.cn", G.SENIOR, "LHPD-G-2026-0031", 5, 1090, S.SUBMITTED),
    ("evaluator3@demo.certpath.cn", G.SENIOR, "LHPD-G-2023-0042", 900, 195, S.APPROVED),
    ("evaluator3@demo.certpath.cn", G.LEAD, "LHPD-Z-2023-0019", 1065, 30, S.APPROVED),
    ("evaluator4@demo.certpath.cn", G.EVALUATOR, "LHPD-P-2026-0088", 120, 975, S.APPROVED),
    ("evaluator5@demo.certpath.cn", G.EVALUATOR, "LHPD-P-2024-0158", 500, 595, S.APPROVED),
    ("evaluator6@demo.certpath.cn", G.LEAD, "LHPD-Z-2025-0044", 200, 895, S.APPROVED),
    ("evaluator6@demo.certpath.cn", G.SENIOR, "LHPD-G-2023-0090", 1115, -20, S.APPROVED),
)
# Other bodies' evaluators: (body code, account, name).
OTHER_BODIES = (
    ("001", "evaluator5@demo.certpath.cn", "周电力"),
    ("003", "evaluator6@demo.certpath.cn", "吴化工"),
)
# (account, GB/T 4754 section or division, status)
SECTORS = (
    ("evaluator@demo.certpath.cn", "C", S.APPROVED),
    ("evaluator@demo.certpath.cn", "34", S.APPROVED),
    ("evaluator2@demo.certpath.cn", "38", S.APPROVED),
    ("evaluator2@demo.certpath.cn", "39", S.SUBMITTED),
    ("evaluator3@demo.certpath.cn", "34", S.APPROVED),
    ("evaluator4@demo.certpath.cn", "36", S.APPROVED),
    ("evaluator5@demo.certpath.cn", "D", S.APPROVED),
    ("evaluator5@demo.certpath.cn", "26", S.APPROVED),
    ("evaluator6@demo.certpath.cn", "39", S.APPROVED),
    ("evaluator6@demo.certpath.cn", "F", S.SUBMITTED),
)
# (account, days ago, course, hours, provider)
TRAININGS = (
    ("evaluator@demo.certpath.cn", 40, "两化融合管理体系评定规则宣贯", 16, "两化融合服务联盟"),
    ("evaluator@demo.certpath.cn", 200, "GB/T 23001-2017 审核实务", 24, "两化融合服务联盟"),
    ("evaluator2@demo.certpath.cn", 60, "数字化转型评估方法", 12, "中国电子技术标准化研究院"),
    ("evaluator5@demo.certpath.cn", 90, "数据要素与数据管理能力", 8, "中国电子技术标准化研究院"),
)
# (name, mailbox, credit-code base, county, GB/T 4754 division, address)
UNCOVERED = (
    "上海浦江云数软件有限公司", "software", "91310104MA1H2YT6N", "310104", "65",
    "上海市徐汇区漕河泾开发区宜山路 700 号",
)  # fmt: skip


def _other_bodies() -> None:
    for code, email, name in OTHER_BODIES:
        body = db.session.scalar(sa.select(Organisation).where(Organisation.body_code == code))
        if body is not None:
            account(body, Role.EVALUATOR, email, name)


def _uncovered_project() -> None:
    """A project under way in a section no demo evaluator covers."""
    org, owner = enterprise_with_contact(*UNCOVERED)
    submitted(org, owner, assessments.current_year() - 1, 0.6, approve=True)
    if projects.active_project(org.id) is None:
        projects.start(
            org, owner, "云服务软件的研发与运维", ["基于数据的软件交付能力"], ["上海市徐汇区"]
        )


def _people() -> dict[str, User]:
    emails = {row[0] for row in REGISTRATIONS}
    return {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}


def load() -> None:
    _other_bodies()
    _uncovered_project()
    people = _people()
    approver = db.session.scalar(sa.select(User).where(User.email == APPROVER))
    today = local_today()
    for email, grade, number, issued, expires, status in REGISTRATIONS:
        person = people.get(email)
        if person is None or db.session.scalar(
            sa.select(EvaluatorRegistration.id).where(
                EvaluatorRegistration.grade == grade, EvaluatorRegistration.number == number
            )
        ):
            continue
        db.session.add(
            EvaluatorRegistration(
                user_id=person.id,
                body_id=person.organisation_id,
                grade=grade,
                number=number,
                issued_on=today - timedelta(days=issued),
                expires_on=today + timedelta(days=expires),
                status=status,
                submitted_at=utcnow() - timedelta(days=min(issued, 10)),
                decided_at=utcnow() - timedelta(days=5) if status is S.APPROVED else None,
                decided_by_id=approver.id if approver and status is S.APPROVED else None,
            )
        )
    for email, code, status in SECTORS:
        person = people.get(email)
        if person is None or db.session.scalar(
            sa.select(EvaluatorCompetence.id).where(
                EvaluatorCompetence.user_id == person.id,
                EvaluatorCompetence.industry_code == code,
            )
        ):
            continue
        db.session.add(
            EvaluatorCompetence(
                user_id=person.id,
                body_id=person.organisation_id,
                industry_code=code,
                status=status,
                decided_at=utcnow() - timedelta(days=5) if status is S.APPROVED else None,
                decided_by_id=approver.id if approver and status is S.APPROVED else None,
            )
        )
    for email, days, course, hours, provider in TRAININGS:
        person = people.get(email)
        if person is None or db.session.scalar(
            sa.select(EvaluatorTraining.id).where(
                EvaluatorTraining.user_id == person.id, EvaluatorTraining.course == course
            )
        ):
            continue
        db.session.add(
            EvaluatorTraining(
                user_id=person.id,
                body_id=person.organisation_id,
                taken_on=today - timedelta(days=days),
                course=course,
                hours=hours,
                provider=provider,
            )
        )
    db.session.flush()
