"""A scene with something in every state a page can show, and the arguments to reach each GET
route in it, as every party: shared by the tests that walk every route (no writes on GET, the
fuzz test)."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from werkzeug.datastructures import FileStorage

from app import list_exports, storage
from app.clock import local_today, utcnow
from app.excel import Sheet, write_xlsx
from app.extensions import db
from app.security.tokens import make_token
from app.workflow import SYSTEM
from blueprints.assessment.services import questionnaire_of
from blueprints.campaigns import bulletins
from blueprints.campaigns import services as campaigns
from blueprints.cases import filing
from blueprints.cases import services as cases
from blueprints.certificates import services as certificate_services
from blueprints.demand import services as demand
from blueprints.demo import engagements as demo_engagements
from blueprints.diagnosis import programmes, sme_level
from blueprints.diagnosis import services as evaluations
from blueprints.diagnosis.services import record_self_evaluation
from blueprints.documents import services as documents
from blueprints.engagements import progress_reports
from blueprints.engagements import services as engagements
from blueprints.notices import services as notices
from blueprints.pool import services as pool
from blueprints.projects import services as project_services
from blueprints.reform import review as reform_review
from blueprints.reform import services as reform
from blueprints.reform import subsidy as reform_subsidy
from blueprints.special_audits import services as special_audits
from blueprints.surveillance import services as schedule_services
from blueprints.webhooks import services as webhook_services
from models import (
    SUBSCRIBABLE,
    AcceptanceVerdict,
    Assessment,
    AssessmentStatus,
    Audit,
    AuditKind,
    CaseSubject,
    Certificate,
    DeliveryStatus,
    DocumentKind,
    EngineerTitle,
    EvaluatorCompetence,
    EvaluatorRegistration,
    EvaluatorTraining,
    ExportJob,
    ExportStatus,
    Finding,
    FindingKind,
    FindingStatus,
    NoticeAudience,
    Notification,
    OrgKind,
    OutboxMessage,
    Project,
    ProjectStatus,
    RecordStatus,
    ReformAcceptance,
    ReformAuditReport,
    ReformGrading,
    ReformProject,
    ReformStatus,
    RegistrationGrade,
    Role,
    ScheduleItem,
    ScheduleKind,
    SmeLevelEvaluation,
    SmeLevelKind,
    SolutionOrigin,
    User,
    WebhookDelivery,
)
from models.reform_subsidy import OutcomeCategory, ReformOutcome
from tests import factories
from tests.functional.projects.helpers import PDF

P = ProjectStatus

# What changes the database: DML (also inside a WITH) and DDL. Reads, SAVEPOINT/RELEASE and
# other transaction control are not writes.
_WRITE = re.compile(
    r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|REPLACE\s+INTO|MERGE\s+INTO|UPSERT"
    r"|CREATE|ALTER|DROP|TRUNCATE)\b",
    re.IGNORECASE,
)


def is_write(statement: str) -> bool:
    return bool(_WRITE.search(statement))


@dataclass
class Scene:
    parties: factories.Parties
    staff: User
    authority: User
    admin: User
    project: Project  # past its 6-month deadline
    stage1: Audit
    stage2: Audit
    finding: Finding
    evidence_id: int
    manual_id: int
    certificate: Certificate
    surveillance: Audit
    in_publicity: Project
    publicity_entry_id: int
    approved: Assessment
    draft: Assessment
    waiting: Assessment
    first_section: str
    outbox_id: int
    newcomer: User  # not verified yet
    invited: User  # no password yet
    tokens: dict[str, str] = field(default_factory=dict)
    campaign_id: int = 0  # the city's open round
    bulletin_id: int = 0  # its bulletin of this quarter
    notice_id: int = 0  # the city's notice to its region, with an attachment
    notice_attachment_id: int = 0
    announcement_id: int = 0  # the alliance's notice to the public, with an attachment
    announcement_attachment_id: int = 0
    sme_level_id: int = 0  # the enterprise's SME digital level self-evaluation
    diagnostician: User | None = None  # of the provider of the engagement
    engagement_id: int = 0  # the enterprise's diagnosis, agreement filed, one member
    member_id: int = 0
    engagement_file_id: int = 0  # its agreement's scan
    pilot_on_site_id: int = 0  # a Changchun engagement on site
    pool_member_id: int = 0  # its provider's place in the pilot's pool, admitted
    pool_product_id: int = 0
    pool_file_id: int = 0  # the place's qualification document
    pool_event_id: int = 0  # the place's last move (out of publicity: no appeal to offer)
    reform_project_id: int = 0  # the enterprise's reform project, drafted with one contract
    reform_contract_id: int = 0
    # An accepted copy of it, graded 二级, audited, one outcome, its subsidy applied for.
    subsidised_project_id: int = 0
    reform_outcome_id: int = 0
    # A second one, implemented and reviewed: graded, its acceptance concluded, audited.
    reform_grading_id: int = 0
    reform_acceptance_id: int = 0
    reform_audit_id: int = 0
    nmg_engagement_id: int = 0  # an Inner Mongolia engagement, agreed, a plan row filed
    progress_report_id: int = 0  # its provider's progress report to the authority
    api_key_id: int = 0  # the enterprise's API key
    webhook_id: int = 0  # the enterprise's webhook endpoint, with a dead delivery
    webhook_delivery_id: int = 0
    export_id: int = 0  # the authority's background export, done, with its file
    queued_export_id: int = 0  # and one waiting for the scheduler
    registration_id: int = 0  # the evaluator's registration, waiting for the alliance
    competence_id: int = 0  # their sector, waiting too
    training_id: int = 0  # their training
    case_id: int = 0  # an enterprise's appeal against a compliance return, with a file
    case_file_id: int = 0
    appeal_event_id: int = 0  # the return it appeals
    special_audit_id: int = 0  # a complaint about the certificate's holder led to one, ordered


def pdf(name: str) -> FileStorage:
    return FileStorage(BytesIO(PDF), filename=name, content_type="application/pdf")


def build(app) -> Scene:
    today = date.today()
    parties = factories.Parties()
    staff = factories.alliance_staff()
    admin = factories.user(staff.organisation, role=Role.ADMIN)
    city = factories.organisation(OrgKind.AUTHORITY, region="310000")
    authority = factories.user(city)

    # The project past its deadline: only the scheduler may move it back.
    months = app.config["MAJOR_NC_MAX_MONTHS"]
    project = factories.project(
        parties, P.CORRECTION, stage2_completed_on=today - relativedelta(months=months, days=10)
    )
    audits = {
        a.kind: a
        for a in db.session.scalars(sa.select(Audit).where(Audit.project_id == project.id))
    }
    finding = Finding(
        audit_id=audits[AuditKind.STAGE2].id,
        kind=FindingKind.MAJOR,
        clause_code="9.3",
        description="管理评审未覆盖新型能力",
        status=FindingStatus.OPEN,
        due_on=today - timedelta(days=150),
        created_by_id=parties.lead.id,
    )
    db.session.add(finding)
    db.session.flush()
    evidence = documents.add(
        project, parties.lead, DocumentKind.EVIDENCE, pdf("证据.pdf"), finding_id=finding.id
    )
    evidence.audit_id = audits[AuditKind.STAGE2].id
    manual = documents.add(project, parties.consultant, DocumentKind.MANUAL, pdf("管理手册.pdf"))

    # A certificate with its schedule: the first surveillance planned, a request waiting.
    certificate = factories.certificate(parties, staff=staff)
    first = db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id,
            ScheduleItem.kind == ScheduleKind.SURVEILLANCE_1,
        )
    )
    schedule_services.perform(
        first,
        "plan",
        parties.lead,
        starts_on=today,
        ends_on=today,
        member_ids=[parties.evaluator.id],
    )
    certificate_services.request_change(certificate, parties.enterprise, "cancel", "业务调整")

    # Another enterprise's project in publicity, with an objection.
    other = factories.organisation(region="310115")
    in_publicity = factories.project(parties, P.IN_PUBLICITY, organisation=other)
    objection = factories.objection(in_publicity, staff)

    # Self-assessments: this year's approved one (Parties), a draft, one waiting for the city.
    approved = db.session.scalar(
        sa.select(Assessment).where(Assessment.organisation_id == parties.enterprise_org.id)
    )
    draft = factories.assessment(
        parties.enterprise_org, year=today.year - 1, status=AssessmentStatus.DRAFT
    )
    waiting = factories.assessment(other, status=AssessmentStatus.AWAITING_CITY)
    waiting.reviewer_id = city.id

    people = (parties.enterprise, parties.consultant, parties.lead, staff, authority, admin)
    for person in people:
        db.session.add(
            Notification(
                user_id=person.id,
                key=f"get-test:{person.id}",
                title="测试通知",
                link=f"/projects/{project.id}",
            )
        )
    message = OutboxMessage(
        dedup_key="get-test",
        recipient=parties.enterprise.email,
        subject="测试邮件",
        body_text="正文",
        locale="zh",
    )
    db.session.add(message)

    # For the links of the emails: confirm an address, accept an invitation.
    newcomer = factories.user(other, verified=False)
    invited = factories.user(other, password_hash=None)
    db.session.flush()
    campaign = campaigns.launch(
        city,
        authority,
        campaigns.Launch(
            opens_on=today,
            closes_on=min(today + timedelta(days=20), date(today.year, 12, 31)),
            report_due_on=today + timedelta(days=60),
            title="上海市两化融合评估",
        ),
    )
    factories.assessment(
        factories.organisation(region="310104"), status=AssessmentStatus.DRAFT, campaign=campaign
    )
    bulletin = bulletins.issue(campaign, city, authority)
    notice = notices.publish(
        authority,
        "关于开展两化融合评估的通知",
        "请按时填报。",
        NoticeAudience.EVERYONE,
        [pdf("通知.pdf")],
    )
    announcement = notices.publish(
        staff, "关于评定机构名录的公告", "现予公告。", NoticeAudience.PUBLIC, [pdf("名录.pdf")]
    )
    table = sme_level.table()
    evaluation = record_self_evaluation(
        parties.enterprise,
        {i.key: 6.0 for i in table.indicators},
        {sc.key: 2 if sc.constrained else 1 for sc in table.scenarios},
    )
    provider = factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100")
    diagnostician = factories.user(provider)
    engagement = engagements.enrol(
        authority,
        programmes.programme("changchun_pilot"),
        parties.enterprise_org.credit_code,
        provider.id,
    )
    engagements.file_agreement(engagement, diagnostician, today, pdf("协议.pdf"))
    member = engagements.add_member(
        engagement, diagnostician, name="郑专家", unit="", title=EngineerTitle.SENIOR,
        lead=True, expert=True, pledged_on=today,
    )  # fmt: skip
    # A Changchun engagement on site: its on-site grading page.
    pilot_org = factories.organisation(region="310115")
    pilot = engagements.enrol(authority, programmes.programme("changchun_pilot"),
                              pilot_org.credit_code, provider.id)  # fmt: skip
    engagements.file_agreement(pilot, diagnostician, today, pdf("协议.pdf"))
    for n, name in enumerate(("郑专家", "冯工", "王工")):
        engagements.add_member(pilot, diagnostician, name=name, unit="",
                               title=EngineerTitle.MID, lead=n == 0, expert=n == 0,
                               pledged_on=today)  # fmt: skip
    engagements.perform(pilot, "start", diagnostician)
    # The pilot's provider pool: the provider applied, the authority's official reviewed it,
    # admitted and out of publicity — the library matches its products.
    place = pool.apply(diagnostician, pool.pool_of(f"changchun_pilot:{authority.organisation_id}"),
                       "高新技术企业")  # fmt: skip
    pool_product = pool.add_product(place, diagnostician, pool.Product(
        "云质量追溯平台", "2.3.1", Decimal(10), Decimal(20), SolutionOrigin.EXISTING))  # fmt: skip
    pool_file = pool.add_file(place, diagnostician, pdf("资质.pdf"))
    pool.perform(place, "submit", diagnostician)
    pool.assign(place, authority, authority.id, None)
    pool.record_opinion(place, authority, True, "同意入库", None)
    pool.perform(place, "admit", authority, reason="专家评审通过")
    place.publicity_starts_on = today - timedelta(days=20)
    place.publicity_ends_on = today - timedelta(days=13)
    pool.perform(place, "close_publicity", SYSTEM)
    # The enterprise's reform project in the pilot, drafted with a contract with the provider.
    reform_draft = reform.Draft(
        "质量追溯改造", ["2.3.1"], today, today + timedelta(days=180), Decimal(300000)
    )
    reform_project = reform.create(parties.enterprise, engagement, reform_draft)
    reform_contract = reform.add_contract(reform_project, parties.enterprise, reform.Contract(
        place.id, pool_product.id, "", Decimal(150000), today, today + timedelta(days=90)),
        pdf("合同.pdf"))  # fmt: skip
    subsidised, outcome = _reform_subsidy(reform_project, parties)
    reviewed = _reviewed_reform(parties, authority, engagement, place, reform_draft)
    need = demand.record_entry(pilot, diagnostician, scenario_code="2.3.1", problem="纸质台账",
                               need="质量追溯", description="扫码追溯")  # fmt: skip
    demand.match_solution(need, diagnostician, demand.Offer(
        name="云质量追溯平台", summary="", provider_id=provider.id, price_low=Decimal(10),
        price_high=Decimal(20), origin=SolutionOrigin.EXISTING,
    ))  # fmt: skip
    # An Inner Mongolia engagement, agreed: its forms before going on site, the plan begun.
    nmg_org = factories.organisation(region="310115")
    nmg = engagements.enrol(authority, programmes.programme("nmg_offline"),
                            nmg_org.credit_code, provider.id)  # fmt: skip
    engagements.file_agreement(nmg, diagnostician, today, pdf("协议.pdf"))
    demo_engagements.fill_forms(nmg, "start", provider=diagnostician, enterprise=None, day=today,
                                only=("plan",), at_most=1)  # fmt: skip
    progress = progress_reports.submit(diagnostician, f"nmg_offline:{authority.organisation_id}",
                                       today, today, "完成诊断计划编制")  # fmt: skip
    api_key = factories.api_key(parties.enterprise).key
    webhook = webhook_services.create(
        parties.enterprise_org, parties.enterprise, url="https://hooks.example.com/in",
        events=list(SUBSCRIBABLE),
    ).endpoint  # fmt: skip
    webhook_services.ping(webhook)
    dead = db.session.scalars(
        sa.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == webhook.id)
    ).one()
    dead.status = DeliveryStatus.DEAD
    done_export, queued_export = _exports(authority)
    registration, competence, training = _evaluator_records(parties.evaluator)
    appeal = _appeal(parties, staff)
    special = _special_audit(certificate, staff)
    return Scene(
        case_id=appeal.id,
        case_file_id=appeal.files[0].id,
        appeal_event_id=appeal.project_event_id or 0,
        special_audit_id=special.id,
        registration_id=registration.id,
        competence_id=competence.id,
        training_id=training.id,
        export_id=done_export.id,
        queued_export_id=queued_export.id,
        api_key_id=api_key.id,
        webhook_id=webhook.id,
        webhook_delivery_id=dead.id,
        nmg_engagement_id=nmg.id,
        progress_report_id=progress.id,
        pilot_on_site_id=pilot.id,
        pool_member_id=place.id,
        pool_product_id=pool_product.id,
        pool_file_id=pool_file.id,
        pool_event_id=place.events[-1].id,
        reform_project_id=reform_project.id,
        reform_contract_id=reform_contract.id,
        subsidised_project_id=subsidised.id,
        reform_outcome_id=outcome.id,
        reform_grading_id=reviewed[0].id,
        reform_acceptance_id=reviewed[1].id,
        reform_audit_id=reviewed[2].id,
        engagement_file_id=engagements.agreement_file(engagement).id,
        diagnostician=diagnostician,
        engagement_id=engagement.id,
        member_id=member.id,
        sme_level_id=evaluation.id,
        campaign_id=campaign.id,
        bulletin_id=bulletin.id,
        notice_id=notice.id,
        notice_attachment_id=notice.attachments[0].id,
        announcement_id=announcement.id,
        announcement_attachment_id=announcement.attachments[0].id,
        parties=parties,
        staff=staff,
        authority=authority,
        admin=admin,
        project=project,
        stage1=audits[AuditKind.STAGE1],
        stage2=audits[AuditKind.STAGE2],
        finding=finding,
        evidence_id=evidence.id,
        manual_id=manual.id,
        certificate=certificate,
        surveillance=db.session.get(Audit, first.audit_id),
        in_publicity=in_publicity,
        publicity_entry_id=objection.entry_id,
        approved=approved,
        draft=draft,
        waiting=waiting,
        first_section=questionnaire_of(draft).sections[0].key,
        outbox_id=message.id,
        newcomer=newcomer,
        invited=invited,
    )


def email_links(scene: Scene) -> dict[str, str]:
    """The tokens of the emails, made from the users as they are now (a token carries a
    fingerprint of the password hash, which signing in may renew)."""
    db.session.expire_all()
    return {
        "verify": make_token(scene.newcomer, "verify"),
        "reset": make_token(scene.parties.enterprise, "reset"),
        "invite": make_token(scene.invited, "invite"),
    }


def _bulletin(s: Scene) -> dict:
    return {"campaign_id": s.campaign_id, "bulletin_id": s.bulletin_id}


def _exports(owner: User) -> tuple[ExportJob, ExportJob]:
    """A background export of the organisation list, done with its file, and one waiting."""
    done = ExportJob(
        owner_id=owner.id, export="orgs.export_xlsx", args={"kind": ["enterprise"]}, locale="zh",
        title="组织列表", filename="organisations.xlsx", status=ExportStatus.DONE,
        rows_total=1, rows_written=1, stored_name=f"{uuid.uuid4().hex}.xlsx",
        finished_at=utcnow(), expires_at=utcnow() + timedelta(hours=24),
    )  # fmt: skip
    workbook = io.BytesIO()
    write_xlsx([Sheet("组织", ["名称"], [["测试组织"]])], workbook, title="组织列表")
    workbook.seek(0)
    storage.current().put(list_exports.key_of(done.stored_name), workbook)
    waiting = ExportJob(
        owner_id=owner.id, export="orgs.export_xlsx", args={}, locale="zh", title="组织列表",
        filename="organisations.xlsx", rows_total=3000, rows_written=1000,
        status=ExportStatus.RUNNING, started_at=utcnow(),
    )  # fmt: skip
    db.session.add_all([done, waiting])
    db.session.flush()
    return done, waiting


def _appeal(parties: factories.Parties, staff: User):
    """An enterprise of its own whose compliance review ``staff`` returned, and its appeal."""
    org = factories.organisation(region="310115")
    member = factories.user(org, is_org_admin=True)
    project = factories.project(parties, P.CONFIRMED, organisation=org)
    project_services.perform(project, "return_compliance", staff, "缺少管理评审记录")
    return filing.appeal(member, project.events[-1], "审查遗漏了附件", [pdf("附件.pdf")])


def _special_audit(certificate: Certificate, issuer: User):
    """A complaint about the certificate's holder, acknowledged by a member of the alliance
    who had no part in issuing it, and the special audit they ordered."""
    handler = factories.user(issuer.organisation, role=Role.ALLIANCE_STAFF)
    case = filing.complain(
        filing.Complainant(name="王先生", email="wang@example.com", phone="", locale="zh",
                           address="198.51.100.60"),
        CaseSubject.CERTIFICATE, "超范围使用标志", certificate_number=certificate.number,
    )  # fmt: skip
    cases.assign(case, handler, handler.id, None)
    cases.act(case, "acknowledge", handler, None)
    return special_audits.order(case, handler, "现场核实标志使用", "标志使用管理", None)


def accepted_for_subsidy(
    draft: ReformProject, parties: factories.Parties
) -> tuple[ReformProject, ReformOutcome]:
    """An accepted copy of the draft (part 4's rows made directly: graded 二级 by the parties'
    evaluation body, accepted, audited) with one outcome recorded: ready to apply."""
    enterprise = parties.enterprise
    body = parties.evaluator.organisation_id
    firm = factories.organisation(OrgKind.AUDIT_FIRM, region="220100")
    auditor = factories.user(firm, role=Role.AUDITOR, is_org_admin=True)
    project = ReformProject(
        engagement_id=draft.engagement_id, programme_key=draft.programme_key,
        authority_id=draft.authority_id, county_authority_id=draft.authority_id,
        enterprise_id=draft.enterprise_id, evaluation_body_id=body, audit_firm_id=firm.id,
        name="质量追溯改造（已验收）", scenario_codes=["2.3.1"], starts_on=draft.starts_on,
        ends_on=draft.ends_on, budget=draft.budget, status=ReformStatus.ACCEPTED,
        created_by_id=enterprise.id,
    )  # fmt: skip
    db.session.add(project)
    db.session.flush()

    def stored() -> dict:
        return {"original_name": "报告.pdf", "stored_name": uuid.uuid4().hex, "size": len(PDF),
                "sha256": "0" * 64, "content_type": "application/pdf"}  # fmt: skip

    evaluation = SmeLevelEvaluation(
        organisation_id=draft.enterprise_id, number=1, table_key="sme_level_2024",
        kind=SmeLevelKind.REFORM, points={}, levels={}, total_points=45.0, grade_level=2,
        pledged_at=utcnow(), created_by_id=parties.evaluator.id,
    )  # fmt: skip
    db.session.add(evaluation)
    db.session.flush()
    grading = ReformGrading(project_id=project.id, body_id=body, evaluation_id=evaluation.id,
                            graded_on=date.today(), systems_checked="MES",
                            recorded_by_id=parties.evaluator.id, **stored())  # fmt: skip
    db.session.add(grading)
    db.session.flush()
    db.session.add(ReformAcceptance(
        project_id=project.id, body_id=body, grading_id=grading.id,
        leader_id=parties.evaluator.id, experts=["王工"], reviewed_on=date.today(),
        site_checked_on=date.today(), verdict=AcceptanceVerdict.PASS, opinion="通过", **stored(),
    ))  # fmt: skip
    report = ReformAuditReport(project_id=project.id, firm_id=firm.id, reported_on=date.today(),
                               eligible_cost=Decimal(280000), conclusion="合规",
                               recorded_by_id=auditor.id, **stored())  # fmt: skip
    db.session.add(report)
    outcome = ReformOutcome(project_id=project.id, category=OutcomeCategory.QUALITY,
                            indicator="产品不良率", unit="%", before=Decimal("2.5"),
                            after=Decimal("1.2"), recorded_by_id=enterprise.id)  # fmt: skip
    db.session.add(outcome)
    db.session.flush()
    return project, outcome


def _reform_subsidy(
    draft: ReformProject, parties: factories.Parties
) -> tuple[ReformProject, ReformOutcome]:
    """The accepted copy with its subsidy applied for: the subsidy's part of the project page,
    as every party sees it."""
    project, outcome = accepted_for_subsidy(draft, parties)
    reform_subsidy.apply(project, parties.enterprise, Decimal(50000))
    return project, outcome


def _reviewed_reform(parties, authority: User, engagement, place, draft) -> tuple:
    """A reform project taken to IMPLEMENTED (states set: its moves are tests/functional/
    reform's), its third parties named (the parties' evaluation body, an audit firm), graded,
    accepted with the city's authority as the county, and audited."""
    enterprise = parties.enterprise
    project = reform.create(enterprise, engagement, draft)
    reform.add_contract(project, enterprise, reform.Contract(
        place.id, None, "云MES", Decimal(150000), draft.starts_on, draft.ends_on),
        pdf("合同.pdf"))  # fmt: skip
    firm = factories.organisation(OrgKind.AUDIT_FIRM, region="310000")
    auditor = factories.user(firm, is_org_admin=True)
    project.status = ReformStatus.IMPLEMENTED
    project.county_authority_id = authority.organisation_id
    project.evaluation_body_id = parties.body_org.id
    project.audit_firm_id = firm.id
    db.session.flush()
    table = sme_level.table(evaluations.TABLE_KEY)
    points = {i.key: 0.0 for i in table.indicators}
    points[table.indicators[0].key] = 50.0
    levels = {sc.key: 2 for sc in table.scenarios}
    today = local_today()
    graded = reform_review.record_grading(
        project, parties.lead, points, levels,
        reform_review.GradingFacts(today, "MES 上线运行"), pdf("评测报告.pdf"),
        after=None, version=None,
    )  # fmt: skip
    accepted = reform_review.record_acceptance(project, parties.lead, reform_review.AcceptanceFacts(
        ["王工", "李工"], today, today, AcceptanceVerdict.PASS, "通过", ""),
        pdf("验收意见.pdf"), None)  # fmt: skip
    reform_review.record_county_opinion(project, authority, "同意", None)
    audited = reform_review.file_audit_report(project, auditor, reform_review.AuditFacts(
        today, Decimal(100000), "合规"), pdf("专项审计报告.pdf"), None)  # fmt: skip
    return graded, accepted, audited


