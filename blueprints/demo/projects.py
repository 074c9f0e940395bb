"""Demo certification projects, walked through the same services as the web pages.

One project sits in the correction step with open findings (for the demo evaluator, the
consultant and the enterprise to act on); another runs its consulting phase itself.
"""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.clock import local_today, utcnow
from app.extensions import db
from blueprints.audits import services as audits
from blueprints.demo.people import first_user, team_of
from blueprints.documents import services as documents
from blueprints.projects import services
from blueprints.projects.services import current_audit
from blueprints.publicity import services as publicity
from models import (
    AuditKind,
    DocumentKind,
    FindingKind,
    Organisation,
    Project,
    User,
)

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_file(name: str) -> FileStorage:
    return FileStorage(stream=BytesIO(PDF), filename=name, content_type="application/pdf")


def _upload(project: Project, actor: User, kind: DocumentKind, name: str, step: int | None = None):
    documents.add(project, actor, kind, pdf_file(name), consulting_step=step)


def _consult(project: Project, actor: User, started: date, upto: int = 6) -> None:
    deliverables = {
        4: [
            (DocumentKind.MANUAL, "两化融合管理手册.pdf"),
            (DocumentKind.PROCEDURE, "程序文件汇编.pdf"),
        ],
        5: [(DocumentKind.INTERNAL_AUDIT_REPORT, "内部审核报告.pdf")],
        6: [(DocumentKind.MANAGEMENT_REVIEW, "管理评审记录.pdf")],
    }
    for number in range(1, upto + 1):
        for kind, name in deliverables.get(number, []):
            _upload(project, actor, kind, name, number)
        services.perform(
            project,
            "complete_step",
            actor,
            completed_on=local_today(),
            notes=f"第 {number} 步已完成。",
            operation_started_on=started,
        )


def _spread(project: Project, days: int) -> None:
    """Date the history back over ``days`` so the timeline reads like a real project."""
    events = list(project.events)
    step = days / max(len(events), 1)
    now = utcnow()
    for index, event in enumerate(events):
        event.created_at = now - timedelta(days=days - index * step)


def _apply(
    project: Project, owner: User, body: Organisation, lead: User, headcount: int, phone: str
) -> None:
    services.perform(
        project,
        "apply",
        owner,
        body_id=body.id,
        scope=project.scope,
        capabilities=project.capabilities,
        sites=project.sites,
        headcount=headcount,
        contact_name="企业联系人",
        contact_phone=phone,
    )
    services.perform(project, "accept_application", lead, lead_evaluator_id=lead.id)


def _audits(project: Project, lead: User, member: User, day: date, on_stage2=None) -> None:
    """Plan and complete both stages on ``day``; ``on_stage2(audit)`` logs its findings."""
    for stage in ("stage1", "stage2"):
        services.perform(
            project, f"plan_{stage}", lead, starts_on=day, ends_on=day, member_ids=[member.id]
        )
        if stage == "stage2" and on_stage2 is not None:
            on_stage2(current_audit(project, AuditKind.STAGE2))
        services.perform(project, f"complete_{stage}", lead, completed_on=day)


def load(enterprises: list[Organisation], consultancy: Organisation, body: Organisation) -> None:
    if db.session.scalar(
        sa.select(sa.exists().where(Project.organisation_id.in_([e.id for e in enterprises])))
    ):
        return  # already loaded
    consultant = first_user(consultancy)
    team = team_of(body)
    lead, member, reviewers = team.lead, team.member, team.reviewers
    today = local_today()

    # 1. In correction: a major answered and awaiting verification, a minor still open.
    org = enterprises[1]
    owner = first_user(org)
    project = services.start(
        org,
        owner,
        "新材料的研发、生产和销售",
        ["基于数据的柔性生产管控能力", "供应链协同能力"],
        ["上海市松江区新桥镇"],
    )
    services.perform(project, "invite_consultancy", owner, consultancy_id=consultancy.id)
    services.perform(project, "accept_engagement", consultant)
    _consult(project, consultant, started=today - timedelta(days=130))
    _apply(project, owner, body, lead, 860, "021-57000000")

    def findings(audit) -> None:
        major = audits.add_finding(
            audit,
            lead,
            FindingKind.MAJOR,
            "9.3",
            "内部审核未覆盖全部体系过程，缺少对数据开发利用过程的审核记录。",
        )
        audits.add_finding(
            audit, member, FindingKind.MINOR, "4.4.3.3", "部分程序文件未标识版本号和生效日期。"
        )
        audits.add_finding(
            audit,
            lead,
            FindingKind.OBSERVATION,
            "8.6",
            "设备联网数据尚未用于预测性维护，建议持续关注。",
        )
        audits.answer(
            major,
            owner,
            "内审计划编制时遗漏了新增过程。",
            "已补充开展数据开发利用过程的专项内审。",
            "修订内审程序，要求每年内审覆盖全部过程并由管理者代表审批计划。",
        )

    _audits(project, lead, member, today - timedelta(days=2), on_stage2=findings)
    _spread(project, 150)

    # 2. Certified: every phase walked, publicity dated back so that it has ended.
    org = enterprises[4]
    owner = first_user(org)
    project = services.start(
        org,
        owner,
        "智能家电的研发、生产和销售",
        ["个性化定制能力", "智能产品全生命周期管理能力"],
        ["深圳市南山区"],
    )
    services.perform(project, "consult_ourselves", owner)
    _consult(project, owner, started=today - timedelta(days=200))
    _apply(project, owner, body, lead, 2300, "0755-26000000")
    _audits(project, lead, member, today - timedelta(days=39))
    _upload(project, lead, DocumentKind.AUDIT_REPORT, "评定报告.pdf")
    services.perform(project, "recommend", lead)
    services.perform(project, "confirm", owner)
    services.perform(project, "pass_compliance", reviewers[0])
    services.perform(project, "pass_re_review", reviewers[1])
    batch = publicity.create_batch(reviewers[1], f"{today.year} 年第 1 批", today, [project.id])
    batch.starts_on, batch.ends_on = today - timedelta(days=12), today - timedelta(days=5)
    publicity.close_batch(batch, reviewers[1])
    services.perform(project, "issue", reviewers[1])
    _spread(project, 220)

    # 3. Running the consulting phase itself, now at the documentation step.
    org = enterprises[3]
    owner = first_user(org)
    project = services.start(
        org, owner, "电子元器件的研发和生产", ["研发设计与生产制造一体化能力"], ["广州市天河区"]
    )
    services.perform(project, "consult_ourselves", owner)
    _consult(project, owner, started=today, upto=3)
    _spread(project, 60)
    db.session.flush()
