"""The demo's complaints and appeals (ISO/IEC 17021-1 §9.7, §9.8):

* 上海张江生物医药装备 (``zhangjiang@``) — its compliance review returned by ``alliance2@``
  three days ago; its appeal, filed two days ago, waits for a handler and its acknowledgement:
  on ``alliance@``'s work list (who had no part in the review; ``alliance2@`` is refused);
* a complaint from the public (陈女士, in English) about the demo consultancy, received five
  days ago, handled by ``alliance@``, acknowledged, with an investigation note: on
  ``alliance@``'s work list too, its decision due;
* 长春智联工业互联网 (``pool-d@``), suspended from the Changchun pilot's provider pool by
  ``changchun@`` four days ago, appealed three days ago; ``alliance2@`` handles it (outside the
  authority that decided), its acknowledgement due: on ``alliance2@``'s work list and, under
  way, on ``pool-d@``'s;
* a complaint from the public about a certificate holder of the demo body (005), received four
  days ago and acknowledged by ``alliance3@`` (the reviewers ``alliance@`` and ``alliance2@``
  took part in every demo certificate), who ordered a special audit yesterday: on the body's
  work list (``evaluator@``, ``evaluator2@``), waiting to be scheduled.

Both are filed and moved through the same services as the pages, then dated back (their
deadlines counted in working days from the day they were received). Idempotent: an enterprise
with a project, or a complaint with the same grounds, is not made again.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.clock import local_time, utcnow
from app.extensions import db
from blueprints.cases import filing
from blueprints.cases import services as cases
from blueprints.cases.impartiality import refusal
from blueprints.demo import pool as demo_pool
from blueprints.demo.people import team_of
from blueprints.demo.review_items import _enterprise, _walk
from blueprints.projects import services as projects
from blueprints.special_audits import services as special_audits
from models import (
    Case,
    CaseSubject,
    Certificate,
    CertificateStatus,
    Organisation,
    OrgKind,
    PoolMember,
    Project,
    Role,
    User,
)

APPELLANT = (
    "上海张江生物医药装备有限公司",
    "zhangjiang",
    "91310115MA1Q8GJ70",
    "310115",
    "35",
    "上海市浦东新区蔡伦路 1200 号",
)
HANDLER = "alliance@demo.certpath.cn"
COMPLAINT_GROUNDS = (
    "The consultancy promised our company a certificate within three months for a fixed fee "
    "and offered to write the internal audit report for us."
)


def _date_back(case: Case, days: int) -> None:
    """The case as if received ``days`` ago: its history and deadlines moved with it."""
    shift = timedelta(days=days)
    case.received_at -= shift
    for event in case.events:
        event.created_at -= shift
    for note in case.notes:
        note.created_at -= shift
    if case.acknowledged_at:
        case.acknowledged_at -= shift
    received = (local_time(case.received_at) or case.received_at).date()
    config = current_app.config
    case.acknowledge_due_on = filing.deadline(received, config["CASE_ACKNOWLEDGE_WORKING_DAYS"])
    case.decide_due_on = filing.deadline(received, config["CASE_DECISION_WORKING_DAYS"])


def _appeal(body: Organisation) -> None:
    org, owner = _enterprise(*APPELLANT)
    if db.session.scalar(sa.select(sa.exists().where(Project.organisation_id == org.id))):
        return  # already loaded
    team = team_of(body)
    _walk(org, owner, team, "生物医药专用装备的研发和生产", ["柔性制造与质量追溯能力"],
          "confirmed")  # fmt: skip
    project = db.session.scalars(sa.select(Project).where(Project.organisation_id == org.id)).one()
    # The second reviewer returns it, so that alliance@ may handle the appeal.
    projects.perform(
        project, "return_compliance", team.reviewers[1],
        "评定报告未附第二阶段审核的现场记录，请评定机构补充后重新提交。",
    )  # fmt: skip
    decision = project.events[-1]
    decision.created_at = utcnow() - timedelta(days=3)
    case = filing.appeal(
        owner,
        decision,
        "第二阶段审核的现场记录已作为评定报告附件 3 提交（共 42 页），"
        "合规性审查认定缺少该记录与事实不符，请求撤销退回决定并继续审查。",
        [],
    )
    _date_back(case, 2)


def _complaint(consultancy: Organisation) -> None:
    if db.session.scalar(sa.select(sa.exists().where(Case.grounds == COMPLAINT_GROUNDS))):
        return
    handler = db.session.scalar(sa.select(User).where(User.email == HANDLER))
    if handler is None:
        return
    case = filing.complain(
        filing.Complainant(
            name="Ms Chen", email="chen.complaints@example.com", phone="", locale="en",
            address="198.51.100.23",
        ),
        CaseSubject.ORGANISATION,
        COMPLAINT_GROUNDS,
        organisation_id=consultancy.id,
    )  # fmt: skip
    cases.assign(case, handler, handler.id, None)
    cases.act(case, "acknowledge", handler, None, text="We are looking into it.")
    cases.add_note(case, handler, "已约谈该咨询机构负责人，索取与该企业的服务合同。")
    _date_back(case, 5)


HOLDER_COMPLAINT_GROUNDS = (
    "该企业在证书覆盖范围以外的产品宣传册上使用了两化融合管理体系评定标志，"
    "并称其全部产品线均已通过评定。"
)


def _complaint_about_a_holder(body: Organisation) -> None:
    if db.session.scalar(sa.select(sa.exists().where(Case.grounds == HOLDER_COMPLAINT_GROUNDS))):
        return
    certificate = db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.body_id == body.id, Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.id)
    ).first()
    if certificate is None:
        return
    case = filing.complain(
        filing.Complainant(name="刘先生", email="liu.complaints@example.com", phone="",
                           locale="zh", address="198.51.100.24"),
        CaseSubject.CERTIFICATE,
        HOLDER_COMPLAINT_GROUNDS,
        certificate_number=certificate.number,
    )  # fmt: skip
    staff = db.session.scalars(
        sa.select(User)
        .join(Organisation)
        .where(Organisation.kind == OrgKind.ALLIANCE, User.role == Role.ALLIANCE_STAFF)
        .order_by(User.id)
    ).all()
    handler = next((person for person in staff if refusal(case, person) is None), None)
    if handler is None:
        return
    cases.assign(case, handler, handler.id, None)
    cases.act(case, "acknowledge", handler, None, text="我们已开始调查。")
    special = special_audits.order(
        case, handler,
        "投诉反映证书范围外产品使用评定标志，请对宣传材料和标志使用管理进行现场核实。",
        "标志和证书的使用管理；产品宣传材料", None,
    )  # fmt: skip
    _date_back(case, 4)
    special.ordered_at = utcnow() - timedelta(days=1)
    case.events[-1].created_at = special.ordered_at


POOL_APPEAL_HANDLER = "alliance2@demo.certpath.cn"


def _pool_appeal() -> None:
    member = db.session.scalar(
        sa.select(PoolMember)
        .join(Organisation, Organisation.id == PoolMember.provider_id)
        .where(Organisation.name == demo_pool.SUSPENDED_PROVIDER)
    )
    if member is None or db.session.scalar(
        sa.select(sa.exists().where(Case.pool_member_id == member.id))
    ):
        return
    appellant = db.session.scalar(sa.select(User).where(User.email == "pool-d@demo.certpath.cn"))
    handler = db.session.scalar(sa.select(User).where(User.email == POOL_APPEAL_HANDLER))
    if appellant is None or handler is None:
        return
    case = filing.appeal(
        appellant,
        member.events[-1],
        "两份诊断报告结构相同系采用同一诊断模板所致，具体问题与建议各不相同；"
        "两家企业的现场诊断记录及签到表附后，请求撤销暂停决定。",
        [],
    )
    cases.assign(case, handler, handler.id, None)
    _date_back(case, 3)


def load(body: Organisation, consultancy: Organisation) -> None:
    _appeal(body)
    _pool_appeal()
    _complaint(consultancy)
    _complaint_about_a_holder(body)
    db.session.flush()
