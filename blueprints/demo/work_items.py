"""Demo data for the work lists: something waiting on every demo account.

Added after the demo's projects (``load`` is idempotent, keyed by natural keys):

* a newcomer in Pudong whose self-assessment waits for the district (``district@``) and whose
  project invites the demo consultancy (``consultant@``);
* a certificate of 上海智造 (``enterprise@``) issued eleven months ago: its first surveillance
  falls due in 30 days (the enterprise and ``evaluator@`` see it), and a reissue it asked for
  waits for the alliance (``alliance@``'s holder requests);
* a certificate of 济南泉城 (``enterprise-en@``) that expired ten days ago while its recommended
  recertification waits for the alliance's review — overdue, and it stays so: an overdue
  surveillance is missed at once by the scheduler (which suspends the certificate), a
  recommendation waiting on the alliance is not.

Everything is walked through the same services as the web pages, on today's date, then its
dates are laid out backwards in the order the timeline shows.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app

from app.clock import local_today
from app.extensions import db
from app.workdays import add_working_days
from blueprints.assessment import services as assessments
from blueprints.assessment.questionnaire import questionnaire_for
from blueprints.certificates import services as certificates
from blueprints.certificates.services import expiry_for, format_number
from blueprints.demo.assessments import sample_answers, submitted
from blueprints.demo.people import Team, account, credit_code, first_user, organisation, team_of
from blueprints.demo.projects import _apply, _audits, _consult, _upload
from blueprints.projects import services as projects
from blueprints.publicity import services as publicity
from blueprints.surveillance import services as surveillance
from models import (
    Assessment,
    Audit,
    AuditKind,
    Certificate,
    CertificateEvent,
    ConsultingStep,
    Document,
    DocumentKind,
    EnterpriseSize,
    Organisation,
    OrgKind,
    Project,
    PublicityBatch,
    Role,
    ScheduleItem,
    ScheduleKind,
)

NEWCOMER = (
    "上海浦东云链智能科技有限公司",
    "91310115MA7D2HX5N",
    "310115",
    "39",
    "上海市浦东新区祖冲之路 2290 号",
)


def load(
    enterprises: list[Organisation],
    consultancy: Organisation,
    body: Organisation,
) -> None:
    people = team_of(body)
    newcomer_waits_for_district_and_consultant(consultancy)
    surveillance_due_in_30_days(enterprises[0], people)
    recertification_overdue(enterprises[2], people)
    serials_in_date_order(body)
    db.session.flush()


# --- the district's queue and the consultant's invitation ----------------------------------


def newcomer_waits_for_district_and_consultant(consultancy: Organisation) -> None:
    name, base, county, industry, address = NEWCOMER
    code = credit_code(base)
    if db.session.scalar(sa.select(sa.exists().where(Organisation.credit_code == code))):
        return
    org = organisation(
        OrgKind.ENTERPRISE,
        name,
        credit_code=code,
        region_code=county,
        industry_code=industry,
        size=EnterpriseSize.SMALL,
        address=address,
        contact_name="联系人",
        contact_phone="021-50000000",
    )
    owner = account(org, Role.ENTERPRISE, "newcomer@demo.certpath.cn", "钱新来", org_admin=True)
    year = assessments.current_year()
    questionnaire = questionnaire_for(org.industry_code, None, year)
    assessment = Assessment(
        organisation=org,
        year=year,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        answers=sample_answers(questionnaire, 0.5, seed=org.id),
    )
    db.session.add(assessment)
    db.session.flush()
    assessments.perform(assessment, "submit", owner)  # to the Pudong district first
    project = projects.start(
        org, owner, "工业互联网平台的研发和运营", ["平台化数据服务能力"], ["上海市浦东新区"]
    )
    projects.perform(project, "invite_consultancy", owner, consultancy_id=consultancy.id)


# --- certificates with something coming due --------------------------------------------------

# Days before the certificate's effective date at which each move of the path happened, so that
# the project reads in order: three months of operation before applying, then two stages,
# the national review, a publicity of five working days, the certificate.
_BEFORE = {
    "start": 300,
    "consult_ourselves": 299,
    "apply": 100,
    "accept_application": 95,
    "plan_stage1": 90,
    "complete_stage1": 80,
    "plan_stage2": 75,
    "complete_stage2": 60,
    "recommend": 50,
    "confirm": 45,
    "pass_compliance": 40,
    "pass_re_review": 35,
    "publish": 30,
}
# The six consulting steps, completed on these days before it; operation starts with step 4.
_STEPS = (290, 270, 250, 230, 200, 120)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(2))  # 10:00 in Shanghai, stored as UTC


def _certify(org: Organisation, people: Team, scope: str, capabilities: list[str], site: str):
    """A project walked from the start to its certificate today (consulting run by the
    enterprise itself)."""
    owner = first_user(org)
    today = local_today()
    project = projects.start(org, owner, scope, capabilities, [site])
    projects.perform(project, "consult_ourselves", owner)
    _consult(project, owner, started=today - timedelta(days=200))
    _apply(project, owner, people.body, people.lead, 320, "0000-0000000")
    _audits(project, people.lead, people.member, today)
    _upload(project, people.lead, DocumentKind.AUDIT_REPORT, "评定报告.pdf")
    projects.perform(project, "recommend", people.lead)
    projects.perform(project, "confirm", owner)
    first, second = people.reviewers
    projects.perform(project, "pass_compliance", first)
    projects.perform(project, "pass_re_review", second)
    batch = publicity.create_batch(second, f"{org.name[:4]} 公示", today, [project.id])
    batch.starts_on = batch.ends_on = today - timedelta(days=1)  # ended, to close it now
    publicity.close_batch(batch, second)
    projects.perform(project, "issue", second)
    certificate = db.session.scalars(
        sa.select(Certificate).where(Certificate.project_id == project.id)
    ).one()
    return project, certificate, batch


def _lay_out(
    project: Project, certificate: Certificate, batch: PublicityBatch, effective_on: date
) -> None:
    """Date the walked project and its certificate so that the certificate took effect on
    ``effective_on``, every earlier move in the order of the path."""
    before = {action: effective_on - timedelta(days=d) for action, d in _BEFORE.items()}
    steps = [effective_on - timedelta(days=d) for d in _STEPS]
    # Five working days from the announcement, by the holiday calendar; closed the day after.
    period = add_working_days(before["publish"], current_app.config["PUBLICITY_WORKING_DAYS"])
    before["close_publicity"] = period.end + timedelta(days=1)
    completed = iter(steps)
    project.created_at = _at(before["start"])
    for event in project.events:
        day = next(completed) if event.action == "complete_step" else before.get(event.action)
        event.created_at = _at(day or effective_on)
    for step in db.session.scalars(
        sa.select(ConsultingStep).where(ConsultingStep.project_id == project.id)
    ):
        previous = steps[step.number - 2] if step.number > 1 else before["consult_ourselves"]
        step.started_on = previous
        step.completed_on = steps[step.number - 1]
    documents = sa.select(Document).where(Document.project_id == project.id)
    for document in db.session.scalars(documents):
        number = document.consulting_step
        document.uploaded_at = _at(steps[number - 1] if number else before["recommend"])
    project.operation_started_on = steps[3]
    project.applied_at = _at(before["apply"])
    project.concluded_at = _at(before["recommend"])
    project.confirmed_at = _at(before["confirm"])
    project.status_changed_at = _at(effective_on)
    stages = sa.select(Audit).where(
        Audit.project_id == project.id, Audit.kind.in_([AuditKind.STAGE1, AuditKind.STAGE2])
    )
    for audit in db.session.scalars(stages):
        done = before["complete_stage1" if audit.kind == AuditKind.STAGE1 else "complete_stage2"]
        audit.starts_on = audit.ends_on = audit.completed_on = done
        audit.created_at = _at(done - timedelta(days=10))
    project.stage2_completed_on = before["complete_stage2"]
    batch.starts_on, batch.ends_on = period.start, period.end
    batch.working_days, batch.estimated = period.working_days, period.estimated
    batch.created_at, batch.closed_at = _at(before["publish"]), _at(before["close_publicity"])
    # The certificate: its number carries the year it took effect.
    body_code = certificate.body.body_code or ""
    certificate.number = format_number(body_code, effective_on.year, certificate.serial, 1)
    certificate.effective_on = effective_on
    certificate.expires_on = expiry_for(effective_on)
    certificate.issued_at = certificate.status_changed_at = _at(effective_on)
    for record in db.session.scalars(
        sa.select(CertificateEvent).where(CertificateEvent.certificate_id == certificate.id)
    ):
        record.created_at = _at(effective_on)
    months = current_app.config["SURVEILLANCE_MONTHS"]
    due = {
        ScheduleKind.SURVEILLANCE_1: effective_on + relativedelta(months=months[0]),
        ScheduleKind.SURVEILLANCE_2: effective_on + relativedelta(months=months[1]),
        ScheduleKind.RECERTIFICATION: certificate.expires_on,
    }
    for item in _schedule(certificate):
        item.due_on = due[item.kind]
        item.created_at = _at(effective_on)


def _schedule(certificate: Certificate) -> list[ScheduleItem]:
    return list(
        db.session.scalars(
            sa.select(ScheduleItem).where(ScheduleItem.certificate_id == certificate.id)
        )
    )


def _has_certificate(org: Organisation) -> bool:
    return bool(
        db.session.scalar(sa.select(sa.exists().where(Certificate.organisation_id == org.id)))
    )


def surveillance_due_in_30_days(org: Organisation, people: Team) -> None:
    if _has_certificate(org):
        return
    today = local_today()
    months = current_app.config["SURVEILLANCE_MONTHS"][0]
    effective_on = today + timedelta(days=30) - relativedelta(months=months)
    submitted(org, first_user(org), effective_on.year - 2, 0.5, approve=True)
    project, certificate, batch = _certify(
        org, people, "精密装备的研发、生产和销售", ["数据驱动的精益生产管控能力"], "上海市浦东新区"
    )
    _lay_out(project, certificate, batch, effective_on)
    db.session.flush()
    # The enterprise moved: it asks for its certificate with the new address.
    certificates.request_change(
        certificate,
        first_user(org),
        "reissue",
        "企业注册地址变更，申请换发证书。",
        new_address="上海市浦东新区张江路 188 号",
    )


def recertification_overdue(org: Organisation, people: Team) -> None:
    if _has_certificate(org):
        return
    today = local_today()
    expires_on = today - timedelta(days=10)
    effective_on = expires_on - relativedelta(years=3)
    submitted(org, first_user(org), effective_on.year - 1, 0.6, approve=True)
    project, certificate, batch = _certify(
        org, people, "汽车零部件的研发和制造", ["柔性制造与质量追溯能力"], "济南市历下区"
    )
    # Both surveillance evaluations maintained the certificate; the recertification audit
    # recommended a new one, which the alliance has not reviewed yet.
    items = {item.kind: item for item in _schedule(certificate)}
    lead, member = people.lead, people.member
    for kind in (ScheduleKind.SURVEILLANCE_1, ScheduleKind.SURVEILLANCE_2):
        surveillance.perform(
            items[kind], "plan", lead, starts_on=today, ends_on=today, member_ids=[member.id]
        )
        surveillance.perform(items[kind], "maintain", lead, completed_on=today)
    recertification = items[ScheduleKind.RECERTIFICATION]
    surveillance.perform(
        recertification, "plan", lead, starts_on=today, ends_on=today, member_ids=[member.id]
    )
    surveillance.perform(recertification, "recommend", lead, completed_on=today)
    _lay_out(project, certificate, batch, effective_on)
    done_on = {
        ScheduleKind.SURVEILLANCE_1: items[ScheduleKind.SURVEILLANCE_1].due_on - timedelta(20),
        ScheduleKind.SURVEILLANCE_2: items[ScheduleKind.SURVEILLANCE_2].due_on - timedelta(20),
        ScheduleKind.RECERTIFICATION: expires_on - timedelta(days=40),
    }
    for kind, day in done_on.items():
        item = items[kind]
        audit = db.session.get_one(Audit, item.audit_id)  # planned above
        audit.starts_on = audit.ends_on = audit.completed_on = day
        audit.created_at = _at(day - timedelta(days=14))
        if kind != ScheduleKind.RECERTIFICATION:
            item.completed_on = day
    recertification.recommended_at = _at(done_on[ScheduleKind.RECERTIFICATION])


def serials_in_date_order(body: Organisation) -> None:
    """The certificates above were issued today and dated back, after the demo's certificate
    of today: give the body's serials (a running counter) back the order of the dates."""
    firsts = list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.body_id == body.id, Certificate.issue_no == 1)
            .order_by(Certificate.effective_on, Certificate.id)
        )
    )
    wanted = sorted(c.serial for c in firsts)
    if [c.serial for c in firsts] == wanted:
        return
    for certificate in firsts:  # out of the way first: (body, serial, issue) is unique
        certificate.serial += 100_000
    db.session.flush()
    code = body.body_code or ""
    for certificate, serial in zip(firsts, wanted, strict=True):
        certificate.serial = serial
        certificate.number = format_number(code, certificate.effective_on.year, serial, 1)
    db.session.flush()
