"""Every hand-over reaches the next party: for every event of the notice table, the people
concerned get exactly one notice in the app and one email in their own language, and nobody
else gets anything. The expectations are written here by role, not read from the table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import MultiDict

from app.clock import local_today
from app.extensions import db
from app.workflow import SYSTEM, OnDecisionOf
from blueprints.api import expiry, keys
from blueprints.assessment import benchmarks
from blueprints.assessment import services as assessments
from blueprints.audits import services as audits
from blueprints.campaigns import bulletins
from blueprints.campaigns import services as campaigns
from blueprints.cases import filing
from blueprints.cases import services as case_services
from blueprints.cases import tasks as case_tasks
from blueprints.certificates import holder_requests
from blueprints.certificates import services as certificates
from blueprints.demand import services as demand
from blueprints.demo import engagements as demo_engagements
from blueprints.demo.projects import pdf_file
from blueprints.diagnosis import programmes, sme_level
from blueprints.engagements import conclusion, progress_reports, record
from blueprints.engagements import services as engagements
from blueprints.evaluators import services as evaluators
from blueprints.evaluators import tasks as evaluator_tasks
from blueprints.exports import jobs as export_jobs
from blueprints.notices import services as notices
from blueprints.notifications.table import NOTICES, Category
from blueprints.orgs import recovery
from blueprints.pool import publicity as pool_publicity
from blueprints.pool import ratings as pool_ratings
from blueprints.pool import services as pool
from blueprints.projects import services as projects
from blueprints.publicity import services as publicity
from blueprints.reform import review as reform_review
from blueprints.reform import services as reform
from blueprints.reform import subsidy
from blueprints.special_audits import services as special_audits
from blueprints.surveillance import services as surveillance
from blueprints.webhooks import dispatcher as webhook_dispatcher
from blueprints.webhooks import services as webhook_services
from models import (
    AcceptanceVerdict,
    ActivityKind,
    Adoption,
    Assessment,
    AssessmentStatus,
    Audit,
    AuditKind,
    AuditTeamMember,
    Campaign,
    Case,
    CaseOutcome,
    CaseSubject,
    CertificateStatus,
    ComplaintVerdict,
    DiagnosisEngagement,
    EngagementStatus,
    EngineerTitle,
    EvaluatorCompetence,
    EvaluatorRegistration,
    ExportJob,
    Finding,
    FindingKind,
    FindingStatus,
    NoticeAudience,
    Notification,
    OrgKind,
    OutboxMessage,
    PoolMember,
    ProjectStatus,
    RecordStatus,
    ReformProject,
    ReformStatus,
    RegistrationGrade,
    Role,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
    SolutionOrigin,
    SurveyRating,
    SurveyVerdict,
    User,
    WebhookDelivery,
    WebhookEvent,
)
from tests import factories
from tests.conftest import free_port
from tests.functional.assessment.helpers import answers_for, section_form
from tests.scene import accepted_for_subsidy

P = ProjectStatus


@dataclass
class Cast:
    """The people of the scenes, by role; the enterprise reads English, the others Chinese."""

    parties: factories.Parties
    staff: User
    staff2: User
    district: User
    city: User

    @classmethod
    def make(cls) -> Cast:
        parties = factories.Parties()
        parties.enterprise.locale = "en"
        alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
        district_org = factories.organisation(OrgKind.AUTHORITY, region="310115")
        city_org = factories.organisation(OrgKind.AUTHORITY, region="310000")
        return cls(
            parties=parties,
            staff=factories.user(alliance, role=Role.ALLIANCE_STAFF),
            staff2=factories.user(alliance, role=Role.ALLIANCE_STAFF),
            district=factories.user(district_org, is_org_admin=True),
            city=factories.user(city_org, is_org_admin=True),
        )

    def named(self, *roles: str) -> set[int]:
        people = {
            "enterprise": self.parties.enterprise,
            "consultant": self.parties.consultant,
            "lead": self.parties.lead,
            "evaluator": self.parties.evaluator,
            "staff": self.staff,
            "staff2": self.staff2,
            "district": self.district,
            "city": self.city,
        }
        return {people[role].id for role in roles}


# --- the scenes: each makes the event happen and says who must hear of it ---------------------


def project_invitation(c: Cast) -> set[int]:
    project = factories.project(c.parties, P.STARTED)
    projects.perform(
        project, "invite_consultancy", c.parties.enterprise,
        consultancy_id=c.parties.consultancy_org.id,
    )  # fmt: skip
    return c.named("consultant")


def project_confirmed(c: Cast) -> set[int]:
    project = factories.project(c.parties, P.CONCLUDED)
    projects.perform(project, "confirm", c.parties.enterprise)
    return c.named("consultant", "lead", "staff", "staff2")  # the alliance's turn now


def project_compliance_passed(c: Cast) -> set[int]:
    project = factories.project(c.parties, P.CONFIRMED)
    projects.perform(project, "pass_compliance", c.staff)
    return c.named("enterprise", "consultant", "lead", "staff2")  # staff2 may re-review


def project_sent_back_by_the_scheduler(c: Cast) -> set[int]:
    project = factories.project(
        c.parties, P.CORRECTION, stage2_completed_on=date.today() - timedelta(days=400)
    )
    stage2 = db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind.STAGE2)
    )
    db.session.add(
        Finding(audit_id=stage2.id, kind=FindingKind.MAJOR, clause_code="9.3",
                description="未验证", status=FindingStatus.OPEN, created_by_id=c.parties.lead.id)
    )  # fmt: skip
    projects.perform(project, "stage2_expired", SYSTEM, "6 个月")
    return c.named("enterprise", "consultant", "lead")


def submitted_assessment(c: Cast) -> Assessment:
    assessment = assessments.start(c.parties.enterprise_org, c.parties.enterprise)
    questionnaire = assessments.questionnaire_of(assessment)
    answers = answers_for(questionnaire)
    for section in questionnaire.sections:
        fields = section_form(questionnaire, section.key, answers)
        form = MultiDict([(name, value) for name, values in fields.items() for value in values])
        assert assessments.save_section(assessment, section.key, form) == {}
    return assessment


def assessment_submitted(c: Cast) -> set[int]:
    existing = db.session.scalars(
        sa.select(Assessment).where(Assessment.organisation_id == c.parties.enterprise_org.id)
    ).all()
    for old in existing:  # Parties comes with this year's approved one: last year's, then
        old.year -= 1
    assessments.perform(submitted_assessment(c), "submit", c.parties.enterprise)
    return c.named("district")


def assessment_approved_by_the_district(c: Cast) -> set[int]:
    assessment = factories.assessment(
        c.parties.enterprise_org, year=2000, status=AssessmentStatus.AWAITING_DISTRICT
    )
    assessment.reviewer_id = c.district.organisation_id
    assessments.perform(assessment, "approve", c.district)
    return c.named("city", "enterprise")


def assessment_approved_by_the_city(c: Cast) -> set[int]:
    assessment = factories.assessment(
        c.parties.enterprise_org, year=2000, status=AssessmentStatus.AWAITING_CITY
    )
    assessment.reviewer_id = c.city.organisation_id
    assessments.perform(assessment, "approve", c.city)
    return c.named("enterprise")


def assessment_returned(c: Cast) -> set[int]:
    assessment = factories.assessment(
        c.parties.enterprise_org, year=2000, status=AssessmentStatus.AWAITING_CITY
    )
    assessment.reviewer_id = c.city.organisation_id
    assessments.perform(assessment, "return", c.city, "请补充")
    return c.named("enterprise")


def _finding(c: Cast, status: str = "open"):
    project = factories.project(c.parties, P.STAGE2_PLANNED)
    stage2 = db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind.STAGE2)
    )
    stage2.team.append(AuditTeamMember(user=c.parties.evaluator, is_lead=False))
    finding = audits.add_finding(stage2, c.parties.lead, FindingKind.MINOR, "9.3", "记录不全")
    if status == "answered":
        audits.answer(finding, c.parties.enterprise, "原因", "纠正", "措施")
    clear_notices()
    return finding


def finding_logged(c: Cast) -> set[int]:
    project = factories.project(c.parties, P.STAGE2_PLANNED)
    stage2 = db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind.STAGE2)
    )
    audits.add_finding(stage2, c.parties.lead, FindingKind.MINOR, "9.3", "记录不全")
    return c.named("enterprise")


def finding_answered(c: Cast) -> set[int]:
    audits.answer(_finding(c), c.parties.enterprise, "原因", "纠正", "措施")
    return c.named("lead", "evaluator")  # the audit team


def finding_decision(decision: str) -> Callable[[Cast], set[int]]:
    def scene(c: Cast) -> set[int]:
        audits.decide(_finding(c, "answered"), c.parties.lead, decision, "理由")
        return c.named("enterprise")

    return scene


def _certificate(c: Cast, status: CertificateStatus = CertificateStatus.VALID):
    made = factories.certificate(c.parties, status=status, staff=c.staff)
    clear_notices()
    return made


def certificate_by_staff(action: str, status=CertificateStatus.VALID) -> Callable:
    def scene(c: Cast) -> set[int]:
        certificates.perform(_certificate(c, status), action, c.staff, "理由", new_name="新名称")
        return c.named("enterprise", "lead")  # the holder and the body; staff acted

    return scene


def certificate_suspended_at_surveillance(c: Cast) -> set[int]:
    certificates.perform(_certificate(c), "suspend_at_surveillance", c.parties.lead, "体系失效")
    return c.named("enterprise", "staff", "staff2")


def certificate_by_the_scheduler(action: str, status: CertificateStatus) -> Callable:
    def scene(c: Cast) -> set[int]:
        certificate = _certificate(c, status)
        if action == "expire":
            certificate.expires_on = date.today() - timedelta(days=1)
        else:
            certificate.status_changed_at -= timedelta(days=400)
        certificates.perform(certificate, action, SYSTEM, "逾期")
        return c.named("enterprise", "lead", "staff", "staff2")

    return scene


def certificate_requested(c: Cast) -> set[int]:
    certificates.request_change(_certificate(c), c.parties.enterprise, "cancel", "业务调整")
    return c.named("staff", "staff2")


def request_declined(c: Cast) -> set[int]:
    request = certificates.request_change(_certificate(c), c.parties.enterprise, "cancel", "调整")
    clear_notices()
    holder_requests.decide(request, "decline", c.staff, "材料不全")
    return c.named("enterprise")


def _item(c: Cast, status: ScheduleStatus, kind=ScheduleKind.SURVEILLANCE_1) -> ScheduleItem:
    certificate = _certificate(c)
    item = db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id, ScheduleItem.kind == kind
        )
    )
    if status != ScheduleStatus.OPEN:
        surveillance.perform(
            item, "plan", c.parties.lead, starts_on=date.today(), ends_on=date.today()
        )
    item.status = status
    if status == ScheduleStatus.REVIEWED:
        item.compliance_by_id = c.staff.id
    db.session.flush()
    clear_notices()
    return item


def schedule_planned(c: Cast) -> set[int]:
    item = _item(c, ScheduleStatus.OPEN)
    surveillance.perform(item, "plan", c.parties.lead, starts_on=date.today(), ends_on=date.today())
    return c.named("enterprise")


def schedule_concluded(decision: str, kind=ScheduleKind.SURVEILLANCE_1) -> Callable:
    def scene(c: Cast) -> set[int]:
        item = _item(c, ScheduleStatus.PLANNED, kind)
        surveillance.perform(item, decision, c.parties.lead, completed_on=date.today())
        return c.named("enterprise", "staff", "staff2")

    return scene


def schedule_review_passed(c: Cast) -> set[int]:
    item = _item(c, ScheduleStatus.RECOMMENDED, ScheduleKind.RECERTIFICATION)
    surveillance.perform(item, "pass_review", c.staff)
    return c.named("staff2")


def schedule_new_certificate(c: Cast) -> set[int]:
    item = _item(c, ScheduleStatus.REVIEWED, ScheduleKind.RECERTIFICATION)
    surveillance.perform(item, "issue", c.staff2)
    return c.named("enterprise", "lead")


def _objection(c: Cast):
    made = factories.objection(factories.project(c.parties, P.IN_PUBLICITY), c.staff)
    clear_notices()
    return made


def objection_lodged(c: Cast) -> set[int]:
    objection = _objection(c)
    publicity.lodge_objection(objection.entry, "李四", "13900000000", "未运行", "192.0.2.9")
    return c.named("staff", "staff2")


def objection_dismissed(c: Cast) -> set[int]:
    publicity.decide_objection(_objection(c), c.staff, "dismiss", "异议不成立")
    return c.named("enterprise")


def city_campaign(c: Cast) -> Campaign:
    """The city's round, open today for a month."""
    plan = campaigns.Launch(
        opens_on=date.today(),
        # Within the year: a round's window never crosses into the next one.
        closes_on=min(date.today() + timedelta(days=30), date(date.today().year, 12, 31)),
        report_due_on=date.today() + timedelta(days=60),
        title="2026 年两化融合评估",
    )
    return campaigns.launch(c.city.organisation, c.city, plan)


