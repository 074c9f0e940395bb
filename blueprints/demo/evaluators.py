"""The demo's evaluator register (issue 20): the evaluation body's evaluators registered with
their sectors and training, so that the demo's audit teams pass the team rules — 张评定 leads
(lead qualification, competence in the whole of manufacturing, section C, where every demo
enterprise audited belongs), 刘审核 is a registered member; 钱回避's lead qualification expires
in 30 days (on the body's work list, its reminder due), 刘审核's senior registration waits for
the alliance's approval (on the alliance's work list). Loaded before the demo's projects set
their teams. Dates are counted from today; idempotent, keyed by the registration number and
the person's sector."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.clock import local_today, utcnow
from app.extensions import db
from models import (
    EvaluatorCompetence,
    EvaluatorRegistration,
    EvaluatorTraining,
    RecordStatus,
    RegistrationGrade,
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
)
# (account, GB/T 4754 section or division, status)
SECTORS = (
    ("evaluator@demo.certpath.cn", "C", S.APPROVED),
    ("evaluator@demo.certpath.cn", "34", S.APPROVED),
    ("evaluator2@demo.certpath.cn", "38", S.APPROVED),
    ("evaluator2@demo.certpath.cn", "39", S.SUBMITTED),
    ("evaluator3@demo.certpath.cn", "34", S.APPROVED),
    ("evaluator4@demo.certpath.cn", "36", S.APPROVED),
)
# (account, days ago, course, hours, provider)
TRAININGS = (
    ("evaluator@demo.certpath.cn", 40, "两化融合管理体系评定规则宣贯", 16, "两化融合服务联盟"),
    ("evaluator@demo.certpath.cn", 200, "GB/T 23001-2017 审核实务", 24, "两化融合服务联盟"),
    ("evaluator2@demo.certpath.cn", 60, "数字化转型评估方法", 12, "中国电子技术标准化研究院"),
)


def _people() -> dict[str, User]:
    emails = {row[0] for row in REGISTRATIONS}
    return {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}


def load() -> None:
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