def _one(**kwargs) -> Callable[[Scene], list[dict]]:
    return lambda _scene: [kwargs]


# Endpoint → the arguments to request it with (each dict is one URL; extra keys are the query).
def _evaluator_records(person: User) -> tuple:
    """A registration and a sector waiting for the alliance, a training recorded."""
    factories.unregister(person)
    today = date.today()
    records = (
        EvaluatorRegistration(
            user_id=person.id,
            body_id=person.organisation_id,
            grade=RegistrationGrade.EVALUATOR,
            number="SCENE-001",
            issued_on=today - timedelta(days=100),
            expires_on=today + timedelta(days=60),
            status=RecordStatus.SUBMITTED,
        ),
        EvaluatorCompetence(
            user_id=person.id,
            body_id=person.organisation_id,
            industry_code="34",  # a division: the scans take typed text out
            status=RecordStatus.SUBMITTED,
        ),
        EvaluatorTraining(
            user_id=person.id,
            body_id=person.organisation_id,
            taken_on=today,
            course="认证规则",
            hours=8,
            provider="联盟",
        ),
    )
    db.session.add_all(records)
    db.session.flush()
    return records


GETS: dict[str, Callable[[Scene], list[dict]]] = {
    "main.index": _one(),
    # With the language switch of a link: remembered in the session, never on the profile.
    "main.dashboard": lambda _s: [{}, {"lang": "en"}],
    "main.healthz": _one(),
    "main.readyz": _one(),
    "metrics": _one(),
    "main.favicon": _one(),
    "main.review_history_page": lambda _s: [
        {},
        {"year": "2026", "decision": "return", "q": "测试", "region": "上海"},
        {"since": "2026-01-01", "until": "2026-12-31", "sort": "-enterprise"},
    ],
    "main.review_history_xlsx": lambda _s: [{}, {"decision": "approve", "sort": "by"}],
    "auth.login": _one(),
    "auth.register": _one(),
    "auth.forgot_password": _one(),
    "auth.profile": _one(),
    "auth.change_password": _one(),
    "auth.verify": lambda s: [{"token": s.tokens["verify"]}],
    "auth.reset_password": lambda s: [{"token": s.tokens["reset"]}],
    "auth.accept_invitation": lambda s: [{"token": s.tokens["invite"]}],
    "admin.new_organisation": _one(),
    "admin.new_user": _one(),
    "admin.users": lambda _s: [
        {},
        {"q": "测试", "role": "enterprise", "kind": "enterprise", "active": "active"},
        {"active": "inactive", "sort": "-last_login"},
    ],
    "admin.users_xlsx": lambda _s: [{}, {"role": "evaluator", "sort": "email"}],
    "admin.outbox": lambda _s: [
        {},
        {"status": "pending", "q": "@", "since": "2026-01-01", "until": "2026-12-31"},
        {"sort": "-attempts"},
    ],
    "admin.outbox_xlsx": lambda _s: [{}, {"status": "dead", "sort": "status"}],
    "admin.outbox_message": lambda s: [{"message_id": s.outbox_id}],
    "orgs.index": lambda _s: [
        {},
        {"q": "测试", "kind": "enterprise", "region": "上海", "sort": "-created"},
    ],
    "orgs.export_xlsx": lambda _s: [{}, {"region": "31", "sort": "kind"}],
    "orgs.mine": _one(),
    **{
        endpoint: lambda s: [
            {"org_id": s.parties.enterprise_org.id},
            {"org_id": s.parties.body_org.id},
        ]
        for endpoint in ("orgs.view", "orgs.edit", "orgs.members")
    },
    "orgs.recovery_options": lambda s: [
        {"org_id": s.parties.enterprise_org.id, "user_id": s.parties.enterprise.id}
    ],
    "assessment.index": lambda _s: [
        {},
        {"q": "评估", "year": "2026", "status": "approved", "sort": "-total"},
    ],
    "assessment.index_xlsx": lambda _s: [{}, {"status": "approved", "sort": "campaign"}],
    "assessment.queue": lambda _s: [
        {},
        {"q": "测试", "status": "awaiting_city", "year": "2026", "region": "上海"},
        {"sort": "-total"},
    ],
    "assessment.queue_xlsx": lambda _s: [{}, {"region": "3101", "sort": "enterprise"}],
    "assessment.report": lambda s: [
        {"assessment_id": a.id} for a in (s.approved, s.draft, s.waiting)
    ],
    "assessment.report_pdf": lambda s: [{"assessment_id": s.approved.id}],
    "assessment.report_xlsx": lambda s: [{"assessment_id": s.approved.id}],
    "assessment.confirm": lambda s: [{"assessment_id": s.draft.id}],
    "assessment.fill": lambda s: [{"assessment_id": s.draft.id, "section_key": s.first_section}],
    "projects.index": lambda s: [
        {},
        {"status": "correction"},
        {"q": "测试", "region": "上海", "since": "2026-01-01", "sort": "-enterprise"},
    ],
    "projects.export_xlsx": lambda _s: [{}, {"region": "31", "sort": "state"}],
    "projects.view": lambda s: [
        {"project_id": p} for p in (s.project.id, s.certificate.project_id, s.in_publicity.id)
    ],
    "projects.download": lambda s: [{"project_id": s.project.id, "document_id": s.manual_id}],
    "audits.view": lambda s: [
        {"audit_id": s.stage1.id},
        {"audit_id": s.stage2.id},
        {"audit_id": s.stage2.id, "kind": "major", "status": "open"},
        {"audit_id": s.surveillance.id},
    ],
    "audits.findings": lambda s: [
        {},
        {"q": "测试", "audit": "stage2", "kind": "major", "status": "unresolved"},
        {"since": "2026-01-01", "until": "2026-12-31", "sort": "-due"},
    ],
    "audits.findings_xlsx": lambda _s: [{}, {"status": "resolved", "sort": "enterprise"}],
    "evaluators.index": lambda s: [
        {},
        {"q": "SCENE", "body": str(s.parties.body_org.id), "grade": "evaluator"},
        {"status": "submitted", "expiring": "90", "sort": "-expires"},
    ],
    "evaluators.index_xlsx": lambda _s: [{}, {"grade": "evaluator", "sort": "name"}],
    "evaluators.mine": _one(),
    "evaluator_reports.bodies": lambda s: [
        {},
        {"body": str(s.parties.body_org.id), "as_of": "2027-06-30"},
    ],
    "evaluator_reports.bodies_xlsx": lambda _s: [{}, {"as_of": "2026-01-01"}],
    "evaluator_reports.sectors": lambda s: [
        {},
        {"section": "C", "body": str(s.parties.body_org.id), "gaps": "y"},
        {"as_of": "2030-01-01", "section": "I"},
    ],
    "evaluator_reports.sectors_xlsx": lambda _s: [{}, {"section": "C"}],
    "evaluator_reports.expiring_page": lambda s: [
        {},
        {"q": "SCENE", "body": str(s.parties.body_org.id), "grade": "lead", "within": "30"},
        {"unrenewed": "y", "sort": "-body"},
    ],
    "evaluator_reports.expiring_xlsx": lambda _s: [{}, {"within": "60", "sort": "number"}],
    "evaluators.person": lambda s: [
        {"user_id": s.parties.evaluator.id},
        {"user_id": s.parties.lead.id},
    ],
    "audits.evidence": lambda s: [{"audit_id": s.stage2.id, "document_id": s.evidence_id}],
    "publicity.index": lambda _s: [
        {},
        {"q": "测试", "region": "上海", "state": "open", "sort": "enterprise"},
        {"sort": "-period"},
    ],
    "publicity.objection": lambda s: [{"entry_id": s.publicity_entry_id}],
    "publicity.desk": _one(),
    "publicity.entries": lambda _s: [
        {},
        {"q": "测试", "region": "31", "state": "ended", "sort": "-body"},
    ],
    "publicity.entries_xlsx": lambda _s: [{}, {"state": "open", "sort": "region"}],
    "certificates.register": lambda s: [{}, {"name": s.certificate.enterprise_name[:4]}],
    "certificates.verify": lambda s: [{"number": s.certificate.number}],
    "certificates.pdf": lambda s: [{"number": s.certificate.number}],
    "certificates.mine": lambda s: [
        {},
        {"q": s.certificate.number[:10], "status": "valid", "since": "2020-01-01"},
        {"body": str(s.parties.body_org.id), "until": "2099-12-31", "sort": "-expires"},
        {"body": "forged", "status": "forged", "q": "jg"},
    ],
    "certificates.mine_xlsx": lambda _s: [{}, {"status": "expired", "sort": "body"}],
    "certificates.draft": lambda s: [{"project_id": s.in_publicity.id}],
    "certificates.queues.requests": lambda s: [
        {},
        {"view": "decided", "q": s.certificate.number},
        {"view": "decided", "sort": "-enterprise"},
    ],
    "certificates.queues.requests_xlsx": lambda _s: [{}, {"view": "decided", "sort": "kind"}],
    "certificates.queues.issued": lambda _s: [
        {},
        {"status": "valid", "surveillance": "due"},
        {"sort": "due", "q": "测试"},
    ],
    "certificates.queues.issued_xlsx": lambda _s: [{}, {"surveillance": "overdue", "sort": "-due"}],
    "notifications.index": lambda _s: [
        {},
        {"q": "测试", "category": "projects", "unread": "y", "since": "2026-01-01"},
        {"sort": "created", "until": "2026-12-31"},
    ],
    "notifications.preferences": _one(),
    "exports.index": lambda _s: [{}, {"page": "2"}],
    "exports.view": lambda s: [{"job_id": s.export_id}, {"job_id": s.queued_export_id}],
    "exports.status": lambda s: [{"job_id": s.export_id}, {"job_id": s.queued_export_id}],
    "exports.file": lambda s: [{"job_id": s.export_id}],
    "cases.index": lambda _s: [
        {},
        {"q": "AP", "kind": "appeal", "status": "received", "handler": "none", "overdue": "yes"},
        {"handler": "forged", "kind": "nope", "sort": "-due", "page": "2"},
        {"sort": "concerned"},
    ],
    "cases.index_xlsx": lambda _s: [{}, {"kind": "complaint", "sort": "handler"}],
    "cases.report_page": lambda _s: [{}, {"year": "2026"}, {"year": "forged"}],
    "cases.report_xlsx": lambda _s: [{}, {"year": "2026"}],
    "cases.mine": lambda _s: [{}, {"page": "2"}],
    "cases.view": lambda s: [{"case_id": s.case_id}],
    "special_audits.view": lambda s: [{"special_id": s.special_audit_id}],
    "cases.file": lambda s: [{"case_id": s.case_id, "file_id": s.case_file_id}],
    "cases.appeal_form": lambda s: [
        {"kind": "project", "event_id": s.appeal_event_id},
        {"kind": "pool", "event_id": s.pool_event_id},
    ],
    "complaints.form": lambda s: [{}, {"certificate": s.certificate.number}],
    "declarations.mine": lambda _s: [{}, {"q": "测试"}],
    "declarations.people": lambda _s: [{}, {"declared": "no", "sort": "-signed", "year": "2026"}],
    "declarations.people_xlsx": lambda _s: [{}, {"declared": "yes", "role": "evaluator"}],
    "declarations.evaluators": lambda _s: [{}, {"declared": "no"}],
    "clauses.index": _one(),
    "clauses.new": _one(),
    "clauses.edit": _one(code="9.3"),
    "reference.region_children": _one(code="310000"),
    "assessment.region": lambda s: [
        {},
        {"status": "approved", "region": "3101", "q": "测试"},
        {"region": ["310000", "310115"], "sort": "-total"},
    ],
    "assessment.region_xlsx": lambda _s: [{}, {"year": "2026", "sort": "enterprise"}],
    "projects.region": lambda _s: [
        {},
        {"status": "correction", "region": "3101", "year": "2026", "q": "测试"},
    ],
    "projects.region_xlsx": lambda _s: [{}, {"status": "certified", "sort": "-concluded"}],
    "certificates.region": lambda s: [
        {},
        {"status": "valid", "region": "3101", "expiring": "1", "q": s.certificate.number[:8]},
    ],
    "certificates.region_xlsx": lambda _s: [{}, {"status": "expired", "sort": "expires"}],
    "statistics.index": lambda _s: [{}, {"region": "310115", "year": "2025", "industry": "C"}],
    "statistics.export": lambda _s: [{"industry": "34"}],
    "statistics.region_map_page": lambda s: [
        {},
        {"region": "310000", "campaign": s.campaign_id, "metric": "participation"},
        {"region": "310115", "campaign": "none", "metric": "stage:integration"},
    ],
    "statistics.boundaries_of": _one(region="310000"),
    "notices.index": lambda _s: [
        {},
        {"show": "unread", "q": "评估", "sort": "-sender"},
        {"show": "sent", "audience": "everyone", "since": "2026-01-01", "sort": "confirmed"},
        {"confirmed": "no", "audience": "forged", "until": "x"},
    ],
    "notices.export": lambda _s: [{}, {"show": "sent", "q": "通知"}, {"confirmed": "yes"}],
    "notices.view": lambda s: [
        {"notice_id": s.notice_id},
        {"notice_id": s.notice_id, "q": "测试", "kind": "enterprise", "sort": "-region"},
        {"notice_id": s.notice_id, "region": "上海", "confirmed": "no", "page": "2"},
        {"notice_id": s.notice_id, "region": "无此地", "kind": "forged"},
    ],
    "diagnosis.sme_level_page": lambda _s: [
        {},
        {"page": "2"},
        {"q": "1", "grade": "2", "since": "2026-01-01", "until": "2026-12-31", "sort": "-points"},
        {"grade": "forged", "sort": "by"},
    ],
    "diagnosis.sme_level_list_xlsx": lambda _s: [{}, {"grade": "0", "sort": "grade"}],
    "diagnosis.new_sme_level": _one(),
    "diagnosis.sme_level_evaluation": lambda s: [{"evaluation_id": s.sme_level_id}],
    "diagnosis.sme_level_xlsx": lambda s: [{"evaluation_id": s.sme_level_id}],
    "diagnosis.sme_level_pdf": lambda s: [{"evaluation_id": s.sme_level_id}],
    "engagements.index": lambda s: [
        {},
        {"programme": "changchun_pilot", "status": "agreed", "q": "测试"},
        {"programme": "nope", "status": "nope", "provider": "nope", "page": "2"},
        {"provider": str(s.parties.body_org.id), "since": "2026-01-01", "sort": "-agreement"},
    ],
    "engagements.export": lambda _s: [{}, {"status": "enrolled", "sort": "provider"}],
    "engagements.view": lambda s: [{"engagement_id": s.engagement_id}],
    "demand.index": lambda _s: [
        {},
        {"q": "质量", "first": "2", "second": "2.3", "industry": "34", "region": "3101"},
        {"sort": "-solutions", "engagement": "1"},
    ],
    "demand.export": lambda _s: [{}, {"q": "测试", "sort": "scenario"}],
    "demand.library": lambda s: [{"engagement_id": s.pilot_on_site_id}],
    "pool.index": lambda _s: [
        {},
        {"q": "云", "programme": "changchun_pilot", "scenario": "2.3", "status": "admitted"},
        {"programme": "nope", "status": "nope", "scenario": "9", "region": "2201", "page": "2"},
    ],
    "pool.export": lambda _s: [{}, {"q": "测试", "status": "draft"}],
    "pool.apply_form": _one(),
    "pool.view": lambda s: [{"member_id": s.pool_member_id}],
    "pool.file": lambda s: [{"file_id": s.pool_file_id}],
    "reform.index": lambda _s: [
        {},
        {"q": "质量", "provider": "测试", "scenario": "2.3", "status": "draft", "region": "310115"},
        {"third_party": "审核中心", "status": "accepted"},
        {"status": "nope", "scenario": "9", "region": "99", "page": "2"},
    ],
    "reform.export": lambda _s: [{}, {"q": "质量", "status": "draft"}],
    "reform.new": _one(),
    # The scene's project is a draft: the form; the accepted one: the refusal instead.
    "reform.revision": lambda s: [
        {"project_id": s.reform_project_id},
        {"project_id": s.subsidised_project_id},
    ],
    "reform.view": lambda s: [
        {"project_id": s.reform_project_id},
        {"project_id": s.subsidised_project_id},
    ],
    "reform_subsidy.index": lambda _s: [
        {},
        {"q": "质量", "status": "applied", "region": "310115"},
        {"status": "nope", "region": "99", "page": "2"},
    ],
    "reform_subsidy.export": lambda _s: [{}, {"q": "质量", "status": "paid"}],
    "reform_subsidy.edit_outcome": lambda s: [{"outcome_id": s.reform_outcome_id}],
    "reform.contract_file": lambda s: [{"contract_id": s.reform_contract_id}],
    "reform.grading": lambda s: [{"project_id": s.reform_project_id}],
    "reform.grading_report": lambda s: [{"grading_id": s.reform_grading_id}],
    "reform.acceptance_file": lambda s: [{"acceptance_id": s.reform_acceptance_id}],
    "reform.audit_report_file": lambda s: [{"report_id": s.reform_audit_id}],
    "reform.exclusions_view": lambda s: [{"org_id": s.parties.enterprise_org.id}],
    "reform.board_page": lambda _s: [{}, {"programme": "nmg_offline"}, {"programme": "x"}],
    "reform.board_xlsx": lambda _s: [{"programme": "changchun_pilot"}],
    "providers.index": lambda _s: [
        {},
        {"q": "云", "programme": "changchun_pilot", "scenario": "2", "region": "220100"},
        {"programme": "nope", "page": "2"},
    ],
    "providers.export": lambda _s: [{}, {"q": "云"}],
    "providers.view": lambda s: [{"member_id": s.pool_member_id}],
    "engagements.agreement": lambda s: [{"engagement_id": s.engagement_id}],
    "engagements.grade_on_site": lambda s: [{"engagement_id": s.pilot_on_site_id}],
    "engagements.report_pdf": lambda s: [
        {"engagement_id": s.pilot_on_site_id},
        {"engagement_id": s.engagement_id},
    ],
    "engagements.progress_page": lambda _s: [{}, {"programme": "nmg_offline"}, {"programme": "x"}],
    "engagements.progress_xlsx": lambda _s: [{"programme": "changchun_pilot"}],
    "engagements.paperwork_form": lambda s: [
        {"engagement_id": s.nmg_engagement_id, "key": "plan"},
        {"engagement_id": s.nmg_engagement_id, "key": "application"},
        {"engagement_id": s.nmg_engagement_id, "key": "nope"},
        {"engagement_id": s.engagement_id, "key": "plan"},  # Changchun has none
    ],
    "engagements.progress_reports": lambda _s: [
        {},
        {"programme": "nmg_offline", "q": "测试", "page": "2"},
        {"programme": "nope", "q": "%_\\"},
    ],
    "engagements.progress_reports_xlsx": lambda _s: [{}, {"programme": "nmg_offline"}],
    "engagements.progress_report": lambda s: [{"report_id": s.progress_report_id}],
    "engagements.download": lambda s: [
        {"engagement_id": s.engagement_id, "file_id": s.engagement_file_id}
    ],
    "notices.attachment": lambda s: [
        {"notice_id": s.notice_id, "attachment_id": s.notice_attachment_id}
    ],
    "notices.receipts_xlsx": lambda s: [
        {"notice_id": s.notice_id},
        {"notice_id": s.notice_id, "confirmed": "no", "sort": "name"},
    ],
    "announcements.index": lambda _s: [{}, {"q": "公告", "page": "2"}, {"q": "%_\\"}],
    "announcements.view": lambda s: [{"notice_id": s.announcement_id}],
    "announcements.attachment": lambda s: [
        {"notice_id": s.announcement_id, "attachment_id": s.announcement_attachment_id}
    ],
    "campaigns.index": lambda _s: [
        {},
        {"q": "评估", "year": "2026", "state": "open", "sort": "-authority"},
        {"year": "x", "state": "forged", "page": "2"},
    ],
    "campaigns.contact_persons": lambda _s: [
        {},
        {"q": "gzs", "role": "lead", "region": "广州", "since": "2026-01-01", "sort": "-name"},
        {"q": "%_\\", "role": "nope", "region": "4", "until": "2026-13-01", "page": "2"},
    ],
    "campaigns.contacts_xlsx": lambda _s: [{}, {"role": "liaison", "sort": "updated"}],
    "campaigns.view": lambda s: [
        {"campaign_id": s.campaign_id},
        {"campaign_id": s.campaign_id, "region": "310104"},
    ],
    "campaigns.progress_xlsx": lambda s: [{"campaign_id": s.campaign_id}],
    "campaigns.bulletin_pdf": lambda s: [
        {"campaign_id": s.campaign_id, "bulletin_id": s.bulletin_id}
    ],
    "campaigns.bulletin_xlsx": lambda s: [
        {"campaign_id": s.campaign_id, "bulletin_id": s.bulletin_id}
    ],
    "campaigns.enterprises": lambda s: [
        {"campaign_id": s.campaign_id},
        {"campaign_id": s.campaign_id, "region": "310104", "show": "absent"},
        {"campaign_id": s.campaign_id, "q": "测试", "status": "draft", "sort": "-total"},
        {"campaign_id": s.campaign_id, "show": "absent", "q": "%_", "sort": "code"},
    ],
    "campaigns.enterprises_xlsx": lambda s: [
        {"campaign_id": s.campaign_id},
        {"campaign_id": s.campaign_id, "show": "absent", "sort": "-name"},
    ],
    "api_keys.index": lambda _s: [
        {},
        {"q": "省平台", "page": "2"},
        {"q": "%_\\", "status": "nope", "scope": "nope", "since": "2026-13-01"},
        {"status": "soon", "scope": "projects:read", "since": "2026-01-01", "sort": "-used"},
    ],
    "api_keys.export": lambda _s: [{}, {"q": "省平台", "status": "active", "sort": "maker"}],
    "webhooks.index": _one(),
    "webhooks.deliveries": lambda s: [
        {"endpoint_id": s.webhook_id},
        {"endpoint_id": s.webhook_id, "status": "dead", "event": "ping", "q": "%_\\", "page": "2"},
        {"endpoint_id": s.webhook_id, "status": "nope", "event": "nope", "since": "2026-13-01"},
        {"endpoint_id": s.webhook_id, "q": "失败", "since": "2026-01-01", "sort": "-attempted"},
    ],
    "webhooks.deliveries_xlsx": lambda s: [
        {"endpoint_id": s.webhook_id},
        {"endpoint_id": s.webhook_id, "status": "dead", "q": "500", "sort": "event"},
    ],
    "api_docs.docs": _one(),
    "api_docs.openapi_document": lambda _s: [{}, {"lang": "en"}],
    "api_v1.certificate": lambda s: [{"number": s.certificate.number}],
    "roster.index": lambda _s: [
        {},
        {"tag": "pilot", "region": "3101", "q": "测试", "account": "no", "sort": "-imported"},
        {"since": "2026-01-01", "until": "2026-13-01", "region": "x", "sort": "x", "page": "2"},
    ],
    "roster.export": lambda _s: [
        {},
        {"tag": "pilot", "region": "3101", "q": "测试", "account": "yes", "sort": "code"},
    ],
    "roster.template": _one(),
    "roster.import_form": _one(),
    "checks.index": _one(),
    # A result exists only after an import (a POST): these answer 404 here.
    "roster.result": _one(token="0" * 32),
    "roster.errors": _one(token="0" * 32),
}

PARTIES: dict[str, Callable[[Scene], User | None]] = {
    "anonymous": lambda s: None,
    "enterprise": lambda s: s.parties.enterprise,
    "consultant": lambda s: s.parties.consultant,
    "lead evaluator": lambda s: s.parties.lead,
    "alliance staff": lambda s: s.staff,
    "authority": lambda s: s.authority,
    "diagnostician": lambda s: s.diagnostician,
    "admin": lambda s: s.admin,
}