def campaign_launched(c: Cast) -> set[int]:
    city_campaign(c)
    return c.named("district")


def quota_set(c: Cast) -> set[int]:
    campaign = city_campaign(c)
    clear_notices()
    campaigns.set_quotas(campaign, c.city.organisation, {"310115": (40, None)}, c.city)
    return c.named("district")


def bulletin_issued(c: Cast) -> set[int]:
    campaign = city_campaign(c)
    clear_notices()
    bulletins.issue(campaign, c.city.organisation, c.city)
    return c.named("district")


def notice_sent(c: Cast) -> set[int]:
    notices.publish(c.city, "关于开展评估的通知", "请按时填报。", NoticeAudience.EVERYONE, [])
    return c.named("district", "enterprise")


def benchmark_named(c: Cast) -> set[int]:
    assessment = db.session.scalar(
        sa.select(Assessment).where(Assessment.organisation_id == c.parties.enterprise_org.id)
    )
    benchmarks.mark(assessment, c.city, "示范")
    return c.named("enterprise")


def reset_link_sent_by_the_district(c: Cast) -> set[int]:
    recovery.send_reset_link(c.district, c.parties.enterprise)
    return c.named("enterprise")  # the account holder (the reset link itself is no notice)


def one_time_password_set_by_the_city(c: Cast) -> set[int]:
    recovery.set_one_time_password(c.city, c.parties.enterprise)
    return c.named("enterprise")


def _engagement(c: Cast, *, agreed: bool = False) -> tuple[DiagnosisEngagement, User]:
    """The city enrols the enterprise with a provider; the provider's expert, who acts."""
    provider = factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100")
    expert = factories.user(provider, is_org_admin=True)
    engagement = engagements.enrol(
        c.city, programmes.programme("nmg_offline"), c.parties.enterprise_org.credit_code,
        provider.id,
    )  # fmt: skip
    if agreed:
        signed = date.today() - timedelta(days=10)
        engagements.file_agreement(engagement, expert, signed, pdf_file("协议.pdf"))
    return engagement, expert


def engagement_enrolled(c: Cast) -> set[int]:
    _made, expert = _engagement(c)
    return {expert.id} | c.named("enterprise")


def engagement_agreement_filed(c: Cast) -> set[int]:
    engagement, expert = _engagement(c)
    clear_notices()
    engagements.file_agreement(engagement, expert, date.today(), pdf_file("协议.pdf"))
    return c.named("city", "enterprise")


def engagement_on_site(c: Cast) -> set[int]:
    engagement, expert = _engagement(c, agreed=True)
    for n, name in enumerate(("郑专家", "冯工", "王工")):
        engagements.add_member(
            engagement, expert, name=name, unit="", title=EngineerTitle.MID, lead=n == 0,
            expert=n == 0, pledged_on=date.today(),
        )  # fmt: skip
    demo_engagements.fill_forms(engagement, "start", provider=expert,
                                enterprise=c.parties.enterprise, day=date.today())  # fmt: skip
    clear_notices()
    engagements.perform(engagement, "start", expert)
    return c.named("city", "enterprise")


def engagement_progress_reported(c: Cast) -> set[int]:
    """A provider's progress report: its authority hears of it."""
    _made, expert = _engagement(c)
    clear_notices()
    progress_reports.submit(expert, f"nmg_offline:{c.city.organisation_id}", date.today(),
                            date.today(), "完成资料收集")  # fmt: skip
    return c.named("city")


def engagement_form_filed(c: Cast) -> set[int]:
    """The enterprise's application: the provider and the city hear of it."""
    engagement, expert = _engagement(c, agreed=True)
    clear_notices()
    demo_engagements.fill_forms(engagement, "start", provider=expert,
                                enterprise=c.parties.enterprise, day=date.today(),
                                only=("application",))  # fmt: skip
    return {expert.id} | c.named("city")


def _walked(c: Cast, until: EngagementStatus) -> tuple[DiagnosisEngagement, User]:
    """An engagement with a full group taken to ``until`` (the demo's walk), notices cleared."""
    engagement, expert = _engagement(c, agreed=True)
    for n, name in enumerate(("郑专家", "冯工", "王工")):
        engagements.add_member(
            engagement, expert, name=name, unit="", title=EngineerTitle.MID, lead=n == 0,
            expert=n == 0, pledged_on=date.today(),
        )  # fmt: skip
    demo_engagements.walk(engagement, expert, until, enterprise=c.parties.enterprise)
    clear_notices()
    return engagement, expert


def engagement_reported(c: Cast) -> set[int]:
    engagement, expert = _walked(c, EngagementStatus.ON_SITE)
    day = date.today() - timedelta(days=1)
    for kind, start in ((ActivityKind.VISIT, 9), (ActivityKind.TRAINING, 14)):
        record.record_activity(
            engagement, expert, kind=kind, started_at=datetime.combine(day, time(start)),
            ended_at=datetime.combine(day, time(start + 2)), topic="", outcome="",
            attendees="", sign_in=None,
        )  # fmt: skip
    demo_engagements.verify_indicators(engagement, expert)
    demo_engagements.fill_forms(engagement, "submit_report", provider=expert, enterprise=None,
                                day=day)  # fmt: skip
    record.save_report(engagement, expert, demo_engagements.report_for(engagement))
    conclusion.submit_report(engagement, expert)
    return c.named("city", "enterprise")


def engagement_presented(c: Cast) -> set[int]:
    engagement, expert = _walked(c, EngagementStatus.REPORTED)
    day = date.today() - timedelta(days=1)
    conclusion.present(
        engagement, expert, started_at=datetime.combine(day, time(17)),
        ended_at=datetime.combine(day, time(18)), attendees="总经理", outcome="",
    )  # fmt: skip
    return c.named("city", "enterprise")


def engagement_surveyed(c: Cast) -> set[int]:
    engagement, expert = _walked(c, EngagementStatus.PRESENTED)
    criteria = programmes.programme("nmg_offline").satisfaction.criteria
    ratings = {criterion.key: SurveyRating.GOOD for criterion in criteria}
    conclusion.survey(
        engagement, c.parties.enterprise, ratings=ratings, verdict=SurveyVerdict.SATISFIED,
        adoption=Adoption.ADOPTED, comment="",
    )  # fmt: skip
    return {expert.id} | c.named("city")


def engagement_decided(name: str) -> Callable[[Cast], set[int]]:
    def scene(c: Cast) -> set[int]:
        engagement, expert = _walked(c, EngagementStatus.SURVEYED)
        conclusion.decide(engagement, c.city, name, "专家意见")
        return {expert.id} | c.named("enterprise")

    return scene


def engagement_resubmitted(c: Cast) -> set[int]:
    engagement, expert = _walked(c, EngagementStatus.SURVEYED)
    conclusion.decide(engagement, c.city, "return", "请补充")
    clear_notices()
    conclusion.submit_report(engagement, expert)
    return c.named("city", "enterprise")


def api_key_made(c: Cast) -> set[int]:
    """The organisation's other administrators hear; the maker made it."""
    colleague = factories.user(c.district.organisation, is_org_admin=True)
    factories.api_key(c.district)
    return {colleague.id}


def api_key_revoked(c: Cast) -> set[int]:
    """Revoked by a colleague: the maker, whose programs stop, hears."""
    colleague = factories.user(c.district.organisation, is_org_admin=True)
    key = factories.api_key(c.district).key
    clear_notices()
    keys.revoke(key, colleague)
    return {c.district.id}


def api_key_expiring(c: Cast) -> set[int]:
    """The scheduler reminds the maker and the organisation's other administrators."""
    colleague = factories.user(c.district.organisation, is_org_admin=True)
    factories.api_key(c.district, days=5)
    clear_notices()
    expiry.remind()
    return {colleague.id, c.district.id}


def webhook_delivery_dead(c: Cast) -> set[int]:
    """Its last retry failed (nothing listens on the port): the endpoint's organisation's
    administrators hear, not its other members."""
    org = factories.organisation()
    admin, colleague = (factories.user(org, is_org_admin=True) for _ in range(2))
    factories.user(org)  # a member: the administrators hear for the organisation
    hook = webhook_services.create(
        org, admin, url=f"http://127.0.0.1:{free_port()}/none", events=[WebhookEvent.PING]
    ).endpoint
    webhook_services.ping(hook)
    last = len(current_app.config["WEBHOOK_RETRY_MINUTES"])
    db.session.execute(sa.update(WebhookDelivery).values(attempts=last))
    clear_notices()
    assert webhook_dispatcher.dispatch_due().dead == 1
    return {admin.id, colleague.id}


def engagement_withdrawn(c: Cast) -> set[int]:
    engagement, expert = _engagement(c)
    clear_notices()
    engagements.perform(engagement, "withdraw", c.city, "企业停产")
    return {expert.id} | c.named("enterprise")


def demand_recorded(c: Cast) -> set[int]:
    """The provider files a need in the enterprise's demand library: the enterprise hears."""
    provider = factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100")
    expert = factories.user(provider, is_org_admin=True)
    engagement = engagements.enrol(
        c.city, programmes.programme("changchun_pilot"), c.parties.enterprise_org.credit_code,
        provider.id,
    )  # fmt: skip
    clear_notices()
    demand.record_entry(
        engagement, expert, scenario_code="2.3.1", problem="纸质台账", need="追溯", description=""
    )
    return c.named("enterprise")


def _export_run(owner: User, export: str) -> set[int]:
    """A background export of ``export`` for ``owner``, run by the scheduler's job."""
    job = ExportJob(
        owner_id=owner.id, export=export, args={}, locale=owner.locale, title="List",
        filename="list.xlsx",
    )  # fmt: skip
    db.session.add(job)
    db.session.flush()
    clear_notices()
    export_jobs.run(current_app._get_current_object(), job.id)
    return {owner.id}


def export_ready(c: Cast) -> set[int]:
    """The one who asked hears (here in English): the file is ready."""
    return _export_run(c.parties.enterprise, "projects.export_xlsx")


def export_failed(c: Cast) -> set[int]:
    """An authority asked for a list it may not see: it hears the export failed."""
    return _export_run(c.city, "admin.users_xlsx")


def _registration(c: Cast, status: RecordStatus, days: int = 1000) -> EvaluatorRegistration:
    person = c.parties.evaluator
    registration = EvaluatorRegistration(
        user_id=person.id,
        body_id=person.organisation_id,
        grade=RegistrationGrade.EVALUATOR,
        number=f"N-{status.value}-{days}",
        issued_on=date.today() - timedelta(days=100),
        expires_on=date.today() + timedelta(days=days),
        status=status,
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def evaluator_record_submitted(c: Cast) -> set[int]:
    """The body records a registration: the alliance's staff hear it waits for them."""
    evaluators.record_registration(
        c.parties.evaluator,
        c.parties.lead,
        RegistrationGrade.LEAD,
        "Z-001",
        date(2026, 1, 1),
        date(2029, 1, 1),
    )
    return c.named("staff", "staff2")


def evaluator_record_resubmitted(c: Cast) -> set[int]:
    registration = _registration(c, RecordStatus.RETURNED)
    evaluators.move(registration, "resubmit", c.parties.lead, None)
    return c.named("staff", "staff2")


def evaluator_record_approved(c: Cast) -> set[int]:
    """The person and their body's administrators hear; not the other approver."""
    evaluators.move(_registration(c, RecordStatus.SUBMITTED), "approve", c.staff, None)
    return c.named("evaluator", "lead")


def evaluator_record_returned(c: Cast) -> set[int]:
    person = c.parties.evaluator
    factories.unregister(person)
    competence = EvaluatorCompetence(
        user_id=person.id,
        body_id=person.organisation_id,
        industry_code="C",
        status=RecordStatus.SUBMITTED,
    )
    db.session.add(competence)
    db.session.flush()
    evaluators.move(competence, "return", c.staff, None, reason="缺少证明材料")
    return c.named("evaluator", "lead")


def evaluator_registration_expiring(c: Cast) -> set[int]:
    _registration(c, RecordStatus.APPROVED, days=20)
    clear_notices()
    evaluator_tasks.remind()
    return c.named("evaluator", "lead")


def _appeal(c: Cast):
    """The enterprise's appeal against a compliance return of ``staff``, handled by
    ``staff2``; what announcing it said is cleared."""
    project = factories.project(c.parties, P.CONFIRMED)
    projects.perform(project, "return_compliance", c.staff, "缺少管理评审记录")
    case = filing.appeal(c.parties.enterprise, project.events[-1], "审查遗漏了附件")
    clear_notices()
    return case


def case_filed(c: Cast) -> set[int]:
    project = factories.project(factories.Parties(), P.CONFIRMED)
    projects.perform(project, "return_compliance", c.staff, "缺少管理评审记录")
    clear_notices()
    other = db.session.scalars(
        sa.select(User).where(User.organisation_id == project.organisation_id)
    ).first()
    filing.appeal(other, project.events[-1], "理由")
    return c.named("staff", "staff2")


def case_assigned(c: Cast) -> set[int]:
    case_services.assign(_appeal(c), c.staff, c.staff2.id, None)
    return c.named("staff2")


def case_moved(*moves: tuple[str, dict]) -> Callable:
    """The handler takes the moves; the last one is the scene (the appellant hears of it)."""

    def scene(c: Cast) -> set[int]:
        case = _appeal(c)
        case_services.assign(case, c.staff, c.staff2.id, None)
        for name, inputs in moves:
            clear_notices()
            case_services.act(case, name, c.staff2, None, **inputs)
        return c.named("enterprise")

    return scene


def case_overdue(c: Cast) -> set[int]:
    """Escalated by the scheduler to the alliance's staff (and administrators, none here)."""
    case = _appeal(c)
    case.acknowledge_due_on = date.today() - timedelta(days=1)
    db.session.flush()
    case_tasks.escalate()
    return c.named("staff", "staff2")


def certificate_appeal_upheld(c: Cast) -> set[int]:
    """An upheld appeal restores a suspended certificate: the holder and the body hear; the
    alliance decided it."""
    certificate = _certificate(c)
    certificates.perform(certificate, "suspend", c.staff, "监督逾期")
    clear_notices()
    certificates.perform(certificate, "appeal_upheld", OnDecisionOf(c.staff2), "申诉成立")
    return c.named("enterprise", "lead")


def _holder_complaint(c: Cast):
    """A complaint about the holder under investigation by ``staff2`` (``staff`` issued the
    certificate); what setting it up announced is cleared."""
    case = filing.complain(
        filing.Complainant(name="王", email="wang@example.com", phone="", locale="zh",
                           address="198.51.100.9"),
        CaseSubject.CERTIFICATE, "超范围使用标志", certificate_number=_certificate(c).number,
    )  # fmt: skip
    case_services.assign(case, c.staff, c.staff2.id, None)
    case_services.act(case, "acknowledge", c.staff2, None)
    clear_notices()
    return case


def _special_audit(c: Cast, *, scheduled: bool = False):
    """A special audit ordered from such a complaint; scheduled by the lead with the
    evaluator when asked."""
    special = special_audits.order(_holder_complaint(c), c.staff2, "现场核实", "", None)
    if scheduled:
        _schedule(c, special)
    clear_notices()
    return special


def _schedule(c: Cast, special) -> None:
    """The lead schedules it today with the evaluator."""
    today = date.today()
    members = [c.parties.evaluator.id]
    special_audits.perform(
        special, "schedule", c.parties.lead, None, starts_on=today, ends_on=today,
        member_ids=members,
    )  # fmt: skip


def special_audit_ordered(c: Cast) -> set[int]:
    special_audits.order(_holder_complaint(c), c.staff2, "现场核实", "", None)
    return c.named("lead")  # the body's contact, the project's lead; never the holder


def special_audit_scheduled(c: Cast) -> set[int]:
    special = _special_audit(c)
    _schedule(c, special)
    return c.named("enterprise", "evaluator")  # the holder and the team; the lead acted


def special_audit_completed(recommendation: str) -> Callable:
    def scene(c: Cast) -> set[int]:
        special = _special_audit(c, scheduled=True)
        special_audits.perform(special, recommendation, c.parties.lead, None,
                               verdict=ComplaintVerdict.SUBSTANTIATED, summary="属实")  # fmt: skip
        return c.named("staff2")  # back with the case's handler

    return scene


def special_audit_cancelled(c: Cast) -> set[int]:
    special_audits.perform(_special_audit(c), "cancel", c.staff2, None)
    return c.named("lead")


_ACKNOWLEDGE = ("acknowledge", {"text": "已收到"})
_DISMISS = ("decide", {"outcome": CaseOutcome.DISMISSED, "text": "理由不成立"})

# --- the provider pool ------------------------------------------------------------------------


@dataclass
class Place:
    member: PoolMember
    provider: User  # the provider's administrator (reads English)
    expert: User  # an official of the pool's authority


def _pool_place(c: Cast, upto: str = "draft") -> Place:
    """A provider's place in the Changchun pilot's pool kept by the city, walked up to
    ``upto`` (draft, submitted, in_review, reviewed, in_publicity, admitted)."""
    provider_org = factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100")
    provider = factories.user(provider_org, is_org_admin=True, locale="en")
    engagements.enrol(
        c.city, programmes.programme("changchun_pilot"), c.parties.enterprise_org.credit_code,
        provider_org.id,
    )  # fmt: skip
    expert = factories.user(c.city.organisation)
    found = pool.pool_of(f"changchun_pilot:{c.city.organisation_id}")
    assert found is not None
    member = pool.apply(provider, found, "高新技术企业")
    pool.add_product(member, provider, pool.Product(
        "云MES", "2.3.1", Decimal(1), Decimal(2), SolutionOrigin.EXISTING))  # fmt: skip
    pool.add_file(member, provider, pdf_file("资质.pdf"))
    steps = ("submitted", "in_review", "reviewed", "in_publicity", "admitted")
    walk = steps[: steps.index(upto) + 1] if upto in steps else ()
    for step in walk:
        if step == "submitted":
            pool.perform(member, "submit", provider)
        elif step == "in_review":
            pool.assign(member, c.city, expert.id, None)
        elif step == "reviewed":
            pool.record_opinion(member, expert, True, "同意", None)
        elif step == "in_publicity":
            pool.perform(member, "admit", c.city, reason="通过")
            member.publicity_starts_on = date.today() - timedelta(days=3)
        else:
            member.publicity_ends_on = date.today() - timedelta(days=1)
            pool.perform(member, "close_publicity", SYSTEM)
    return Place(member, provider, expert)


def pool_submitted(c: Cast) -> set[int]:
    place = _pool_place(c)
    clear_notices()
    pool.perform(place.member, "submit", place.provider)
    return c.named("city")


def pool_assigned(c: Cast) -> set[int]:
    place = _pool_place(c, "submitted")
    clear_notices()
    pool.assign(place.member, c.city, place.expert.id, None)
    return {place.expert.id}


def pool_opinion(c: Cast) -> set[int]:
    place = _pool_place(c, "in_review")
    clear_notices()
    pool.record_opinion(place.member, place.expert, False, "案例不足", None)
    return c.named("city")


def pool_decided(name: str, upto: str) -> Callable[[Cast], set[int]]:
    """The authority decides (admit, refuse, suspend, restore, remove): the provider hears."""

    def scene(c: Cast) -> set[int]:
        place = _pool_place(c, upto)
        if name == "restore":
            pool.decide(place.member, c.city, "suspend", "整改", None)
        clear_notices()
        pool.decide(place.member, c.city, name, "理由", None)
        return {place.provider.id}

    return scene


def _pool_appeal(c: Cast) -> tuple[Place, Case]:
    """The provider's appeal against its suspension by the city; what it announced cleared."""
    place = _pool_place(c, "admitted")
    pool.decide(place.member, c.city, "suspend", "整改", None)
    case = filing.appeal(place.provider, place.member.events[-1], "理由不成立")
    clear_notices()
    return place, case


def pool_appeal_decided(c: Cast) -> set[int]:
    """Dismissed: the provider (the appellant) and the authority whose decision stands hear."""
    place, case = _pool_appeal(c)
    case_services.assign(case, c.staff, c.staff2.id, None)
    case_services.act(case, "acknowledge", c.staff2, None)
    clear_notices()
    case_services.act(case, "decide", c.staff2, None, **_DISMISS[1])
    return {place.provider.id} | c.named("city")


def pool_appeal_upheld(c: Cast) -> set[int]:
    """The place restored on the handler's decision: the provider and the authority hear."""
    place, case = _pool_appeal(c)
    pool.perform(place.member, "appeal_upheld", OnDecisionOf(c.staff2), reason="申诉成立",
                 case=case)  # fmt: skip
    return {place.provider.id} | c.named("city")


def pool_publicity_closed(c: Cast) -> set[int]:
    place = _pool_place(c, "in_publicity")
    place.member.publicity_ends_on = date.today() - timedelta(days=1)
    clear_notices()
    assert pool_publicity.close_ended() == 1
    return {place.provider.id}


def pool_objected(c: Cast) -> set[int]:
    """Anyone objects on the public pool: the authority hears."""
    place = _pool_place(c, "in_publicity")
    clear_notices()
    pool_publicity.lodge(place.member, "王先生", "138", "案例不实", "10.1.2.3")
    return c.named("city")


def pool_objection_upheld(c: Cast) -> set[int]:
    place = _pool_place(c, "in_publicity")
    objection = pool_publicity.lodge(place.member, "王先生", "138", "案例不实", "10.1.2.4")
    clear_notices()
    pool_publicity.decide(objection, c.city, "uphold", "经核实属实", None)
    return {place.provider.id}


def pool_rated(c: Cast) -> set[int]:
    """The enterprise it diagnosed rates the provider: the provider hears."""
    place = _pool_place(c, "admitted")
    keys = [key for key, _title in pool_ratings.criteria(place.member)]
    clear_notices()
    pool_ratings.rate(place.member, c.parties.enterprise, dict.fromkeys(keys, 4), "")
    return {place.provider.id}


# --- reform projects --------------------------------------------------------------------------


def _reform_project(c: Cast, upto: str = "draft") -> tuple[ReformProject, Place]:
    """The enterprise's reform project in the Changchun pilot (county: the district, city: the
    city), with a contract with an admitted provider, walked up to ``upto``."""
    place = _pool_place(c, "admitted")
    engagement = db.session.scalar(
        sa.select(DiagnosisEngagement).where(
            DiagnosisEngagement.enterprise_id == c.parties.enterprise_org.id
        )
    )
    assert engagement is not None
    enterprise = c.parties.enterprise
    period = (date(2026, 3, 1), date(2026, 12, 31))
    project = reform.create(
        enterprise, engagement, reform.Draft("数字化改造", ["2.3.1"], *period, Decimal(100000))
    )
    reform.add_contract(project, enterprise, reform.Contract(
        place.member.id, None, "云MES", Decimal(50000), date(2026, 3, 1), date(2026, 9, 30)),
        pdf_file("合同.pdf"))  # fmt: skip
    steps = ("filed", "agreed")
    for step in steps[: steps.index(upto) + 1] if upto in steps else ():
        if step == "filed":
            reform.perform(project, "file", enterprise)
        else:
            reform.perform(project, "county_agree", c.district, reason="同意")
    return project, place


def reform_filed(c: Cast) -> set[int]:
    project, _place = _reform_project(c)
    clear_notices()
    reform.perform(project, "file", c.parties.enterprise)
    return c.named("district")


def reform_decided(name: str, upto: str) -> Callable[[Cast], set[int]]:
    def scene(c: Cast) -> set[int]:
        project, place = _reform_project(c, upto)
        clear_notices()
        actor = c.district if name.startswith("county") else c.city
        reform.perform(project, name, actor, reason="理由")
        if name == "county_agree":
            return c.named("city")
        if name == "city_file":
            return c.named("enterprise") | {place.provider.id}
        return c.named("enterprise")

    return scene


def subsidy_moved(name: str) -> Callable[[Cast], set[int]]:
    """A reform project's subsidy (seed 004 三(二)7): applied for by the enterprise (the city
    hears), approved, refused or paid by the city (the enterprise hears)."""

    def scene(c: Cast) -> set[int]:
        draft, _place = _reform_project(c)
        project, _outcome = accepted_for_subsidy(draft, c.parties)
        steps = {"apply": ("apply",), "pay": ("apply", "approve", "pay")}.get(name, ("apply", name))
        for step in steps:
            if step == name:
                clear_notices()
            if step == "apply":
                found = subsidy.apply(project, c.parties.enterprise, Decimal(50000))
            elif step == "approve":
                subsidy.approve(found, c.city, Decimal(40000), "", None)
            elif step == "refuse":
                subsidy.refuse(found, c.city, "理由", None)
            else:
                subsidy.pay(
                    found, c.city, subsidy.Payment(Decimal(40000), local_today(), "凭证"), None
                )
        return c.named("city") if name == "apply" else c.named("enterprise")

    return scene


def _reform_reviewed(c: Cast, upto: str) -> tuple[ReformProject, Place, User]:
    """The enterprise's reform project filed with the district (its county) and the city, its
    evaluation body (the parties' body, the lead its contact) and an audit firm named, taken to
    ``upto``: "filed", "implemented", "graded", "passed" or "failed" (the expert group's
    verdict, awaiting the county's opinion). The states are set: the moves are
    tests/functional/reform's."""
    project, place = _reform_project(c)
    firm = factories.organisation(OrgKind.AUDIT_FIRM, region="310000")
    auditor = factories.user(firm, is_org_admin=True)
    project.county_authority_id = c.district.organisation_id
    project.status = ReformStatus.IN_IMPLEMENTATION
    if upto == "filed":
        db.session.flush()
        return project, place, auditor
    project.status = ReformStatus.IMPLEMENTED
    project.evaluation_body_id = c.parties.body_org.id
    project.audit_firm_id = firm.id
    db.session.flush()
    if upto in ("graded", "passed", "failed"):
        table = sme_level.table("sme_level_2024")
        points = {i.key: 10.0 for i in table.indicators[:5]}
        points |= {i.key: 0.0 for i in table.indicators[5:]}
        levels = {s.key: 2 for s in table.scenarios}
        reform_review.record_grading(project, c.parties.lead, points, levels,
            reform_review.GradingFacts(local_today(), "MES"), pdf_file("评测报告.pdf"),
            after=None, version=None)  # fmt: skip
    if upto in ("passed", "failed"):
        verdict = AcceptanceVerdict.PASS if upto == "passed" else AcceptanceVerdict.FAIL
        reform_review.record_acceptance(project, c.parties.lead, reform_review.AcceptanceFacts(
            ["王工", "李工"], local_today(), local_today(), verdict, "意见", "整改"),
            pdf_file("验收意见.pdf"), None)  # fmt: skip
    return project, place, auditor


def reform_appointed(c: Cast) -> set[int]:
    project, _place, auditor = _reform_reviewed(c, "filed")
    clear_notices()
    firm = auditor.organisation_id
    reform_review.appoint(project, c.city, c.parties.body_org.id, firm, None)
    return {c.parties.lead.id, auditor.id}


def reform_graded(c: Cast) -> set[int]:
    project, _place, _auditor = _reform_reviewed(c, "implemented")
    clear_notices()
    table = sme_level.table("sme_level_2024")
    points = {i.key: 0.0 for i in table.indicators}
    levels = {s.key: 0 for s in table.scenarios}
    reform_review.record_grading(project, c.parties.lead, points, levels,
        reform_review.GradingFacts(local_today(), "MES"), pdf_file("评测报告.pdf"),
        after=None, version=None)  # fmt: skip
    return c.named("enterprise", "district", "city")


def reform_acceptance_recorded(c: Cast) -> set[int]:
    project, _place, _auditor = _reform_reviewed(c, "graded")
    clear_notices()
    reform_review.record_acceptance(project, c.parties.lead, reform_review.AcceptanceFacts(
        ["王工", "李工"], local_today(), local_today(), AcceptanceVerdict.PASS, "通过", ""),
        pdf_file("验收意见.pdf"), None)  # fmt: skip
    return c.named("enterprise", "district", "city")


def reform_concluded(verdict: str, agrees: bool = True) -> Callable[[Cast], set[int]]:
    def scene(c: Cast) -> set[int]:
        project, place, _auditor = _reform_reviewed(c, verdict)
        clear_notices()
        reform_review.record_county_opinion(project, c.district, "同意", None, agrees=agrees)
        return c.named("enterprise", "city", "lead") | {place.provider.id}

    return scene


def reform_audited(c: Cast) -> set[int]:
    project, _place, auditor = _reform_reviewed(c, "implemented")
    clear_notices()
    reform_review.file_audit_report(project, auditor, reform_review.AuditFacts(
        local_today(), Decimal(10000), "合规"), pdf_file("审计报告.pdf"), None)  # fmt: skip
    return c.named("enterprise", "city")


SCENES: dict[str, Callable[[Cast], set[int]]] = {
    "case.filed": case_filed,
    "case.assign": case_assigned,
    "case.acknowledge": case_moved(_ACKNOWLEDGE),
    "case.decide": case_moved(_ACKNOWLEDGE, _DISMISS),
    "case.respond": case_moved(_ACKNOWLEDGE, _DISMISS, ("respond", {"text": "维持原决定"})),
    "case.overdue": case_overdue,
    "special_audit.order": special_audit_ordered,
    "special_audit.schedule": special_audit_scheduled,
    "special_audit.maintain": special_audit_completed("maintain"),
    "special_audit.suspend": special_audit_completed("suspend"),
    "special_audit.revoke": special_audit_completed("revoke"),
    "special_audit.cancel": special_audit_cancelled,
    "certificate.appeal_upheld": certificate_appeal_upheld,
    "project.invite_consultancy": project_invitation,
    "project.confirm": project_confirmed,
    "project.pass_compliance": project_compliance_passed,
    "project.stage2_expired": project_sent_back_by_the_scheduler,
    "assessment.submit": assessment_submitted,
    "assessment.approve": assessment_approved_by_the_district,
    "assessment.approve ": assessment_approved_by_the_city,  # the city's: same event
    "assessment.return": assessment_returned,
    "finding.logged": finding_logged,
    "finding.answer": finding_answered,
    "finding.accept": finding_decision("accept"),
    "finding.verify": finding_decision("verify"),
    "finding.reject": finding_decision("reject"),
    "certificate.suspend": certificate_by_staff("suspend"),
    "certificate.restore": certificate_by_staff("restore", CertificateStatus.SUSPENDED),
    "certificate.revoke": certificate_by_staff("revoke"),
    "certificate.cancel": certificate_by_staff("cancel"),
    "certificate.reissue": certificate_by_staff("reissue"),
    "certificate.suspend_at_surveillance": certificate_suspended_at_surveillance,
    "certificate.revoke_long_suspension": certificate_by_the_scheduler(
        "revoke_long_suspension", CertificateStatus.SUSPENDED
    ),
    "certificate.expire": certificate_by_the_scheduler("expire", CertificateStatus.VALID),
    "certificate.requested": certificate_requested,
    "certificate_request.decline": request_declined,
    "schedule.plan": schedule_planned,
    "schedule.maintain": schedule_concluded("maintain"),
    "schedule.recommend": schedule_concluded("recommend", ScheduleKind.RECERTIFICATION),
    "schedule.not_recommend": schedule_concluded("not_recommend", ScheduleKind.RECERTIFICATION),
    "schedule.pass_review": schedule_review_passed,
    "schedule.issue": schedule_new_certificate,
    "objection.lodged": objection_lodged,
    "objection.dismiss": objection_dismissed,
    "campaign.launch": campaign_launched,
    "campaign.quota": quota_set,
    "campaign.bulletin": bulletin_issued,
    "notice.publish": notice_sent,
    "benchmark.mark": benchmark_named,
    "engagement.enrol": engagement_enrolled,
    "engagement.file_agreement": engagement_agreement_filed,
    "engagement.start": engagement_on_site,
    "engagement.form": engagement_form_filed,
    "engagement.progress_report": engagement_progress_reported,
    "engagement.withdraw": engagement_withdrawn,
    "demand.record": demand_recorded,
    "pool.submit": pool_submitted,
    "pool.assign": pool_assigned,
    "pool.record_opinion": pool_opinion,
    "pool.admit": pool_decided("admit", "reviewed"),
    "pool.refuse": pool_decided("refuse", "reviewed"),
    "pool.close_publicity": pool_publicity_closed,
    "pool.objection": pool_objected,
    "pool.uphold_objection": pool_objection_upheld,
    "pool.suspend": pool_decided("suspend", "admitted"),
    "pool.restore": pool_decided("restore", "admitted"),
    "pool.remove": pool_decided("remove", "admitted"),
    "pool.rated": pool_rated,
    "pool.appeal_upheld": pool_appeal_upheld,
    "case.decide  ": pool_appeal_decided,  # a provider's appeal: the same event
    "reform.file": reform_filed,
    "reform.county_agree": reform_decided("county_agree", "filed"),
    "reform.county_return": reform_decided("county_return", "filed"),
    "reform.city_file": reform_decided("city_file", "agreed"),
    "reform.city_return": reform_decided("city_return", "agreed"),
    "reform_subsidy.apply": subsidy_moved("apply"),
    "reform_subsidy.approve": subsidy_moved("approve"),
    "reform_subsidy.refuse": subsidy_moved("refuse"),
    "reform_subsidy.pay": subsidy_moved("pay"),
    "reform.appoint": reform_appointed,
    "reform.grade": reform_graded,
    "reform.acceptance": reform_acceptance_recorded,
    "reform.accept": reform_concluded("passed"),
    "reform.rectify": reform_concluded("failed"),
    "reform.county_disagree": reform_concluded("passed", agrees=False),
    "reform.audit_report": reform_audited,
    "engagement.submit_report": engagement_reported,
    "engagement.present": engagement_presented,
    "engagement.survey": engagement_surveyed,
    "engagement.accept": engagement_decided("accept"),
    "engagement.return": engagement_decided("return"),
    "engagement.resubmit": engagement_resubmitted,
    "account.reset_link_sent": reset_link_sent_by_the_district,
    "account.one_time_password_set": one_time_password_set_by_the_city,
    "api_key.created": api_key_made,
    "api_key.revoked": api_key_revoked,
    "api_key.expiring": api_key_expiring,
    "webhook.dead": webhook_delivery_dead,
    "export.done": export_ready,
    "export.failed": export_failed,
    "evaluator_record.submitted": evaluator_record_submitted,
    "evaluator_record.resubmit": evaluator_record_resubmitted,
    "evaluator_record.approve": evaluator_record_approved,
    "evaluator_record.return": evaluator_record_returned,
    "evaluator_registration.expiring": evaluator_registration_expiring,
}


def clear_notices() -> None:
    """What setting a scene up announced is not what the scene is about."""
    db.session.execute(sa.delete(Notification))
    db.session.execute(sa.delete(OutboxMessage))


def test_every_row_of_the_table_has_a_scene():
    named = {name.strip() for name in SCENES}
    assert set(NOTICES) - named == set(), "events without a scene here"


@pytest.mark.parametrize("event", list(SCENES), ids=str.strip)
def test_the_people_concerned_hear_once_in_their_language(app_ctx, event):
    cast = Cast.make()
    clear_notices()
    expected = SCENES[event](cast)
    db.session.flush()
    name = event.strip()
    notices = db.session.scalars(
        sa.select(Notification).where(Notification.key.startswith(f"{name}:"))
    ).all()
    emails = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.dedup_key.startswith(f"{name}:"))
    ).all()
    assert sorted(n.user_id for n in notices) == sorted(expected), "in the app"
    addresses = {user.email: user for user in db.session.scalars(sa.select(User))}
    emailed = [addresses[m.recipient] for m in emails]
    assert sorted(u.id for u in emailed) == sorted(expected), "by email"
    for message in emails:
        reader = addresses[message.recipient]
        assert message.locale == reader.locale
        english = message.body_text.startswith(f"Hello {reader.name},")
        assert english == (reader.locale == "en"), message.body_text[:80]
    # Nothing else was said to anyone by this event.
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(~Notification.key.startswith(f"{name}:"))
    )
    assert others == 0


def test_a_muted_category_is_read_in_the_app_only(app_ctx):
    cast = Cast.make()
    cast.parties.enterprise.email_muted = [Category.AUDITS.value]
    clear_notices()
    finding_logged(cast)
    db.session.flush()
    keys = db.session.scalars(sa.select(Notification.key)).all()
    assert len(keys) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_an_event_is_told_once_even_if_announced_twice(app_ctx):
    from app.events import announce

    cast = Cast.make()
    project = factories.project(cast.parties, P.CONCLUDED)
    projects.perform(project, "confirm", cast.parties.enterprise)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    announce("project.confirm", project, cast.parties.enterprise)  # a retry of the same move
    after = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    assert before == after > 0
