"""Every form answers a missing or malformed field on its own page: 422, the message beside the
field, the rest of the input kept — never the 409 page.

``CASES`` lists each form of the app as (the page it lives on, the URL it posts to, what is
sent, the fields that must be refused, the input that must come back, who submits it). Every
POST endpoint of ``app.url_map`` is covered here or skipped with the reason (``SKIPPED``): a new
POST route fails ``test_every_post_route_is_covered_or_skipped`` until it is added to one of
them, as test_get_writes_nothing does for GET routes. The project page's and the certificate
page's action forms are listed per action (each action has its own form).

The world is built once, in a database of its own, and signed in once per party: every case
is refused, so nothing it sends changes what the next case sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from werkzeug.datastructures import FileStorage, MultiDict

from app.extensions import db
from app.security.tokens import make_token
from blueprints.assessment import scoring
from blueprints.assessment.services import questionnaire_of
from blueprints.campaigns import services as campaigns
from blueprints.certificates.forms import CONFIRMED_ACTIONS
from blueprints.certificates.transitions import NEEDS_REASON, STAFF_ACTIONS
from blueprints.demo import engagements as demo_engagements
from blueprints.diagnosis import programmes, sme_level
from blueprints.documents import services as documents
from blueprints.engagements import record
from blueprints.engagements import services as engagements
from blueprints.projects.forms import ACTION_FORMS
from blueprints.surveillance import services as schedule_services
from blueprints.webhooks import services as webhook_services
from models import (
    ActivityKind,
    Assessment,
    AssessmentStatus,
    CorrectiveAction,
    DiagnosisEngagement,
    DocumentKind,
    EngagementStatus,
    EngineerTitle,
    EvaluatorCompetence,
    EvaluatorRegistration,
    EvaluatorTraining,
    Finding,
    FindingKind,
    FindingStatus,
    OrgKind,
    ProjectEvent,
    ProjectStatus,
    RecordStatus,
    RegistrationGrade,
    Role,
    ScheduleItem,
    ScheduleKind,
    User,
    WebhookEvent,
)
from tests import factories
from tests.conftest import Browser, csrf_from
from tests.functional.assessment.helpers import answers_for, section_form
from tests.functional.projects.helpers import PDF
from tests.html import error_beside

P = ProjectStatus
TODAY = date.today


def YESTERDAY() -> date:
    return date.today() - timedelta(days=1)


def pdf(name: str) -> FileStorage:
    return FileStorage(BytesIO(PDF), filename=name, content_type="application/pdf")


# --- the world ---------------------------------------------------------------------------------


def _enterprise(parties: factories.Parties):
    """A new enterprise with a valid self-assessment and its administrator: one project may be
    under way per enterprise, so each project below has its own."""
    org = factories.organisation(region="310115")
    factories.assessment(org, status=AssessmentStatus.APPROVED)
    return org, factories.user(org, is_org_admin=True)


def _project(parties: factories.Parties, status: P, **fields):
    org, member = _enterprise(parties)
    return factories.project(parties, status, organisation=org, **fields), member


def _stage_audit(project, kind_value: str):
    from models import Audit, AuditKind

    return db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind(kind_value))
    )


def _finding(audit, lead, status: FindingStatus, kind=FindingKind.MAJOR) -> Finding:
    finding = Finding(
        audit_id=audit.id,
        kind=kind,
        clause_code="9.3",
        description="管理评审未覆盖新型能力",
        status=status,
        due_on=TODAY() + timedelta(days=30),
        created_by_id=lead.id,
    )
    db.session.add(finding)
    db.session.flush()
    return finding


def _draft_with_every_answer(org) -> Assessment:
    """This year's draft, complete: its submission is refused only for the box."""
    draft = factories.assessment(org, status=AssessmentStatus.DRAFT)
    questionnaire = questionnaire_of(draft)
    every = answers_for(questionnaire)
    answers: dict[str, Any] = {}
    for section in questionnaire.sections:
        page = section_form(questionnaire, section.key, every)
        form = MultiDict([(name, v) for name, values in page.items() for v in values])
        parsed, errors = scoring.parse_section(questionnaire, section.key, form)
        assert not errors, errors
        answers.update(parsed)
    draft.answers = answers
    return draft


def _fill_case_data(draft: Assessment) -> dict[str, Any]:
    """A page of the questionnaire with a percentage above 100 and another answer to keep."""
    questionnaire = questionnaire_of(draft)
    answers = answers_for(questionnaire)
    for section in questionnaire.sections:
        percentage = next((q for q in section.questions if q.type == "percentage"), None)
        other = next(
            (q for q in section.questions if q.type in ("number", "text") and q is not percentage),
            None,
        )
        if percentage and other:
            data = section_form(questionnaire, section.key, answers)
            data["q_" + percentage.key] = ["101"]
            return {
                "section": section.key,
                "data": data,
                "invalid": "q_" + percentage.key,
                "kept": ("q_" + other.key, data["q_" + other.key][0]),
            }
    raise AssertionError("no questionnaire page with a percentage and another answer")


def _evaluator_records(parties: factories.Parties) -> dict[str, int]:
    person = parties.evaluator
    factories.unregister(person)
    made = {}
    for key, number, status in (
        ("registration_submitted", "FORM-1", RecordStatus.SUBMITTED),
        ("registration_returned", "FORM-2", RecordStatus.RETURNED),
    ):
        registration = EvaluatorRegistration(
            user_id=person.id,
            body_id=person.organisation_id,
            grade=RegistrationGrade.EVALUATOR,
            number=number,
            issued_on=TODAY() - timedelta(days=100),
            expires_on=TODAY() + timedelta(days=1000),
            status=status,
        )
        db.session.add(registration)
        db.session.flush()
        made[key] = registration.id
    competence = EvaluatorCompetence(
        user_id=person.id,
        body_id=person.organisation_id,
        industry_code="C",
        status=RecordStatus.SUBMITTED,
    )
    training = EvaluatorTraining(
        user_id=person.id,
        body_id=person.organisation_id,
        taken_on=TODAY(),
        course="认证规则",
        hours=8,
        provider="联盟",
    )
    db.session.add_all([competence, training])
    db.session.flush()
    return {**made, "competence": competence.id, "training": training.id, "evaluator": person.id}


def build(app) -> dict[str, Any]:
    """The objects each form acts on, by name: ids and URLs only (the session ends here)."""
    with app.app_context():
        parties = factories.Parties()
        lead = parties.lead
        staff = factories.alliance_staff()
        admin = factories.user(staff.organisation, role=Role.ADMIN)
        city = factories.organisation(OrgKind.AUTHORITY, region="310000")
        authority = factories.user(city)
        w: dict[str, Any] = {}

        # Projects of the enterprises (each its own), at the steps their forms belong to.
        started, starter = _project(parties, P.STARTED)
        documentation, documenter = _project(parties, P.DOCUMENTATION, self_consulting=True)
        for kind in (DocumentKind.MANUAL, DocumentKind.PROCEDURE):
            documents.add(documentation, documenter, kind, pdf(f"{kind.value}.pdf"))
        ready, applicant = _project(
            parties, P.READY_TO_APPLY, operation_started_on=TODAY() - timedelta(days=200)
        )
        for kind in (DocumentKind.INTERNAL_AUDIT_REPORT, DocumentKind.MANAGEMENT_REVIEW):
            documents.add(ready, applicant, kind, pdf(f"{kind.value}.pdf"))
        correction, answerer = _project(parties, P.CORRECTION, stage2_completed_on=TODAY())
        documents.add(correction, lead, DocumentKind.AUDIT_REPORT, pdf("评定报告.pdf"))
        stage2 = _stage_audit(correction, "stage2")
        open_finding = _finding(stage2, lead, FindingStatus.OPEN)
        answered = _finding(stage2, lead, FindingStatus.ANSWERED, FindingKind.MINOR)
        db.session.add(
            CorrectiveAction(
                finding_id=answered.id,
                cause="原因",
                correction="纠正",
                action="措施",
                submitted_by_id=answerer.id,
            )
        )
        by_status = {status: _project(parties, status)[0] for status in (
            P.APPLIED, P.ACCEPTED, P.STAGE1_PLANNED, P.STAGE1_DONE, P.STAGE2_PLANNED,
            P.CONFIRMED, P.RE_REVIEW, P.READY_FOR_PUBLICITY,
        )}  # fmt: skip
        in_publicity, _member = _project(parties, P.IN_PUBLICITY)
        objection = factories.objection(in_publicity, staff)
        w["objection"] = objection.id
        w["entry"] = objection.entry_id

        # Certificates of Parties' enterprise: one whose first surveillance is open, one whose
        # first surveillance is planned.
        to_plan = factories.certificate(parties, staff=staff)
        to_conclude = factories.certificate(parties, staff=staff)
        items = {}
        for certificate in (to_plan, to_conclude):
            items[certificate.id] = db.session.scalar(
                sa.select(ScheduleItem).where(
                    ScheduleItem.certificate_id == certificate.id,
                    ScheduleItem.kind == ScheduleKind.SURVEILLANCE_1,
                )
            )
        schedule_services.perform(
            items[to_conclude.id], "plan", lead, starts_on=TODAY(), ends_on=TODAY()
        )

        # Self-assessments: one waiting for the city, a complete draft of a new enterprise.
        waiting = factories.assessment(
            _enterprise_without_assessment()[0], status=AssessmentStatus.AWAITING_CITY
        )
        waiting.reviewer_id = city.id
        filler_org, filler = _enterprise_without_assessment()
        draft = _draft_with_every_answer(filler_org)
        db.session.flush()
        fill = _fill_case_data(draft)

        invited = factories.user(parties.enterprise_org, password_hash=None)
        campaign = campaigns.launch(
            city,
            authority,
            campaigns.Launch(
                opens_on=TODAY(),
                closes_on=min(TODAY() + timedelta(days=20), date(TODAY().year, 12, 31)),
                report_due_on=TODAY() + timedelta(days=60),
                title="上海市两化融合评估",
            ),
        )
        provider = factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100")
        diagnostician = factories.user(provider)
        engagement = engagements.enrol(
            authority,
            programmes.programme("changchun_pilot"),
            parties.enterprise_org.credit_code,
            provider.id,
        )
        member = engagements.add_member(
            engagement, diagnostician, name="冯工", unit="", title=EngineerTitle.MID,
            lead=False, expert=False, pledged_on=None,
        )  # fmt: skip
        # Engagements further along, one per state whose forms are checked.
        along = {}
        for key, until in (("nmg_offline", EngagementStatus.ON_SITE),
                           ("nmg_offline", EngagementStatus.REPORTED),
                           ("nmg_offline", EngagementStatus.PRESENTED),
                           ("nmg_offline", EngagementStatus.SURVEYED),
                           ("changchun_pilot", EngagementStatus.ON_SITE)):  # fmt: skip
            org = factories.organisation(region="310115")
            contact = factories.user(org, is_org_admin=True)
            factories.assessment(org, status=AssessmentStatus.APPROVED)  # for the application
            made = engagements.enrol(authority, programmes.programme(key),
                                     org.credit_code, provider.id)  # fmt: skip
            engagements.file_agreement(made, diagnostician, TODAY() - timedelta(days=5),
                                       pdf("协议.pdf"))  # fmt: skip
            for n, name in enumerate(("郑专家", "冯工", "王工")):
                engagements.add_member(made, diagnostician, name=name, unit="",
                                       title=EngineerTitle.MID, lead=n == 0, expert=n == 0,
                                       pledged_on=TODAY())  # fmt: skip
            demo_engagements.walk(made, diagnostician, until, enterprise=contact,
                                  day=TODAY() - timedelta(days=2))  # fmt: skip
            along[f"{key}:{until.value}"] = (made.id, contact.email)
        on_site_visit = record.record_activity(
            db.session.get(DiagnosisEngagement, along["nmg_offline:on_site"][0]), diagnostician,
            # Yesterday: an hour of today may still lie ahead (the tests' clock is UTC).
            kind=ActivityKind.VISIT, started_at=datetime.combine(YESTERDAY(), time(1)),
            ended_at=datetime.combine(YESTERDAY(), time(2)), topic="", outcome="", attendees="",
            sign_in=None,
        )  # fmt: skip
        photo = record.add_photo(
            db.session.get(DiagnosisEngagement, along["nmg_offline:on_site"][0]), diagnostician,
            on_site_visit.id, record.OTHER_PHOTO, demo_engagements.photo("现场.jpg", None),
        )  # fmt: skip
        demo_engagements.fill_forms(
            db.session.get(DiagnosisEngagement, along["nmg_offline:on_site"][0]),
            "submit_report", provider=diagnostician, enterprise=None, day=TODAY(),
            only=("record",), at_most=1,
        )  # fmt: skip
        api_key = factories.api_key(parties.enterprise).key
        webhook = webhook_services.create(
            parties.enterprise_org, parties.enterprise, url="https://hooks.example.com/in",
            events=[WebhookEvent.PROJECT_STATE_CHANGED],
        ).endpoint  # fmt: skip
        w.update(
            api_key=api_key.id,
            webhook=webhook.id,
            progress_target=f"nmg_offline:{authority.organisation_id}",
            photo=photo.id,
            on_site=along["nmg_offline:on_site"][0],
            pilot_on_site=along["changchun_pilot:on_site"][0],
            visit=on_site_visit.id,
            reported=along["nmg_offline:reported"][0],
            presented=along["nmg_offline:presented"][0],
            surveyed=along["nmg_offline:surveyed"][0],
            engagement=engagement.id,
            engagement_member=member.id,
            provider=provider.id,
            campaign=campaign.id,
            parties={
                "enterprise": parties.enterprise.email,
                "starter": starter.email,
                "documenter": documenter.email,
                "applicant": applicant.email,
                "answerer": answerer.email,
                "filler": filler.email,
                "consultant": parties.consultant.email,
                "lead": lead.email,
                "staff": staff.email,
                "authority": authority.email,
                "diagnostician": diagnostician.email,
                "surveyor": along["nmg_offline:presented"][1],
                "admin": admin.email,
            },
            fresh_enterprise=parties.enterprise_org.id,
            started=started.id,
            documentation=documentation.id,
            ready=ready.id,
            correction=correction.id,
            projects={status.value: p.id for status, p in by_status.items()},
            stage1=_stage_audit(by_status[P.STAGE1_PLANNED], "stage1").id,
            stage2=stage2.id,
            open_finding=open_finding.id,
            answered=answered.id,
            to_plan=to_plan.number,
            to_conclude=to_conclude.number,
            plan_item=items[to_plan.id].id,
            conclude_item=items[to_conclude.id].id,
            waiting=waiting.id,
            approved=db.session.scalar(
                sa.select(Assessment.id).where(
                    Assessment.organisation_id == parties.enterprise_org.id,
                    Assessment.status == AssessmentStatus.APPROVED,
                )
            ),
            draft=draft.id,
            fill=fill,
            enterprise_org=parties.enterprise_org.id,
            enterprise_user=parties.enterprise.id,
            reset=make_token(parties.consultant, "reset"),
            invite=make_token(invited, "invite"),
        )
        # The evaluator register: a registration and a sector waiting for the alliance, a
        # registration returned to the body, a training recorded.
        w.update(_evaluator_records(parties))
        w.update(_cases(parties, staff, w["parties"]))
        db.session.commit()
        return w


def _cases(parties: factories.Parties, staff, people: dict[str, str]) -> dict[str, int]:
    """An enterprise whose compliance review ``staff`` returned (a decision it may appeal), and
    one whose appeal waits for its acknowledgement by another member of the alliance."""
    from blueprints.cases import filing
    from blueprints.cases import services as cases
    from blueprints.projects import services as projects

    made: dict[str, int] = {}
    handler = factories.user(staff.organisation, role=Role.ALLIANCE_STAFF)
    for key in ("appealable", "appealed"):
        project, member = _project(parties, P.CONFIRMED)
        projects.perform(project, "return_compliance", staff, "缺少管理评审记录")
        made[key] = project.events[-1].id
        people[key] = member.email
    appealed = db.session.get(ProjectEvent, made["appealed"])
    member = db.session.scalar(sa.select(User).where(User.email == people["appealed"]))
    case = filing.appeal(member, appealed, "审查遗漏了附件")
    cases.assign(case, handler, handler.id, None)
    people["handler"] = handler.email
    made["case"] = case.id
    made.update(_special_audits(parties, handler))
    return made


def _special_audits(parties: factories.Parties, handler) -> dict[str, int]:
    """Complaints about three holders, acknowledged by ``handler``: one to order a special audit
    from, one whose audit waits for the body, one whose audit the body's lead performs."""
    from blueprints.cases import filing
    from blueprints.cases import services as cases
    from blueprints.special_audits import services as special_audits
    from models import CaseSubject

    made: dict[str, int] = {}
    for i, key in enumerate(("holder_case", "special_ordered", "special_planned")):
        certificate = factories.certificate(parties)
        case = filing.complain(
            filing.Complainant(name="王先生", email="wang@example.com", phone="", locale="zh",
                               address=f"198.51.100.{40 + i}"),
            CaseSubject.CERTIFICATE, "超范围使用标志", certificate_number=certificate.number,
        )  # fmt: skip
        cases.assign(case, handler, handler.id, None)
        cases.act(case, "acknowledge", handler, None)
        made[key] = case.id
        if key == "holder_case":
            continue
        special = special_audits.order(case, handler, "现场核实标志使用", "", None)
        if key == "special_planned":
            special_audits.perform(special, "schedule", parties.lead, None,
                                   starts_on=TODAY(), ends_on=TODAY(), member_ids=[])  # fmt: skip
        made[key] = special.id
    return made


def _enterprise_without_assessment():
    org = factories.organisation(region="310115")
    return org, factories.user(org, is_org_admin=True)


# --- the cases ---------------------------------------------------------------------------------

World = dict[str, Any]
Url = Callable[[World], str]


@dataclass(frozen=True)
class Case:
    id: str
    endpoint: str
    who: str  # a key of the world's parties, or "anonymous"
    page: Url  # where the form lives (GET)
    action: Url  # where it posts
    send: Callable[[World], dict] | dict  # the fields as a browser sends them
    invalid: Callable[[World], list[str]] | list[str]  # ids of the fields refused
    kept: Callable[[World], dict[str, str]] | dict[str, str] = field(default_factory=dict)
    files: bool = False  # a multipart form (uploads)


def _at(value, world: World):
    return value(world) if callable(value) else value


def project_url(key: str) -> Url:
    return lambda w: f"/projects/{w[key] if key in w else w['projects'][key]}"


def project_action(key: str, name: str) -> Url:
    return lambda w: f"{project_url(key)(w)}/actions/{name}"


def engagement_url(tail: str = "", key: str = "engagement") -> Url:
    return lambda w: f"/engagements/{w[key]}{tail}"


def certificate_url(key: str) -> Url:
    return lambda w: f"/certificates/{w[key]}"


def recovery_url(action: str = "") -> Url:
    """The authority's page to help the enterprise's member back in, or one of its actions."""
    return lambda w: f"/orgs/{w['enterprise_org']}/members/{w['enterprise_user']}/recovery{action}"


def today() -> str:
    return TODAY().isoformat()


PROJECT_CASES = [
    Case("invite_consultancy", "projects.act", "starter", project_url("started"),
         project_action("started", "invite_consultancy"),
         {"consultancy_id": "", "comment": "请贵公司协助"},
         ["invite_consultancy-consultancy_id"], {"invite_consultancy-comment": "请贵公司协助"}),
    Case("complete_step", "projects.act", "documenter", project_url("documentation"),
         project_action("documentation", "complete_step"),
         lambda w: {"completed_on": today(), "notes": "手册已发布", "operation_started_on": ""},
         ["complete_step-operation_started_on"], {"complete_step-notes": "手册已发布"}),
    Case("apply", "projects.act", "applicant", project_url("ready"),
         project_action("ready", "apply"),
         {"body_id": "", "scope": "研发与生产", "capabilities": "数据驱动的生产管控能力",
          "headcount": "", "contact_name": "张三", "contact_phone": "021-55550000"},
         ["apply-body_id", "apply-headcount"],
         {"apply-scope": "研发与生产", "apply-contact_name": "张三"}),
    Case("accept_application", "projects.act", "lead", project_url("applied"),
         project_action("applied", "accept_application"),
         {"lead_evaluator_id": "", "comment": "受理"},
         ["accept_application-lead_evaluator_id"], {"accept_application-comment": "受理"}),
    Case("reject_application", "projects.act", "lead", project_url("applied"),
         project_action("applied", "reject_application"), {"comment": ""},
         ["reject_application-comment", "reject_application-confirm"]),
    Case("plan_stage1", "projects.act", "lead", project_url("accepted"),
         project_action("accepted", "plan_stage1"),
         {"starts_on": "", "ends_on": "", "scope": "研发设计与生产"},
         ["plan_stage1-starts_on", "plan_stage1-ends_on"], {"plan_stage1-scope": "研发设计与生产"}),
    Case("complete_stage1", "projects.act", "lead", project_url("stage1_planned"),
         project_action("stage1_planned", "complete_stage1"),
         {"completed_on": "2026-02-30", "comment": "已完成"},
         ["complete_stage1-completed_on"], {"complete_stage1-comment": "已完成"}),
    Case("plan_stage2", "projects.act", "lead", project_url("stage1_done"),
         project_action("stage1_done", "plan_stage2"),
         lambda w: {"starts_on": today(), "ends_on": "", "sites": "上海市浦东新区"},
         ["plan_stage2-ends_on"], {"plan_stage2-sites": "上海市浦东新区"}),
    Case("complete_stage2", "projects.act", "lead", project_url("stage2_planned"),
         project_action("stage2_planned", "complete_stage2"),
         {"completed_on": "", "comment": "现场审核结束"},
         ["complete_stage2-completed_on"], {"complete_stage2-comment": "现场审核结束"}),
    Case("not_recommend", "projects.act", "lead", project_url("correction"),
         project_action("correction", "not_recommend"), {"comment": "体系运行不充分"},
         ["not_recommend-confirm"], {"not_recommend-comment": "体系运行不充分"}),
    Case("withdraw", "projects.act", "starter", project_url("started"),
         project_action("started", "withdraw"), {"comment": "暂缓贯标"},
         ["withdraw-confirm"], {"withdraw-comment": "暂缓贯标"}),
    Case("return_compliance", "projects.act", "staff", project_url("confirmed"),
         project_action("confirmed", "return_compliance"), {"comment": " "},
         ["return_compliance-comment"]),
    Case("return_re_review", "projects.act", "staff", project_url("re_review"),
         project_action("re_review", "return_re_review"), {"comment": ""},
         ["return_re_review-comment"]),
]  # fmt: skip

CERTIFICATE_CASES = [
    Case("suspend", "certificates.act", "staff", certificate_url("to_plan"),
         lambda w: f"/certificates/{w['to_plan']}/actions/suspend", {"reason": ""},
         ["reason-suspend"]),
    Case("revoke", "certificates.act", "staff", certificate_url("to_plan"),
         lambda w: f"/certificates/{w['to_plan']}/actions/revoke", {"reason": "严重违规"},
         ["confirm-revoke"], {"reason-revoke": "严重违规"}),
    Case("cancel", "certificates.act", "staff", certificate_url("to_plan"),
         lambda w: f"/certificates/{w['to_plan']}/actions/cancel", {"reason": ""},
         ["reason-cancel", "confirm-cancel"]),
    Case("reissue", "certificates.act", "staff", certificate_url("to_plan"),
         lambda w: f"/certificates/{w['to_plan']}/actions/reissue",
         {"reason": "", "new_name": "上海新名称有限公司"},
         ["reason-reissue"], {"new-name": "上海新名称有限公司"}),
    Case("request", "certificates.ask", "enterprise", certificate_url("to_plan"),
         lambda w: f"/certificates/{w['to_plan']}/requests",
         {"kind": "reissue", "reason": "", "new_address": "上海市浦东新区新路 1 号"},
         ["req-reason"], {"req-address": "上海市浦东新区新路 1 号", "req-kind": "reissue"}),
    Case("plan_surveillance", "surveillance.plan", "lead", certificate_url("to_plan"),
         lambda w: f"/certificates/{w['to_plan']}/schedule/{w['plan_item']}/plan",
         {"starts_on": "", "ends_on": "", "scope": "年度监督"},
         ["s-start", "s-end"], {"s-scope": "年度监督"}),
    Case("conclude_surveillance", "surveillance.conclude", "lead", certificate_url("to_conclude"),
         lambda w: f"/certificates/{w['to_conclude']}/schedule/{w['conclude_item']}/conclude",
         lambda w: {"decision": "suspend", "completed_on": today(), "reason": ""},
         ["c-reason"], lambda w: {"c-date": today()}),
]  # fmt: skip

SME_LEVEL_FORM = {
    **{f"points_{i.key}": "5" for i in sme_level.table().indicators},
    **{f"level_{sc.key}": "1" for sc in sme_level.table().scenarios},
    "pledge": "y",
}

OTHER_CASES = [
    Case("start_project", "projects.start", "enterprise", lambda w: "/projects/",
         lambda w: "/projects/start",
         {"scope": "", "capabilities": "数据驱动的生产管控能力", "sites": "上海"},
         ["scope"], {"capabilities": "数据驱动的生产管控能力", "sites": "上海"}),
    Case("upload", "projects.upload", "documenter", project_url("documentation"),
         lambda w: f"/projects/{w['documentation']}/documents",
         {"kind": "record", "consulting_step": "4"}, ["doc-file"],
         {"doc-kind": "record", "doc-step": "4"}, files=True),
    Case("log_finding", "audits.add_finding", "lead", lambda w: f"/audits/{w['stage1']}",
         lambda w: f"/audits/{w['stage1']}/findings",
         {"kind": "major", "clause_code": "", "description": "未对新型能力进行评价"},
         ["clause_code"], {"description": "未对新型能力进行评价", "kind": "major"}, files=True),
    Case("answer_finding", "audits.answer", "answerer", lambda w: f"/audits/{w['stage2']}",
         lambda w: f"/audits/findings/{w['open_finding']}/answer",
         {"cause": "", "correction": "已补充评审记录", "action": ""},
         lambda w: [f"cause-{w['open_finding']}", f"action-{w['open_finding']}"],
         lambda w: {f"correction-{w['open_finding']}": "已补充评审记录"}, files=True),
    Case("decide_answer", "audits.decide", "lead", lambda w: f"/audits/{w['stage2']}",
         lambda w: f"/audits/findings/{w['answered']}/decision",
         {"decision": "reject", "comment": ""}, lambda w: [f"comment-{w['answered']}"]),
    Case("publicity_batch", "publicity.create_batch", "staff", lambda w: "/publicity/desk",
         lambda w: "/publicity/desk/batches",
         lambda w: {"project_ids": str(w["projects"]["ready_for_publicity"]), "title": "第一批",
                    "starts_on": ""},
         ["starts_on"], {"title": "第一批"}),
    Case("decide_objection", "publicity.decide", "staff", lambda w: "/publicity/desk",
         lambda w: f"/publicity/desk/objections/{w['objection']}",
         {"decision": "uphold", "reason": "经核实属实"},
         lambda w: [f"confirm-{w['objection']}"],
         lambda w: {f"reason-{w['objection']}": "经核实属实"}),
    Case("dismiss_objection", "publicity.decide", "staff", lambda w: "/publicity/desk",
         lambda w: f"/publicity/desk/objections/{w['objection']}",
         {"decision": "dismiss", "reason": ""}, lambda w: [f"reason-{w['objection']}"]),
    Case("public_objection", "publicity.object_to", "anonymous",
         lambda w: f"/publicity/entries/{w['entry']}/objection",
         lambda w: f"/publicity/entries/{w['entry']}/objection",
         {"name": "", "contact": "13800000000", "reason": "与申报材料不符"},
         lambda w: [f"name-{w['entry']}"],
         lambda w: {f"contact-{w['entry']}": "13800000000",
                    f"reason-{w['entry']}": "与申报材料不符"}),
    Case("review_assessment", "assessment.decide", "authority",
         lambda w: f"/assessments/{w['waiting']}",
         lambda w: f"/assessments/{w['waiting']}/decision",
         {"decision": "return", "comment": ""}, ["comment"]),
    Case("submit_assessment", "assessment.submit", "filler",
         lambda w: f"/assessments/{w['draft']}/confirm",
         lambda w: f"/assessments/{w['draft']}/submit", {}, ["confirm"]),
    Case("fill_assessment", "assessment.fill", "filler",
         lambda w: f"/assessments/{w['draft']}/fill/{w['fill']['section']}",
         lambda w: f"/assessments/{w['draft']}/fill/{w['fill']['section']}",
         lambda w: {**w["fill"]["data"], "move": "next"}, lambda w: [w["fill"]["invalid"]],
         lambda w: dict([w["fill"]["kept"]])),
    Case("sign_in", "auth.login", "anonymous", lambda w: "/login", lambda w: "/login",
         {"email": "", "password": "whatever", "remember": "y"}, ["email"], {"remember": "y"}),
    Case("register", "auth.register", "anonymous", lambda w: "/register", lambda w: "/register",
         {"org_name": "", "credit_code": "", "address": "上海市浦东新区张江路 1 号",
          "contact_phone": "021-55550000", "name": "张三", "email": "zhang@example.com",
          "password": "", "confirm": "", "locale": "zh"},
         ["org_name", "password"],
         {"address": "上海市浦东新区张江路 1 号", "name": "张三", "email": "zhang@example.com"}),
    Case("forgot_password", "auth.forgot_password", "anonymous", lambda w: "/password/forgot",
         lambda w: "/password/forgot", {"email": "not an address"}, ["email"],
         {"email": "not an address"}),
    Case("reset_password", "auth.reset_password", "anonymous",
         lambda w: f"/password/reset/{w['reset']}", lambda w: f"/password/reset/{w['reset']}",
         {"password": "", "confirm": ""}, ["password", "confirm"]),
    Case("accept_invitation", "auth.accept_invitation", "anonymous",
         lambda w: f"/invitation/{w['invite']}", lambda w: f"/invitation/{w['invite']}",
         {"password": "Correct-Horse-Battery-9", "confirm": "different"}, ["confirm"]),
    Case("change_password", "auth.change_password", "consultant", lambda w: "/account/password",
         lambda w: "/account/password",
         {"current_password": "", "password": "Correct-Horse-Battery-10",
          "confirm": "Correct-Horse-Battery-10"}, ["current_password"]),
    Case("organisation", "orgs.edit", "enterprise",
         lambda w: f"/orgs/{w['enterprise_org']}/edit",
         lambda w: f"/orgs/{w['enterprise_org']}/edit",
         {"contact_email": "not-an-address", "contact_name": "李四"}, ["contact_email"],
         {"contact_name": "李四"}),
    Case("invite_member", "orgs.invite", "enterprise",
         lambda w: f"/orgs/{w['enterprise_org']}/members",
         lambda w: f"/orgs/{w['enterprise_org']}/members/invite",
         {"name": "", "email": "colleague@example.com", "locale": "zh"}, ["name"],
         {"email": "colleague@example.com"}),
    Case("recovery_reset_link", "orgs.send_reset_link", "authority", recovery_url(),
         recovery_url("/reset-link"), {}, ["confirm-reset-link"]),
    Case("recovery_one_time_password", "orgs.set_one_time_password", "authority",
         recovery_url(), recovery_url("/one-time-password"), {"confirm": ""},
         ["confirm-one-time-password"]),
    Case("staff_account", "admin.new_user", "admin", lambda w: "/admin/users/new",
         lambda w: "/admin/users/new",
         {"organisation": "", "role": "evaluator", "name": "王五", "email": "wang@example.com",
          "locale": "zh"}, ["organisation"], {"name": "王五", "email": "wang@example.com"}),
    Case("organisation_new", "admin.new_organisation", "admin",
         lambda w: "/admin/organisations/new", lambda w: "/admin/organisations/new",
         {"kind": "", "name": "新的咨询机构", "region_1": "", "region_2": "", "region_3": ""},
         ["kind"], {"name": "新的咨询机构"}),
    Case("launch_campaign", "campaigns.launch", "authority", lambda w: "/campaigns/",
         lambda w: "/campaigns/launch",
         {"title": "", "opens_on": today(), "closes_on": today(), "report_due_on": today(),
          "notice": "请各区按时组织填报"},
         ["title"], {"notice": "请各区按时组织填报", "opens_on": today()}),
    Case("send_notice", "notices.publish", "authority", lambda w: "/notices/",
         lambda w: "/notices/", {"title": "", "audience": "everyone", "body": "请各区按时组织填报"},
         ["title"], {"body": "请各区按时组织填报"}, files=True),
    Case("publish_announcement", "notices.publish", "staff", lambda w: "/notices/",
         lambda w: "/notices/", {"title": "", "audience": "public", "body": "现予公告"},
         ["title"], {"body": "现予公告"}, files=True),
    Case("announcement_forged_audience", "notices.publish", "staff",
         lambda w: "/notices/", lambda w: "/notices/",
         {"title": "公告", "audience": "everyone", "body": "现予公告"},
         ["audience"], {"title": "公告", "body": "现予公告"}, files=True),
    Case("set_quotas", "campaigns.quotas", "authority",
         lambda w: f"/campaigns/{w['campaign']}", lambda w: f"/campaigns/{w['campaign']}/quotas",
         {"units-0-code": "310115", "units-0-absolute": "-1", "units-0-share_percent": "30"},
         ["units-0-absolute"], {"units-0-share_percent": "30"}),
    Case("separate_unit", "campaigns.add_unit", "authority", lambda w: "/campaigns/",
         lambda w: "/campaigns/separate-units", {"code": "3101"}, ["code"], {"code": "3101"}),
    Case("contact_persons", "campaigns.save_contacts", "authority",
         lambda w: "/campaigns/contacts", lambda w: "/campaigns/contacts",
         {"lead-name": "高亚华", "lead-department_title": "信息化推进处"}, ["lead-mobile"],
         {"lead-name": "高亚华", "lead-department_title": "信息化推进处"}),
    Case("benchmark", "assessment.mark_benchmark", "authority",
         lambda w: f"/assessments/{w['approved']}",
         lambda w: f"/assessments/{w['approved']}/benchmark",
         {"note": "示" * 501}, ["note"], {"note": "示" * 501}),
    Case("roster_import", "roster.import_file", "authority", lambda w: "/roster/import",
         lambda w: "/roster/import", {}, ["roster-file"], files=True),
    Case("enterprise_check", "checks.run", "authority", lambda w: "/checks/",
         lambda w: "/checks/", {}, ["check-file"], files=True),
    Case("declaration_sign", "declarations.sign", "lead", lambda w: "/declarations/",
         lambda w: "/declarations/sign", lambda w: {"year": str(TODAY().year)}, ["s-pledge"]),
    Case("declaration_conflict", "declarations.add_conflict", "lead",
         lambda w: "/declarations/", lambda w: "/declarations/conflicts",
         {"name": "外部咨询公司", "credit_code": "91310115ABCDEFGH00", "relation": "consulted",
          "starts_on": "2024-01-01"},
         ["c-credit_code"], {"c-name": "外部咨询公司", "c-starts_on": "2024-01-01"}),
    Case("declaration_conflict_dates", "declarations.add_conflict", "lead",
         lambda w: "/declarations/", lambda w: "/declarations/conflicts",
         {"name": "外部咨询公司", "credit_code": factories.credit_code(), "relation": "employed",
          "starts_on": "2024-01-01", "ends_on": "2023-01-01"},
         ["c-ends_on"], {"c-name": "外部咨询公司"}),
    Case("clause_new", "clauses.new", "staff", lambda w: "/clauses/new",
         lambda w: "/clauses/new", {"code": "", "title": "新条款", "title_en": "A new clause"},
         ["code"], {"title": "新条款", "title_en": "A new clause"}),
    Case("clause_edit", "clauses.edit", "staff", lambda w: "/clauses/9.3/edit",
         lambda w: "/clauses/9.3/edit", {"title": "", "title_en": "Management review"},
         ["title"], {"title_en": "Management review"}),
    Case("engagement_enrol", "engagements.enrol", "authority", lambda w: "/engagements/",
         lambda w: "/engagements/",
         lambda w: {"programme": "changchun_pilot", "credit_code": "91310115ABC",
                    "provider": str(w["provider"])},
         ["credit_code"], {"credit_code": "91310115ABC"}),
    Case("engagement_agreement", "engagements.file_agreement", "diagnostician", engagement_url(),
         engagement_url("/agreement"), {"signed_on": "2026-02-30"}, ["signed_on"],
         {"signed_on": "2026-02-30"}, files=True),
    Case("engagement_member", "engagements.add_member", "diagnostician", engagement_url(),
         engagement_url("/members"), {"name": "", "unit": "吉数", "title": "mid"}, ["name"],
         {"unit": "吉数", "title": "mid"}),
    Case("engagement_remove_member", "engagements.remove_member", "diagnostician",
         engagement_url(), lambda w: f"/engagements/{w['engagement']}/members/"
         f"{w['engagement_member']}/remove", {},
         lambda w: [f"confirm-{w['engagement_member']}"]),
    Case("engagement_withdraw", "engagements.withdraw", "authority", engagement_url(),
         engagement_url("/withdraw"), {"comment": ""}, ["comment", "confirm"]),
    Case("engagement_activity", "engagements.record_activity", "diagnostician",
         engagement_url(key="on_site"), engagement_url("/activities", "on_site"),
         {"kind": "visit", "started_at": "2026-02-30T09:00", "ended_at": "", "topic": "调研"},
         ["started_at", "ended_at"], {"topic": "调研"}, files=True),
    Case("engagement_photo", "engagements.add_photo", "diagnostician",
         engagement_url(key="on_site"),
         lambda w: f"/engagements/{w['on_site']}/activities/{w['visit']}/photos",
         {"category": "nope"}, lambda w: [f"category-{w['visit']}"], files=True),
    Case("engagement_indicators", "engagements.verify_indicators", "diagnostician",
         engagement_url(key="on_site"), engagement_url("/indicators", "on_site"),
         {"verified_key_process_cnc_rate": "140", "note_key_process_cnc_rate": "抽查"},
         ["verified_key_process_cnc_rate"], {"note_key_process_cnc_rate": "抽查"}),
    Case("engagement_grade_on_site", "engagements.grade_on_site", "diagnostician",
         engagement_url("/sme-level", "pilot_on_site"),
         engagement_url("/sme-level", "pilot_on_site"),
         {**SME_LEVEL_FORM, "points_equipment_systems": "-3"}, ["points_equipment_systems"],
         {"points_data_collection": "5"}),
    Case("engagement_remove_file", "engagements.remove_file", "diagnostician",
         engagement_url(key="on_site"),
         lambda w: f"/engagements/{w['on_site']}/files/{w['photo']}/remove", {},
         lambda w: [f"confirm-file-{w['photo']}"]),
    Case("engagement_remove_activity", "engagements.remove_activity", "diagnostician",
         engagement_url(key="on_site"),
         lambda w: f"/engagements/{w['on_site']}/activities/{w['visit']}/remove", {},
         lambda w: [f"confirm-activity-{w['visit']}"]),
    Case("engagement_report", "engagements.save_report", "diagnostician",
         engagement_url(key="on_site"), engagement_url("/report", "on_site"),
         {"section_findings": "字" * 100_001, "section_problems": "问题"},
         ["section_findings"], {"section_problems": "问题"}),
    Case("engagement_present", "engagements.present", "diagnostician",
         engagement_url(key="reported"), engagement_url("/present", "reported"),
         {"started_at": "", "ended_at": "2026-13-01T10:00", "attendees": "",
          "outcome": "认可"}, ["p-started_at", "p-ended_at", "p-attendees"],
         {"p-outcome": "认可"}),
    Case("engagement_survey", "engagements.survey", "surveyor",
         engagement_url(key="presented"), engagement_url("/survey", "presented"),
         {"verdict": "satisfied", "comment": "很好"}, ["rating_process-0", "adoption-0"],
         {"comment": "很好"}),
    Case("engagement_decide", "engagements.decide", "authority",
         engagement_url(key="surveyed"), engagement_url("/decide", "surveyed"),
         {"opinion": "", "decision": "accept"}, ["opinion"]),
    Case("engagement_form", "engagements.fill_form", "diagnostician",
         engagement_url("/forms/record", "on_site"), engagement_url("/forms/record", "on_site"),
         {"value_collected_on": "2026-02-30", "value_area": "组织", "value_method": "séance",
          "value_information": ""},
         ["value_collected_on", "value_method", "value_information"], {"value_area": "组织"}),
    Case("engagement_form_remove_row", "engagements.remove_form_row", "diagnostician",
         engagement_url("/forms/record", "on_site"),
         engagement_url("/forms/record/1/remove", "on_site"), {}, ["confirm-1"]),
    Case("engagement_progress_report", "engagements.submit_progress_report", "diagnostician",
         lambda w: "/engagements/progress-reports", lambda w: "/engagements/progress-reports",
         lambda w: {"target": w["progress_target"], "period_start": "2026-02-30",
                    "period_end": "", "summary": "本月完成两家"},
         ["period_start", "period_end"], {"summary": "本月完成两家"}),
    Case("api_key", "api_keys.create", "enterprise",
         lambda w: "/api-keys/", lambda w: "/api-keys/",
         {"name": "夜间核验" * 30, "scopes": ["certificates:read"], "expires_on": "2026-02-30"},
         ["name", "expires_on"], {"name": "夜间核验" * 30}),
    Case("api_key_revoke", "api_keys.revoke", "enterprise",
         lambda w: "/api-keys/", lambda w: f"/api-keys/{w['api_key']}/revoke", {},
         lambda w: [f"confirm-{w['api_key']}"]),
    Case("webhook", "webhooks.create", "enterprise",
         lambda w: "/webhooks/", lambda w: "/webhooks/",
         {"url": "https://hooks.example.com/" + "x" * 500, "events": ["nope"]},
         ["url"], {"url": "https://hooks.example.com/" + "x" * 500}),
    Case("webhook_secret", "webhooks.renew_secret", "enterprise",
         lambda w: "/webhooks/", lambda w: f"/webhooks/{w['webhook']}/secret", {},
         lambda w: [f"confirm-secret-{w['webhook']}"]),
    Case("webhook_delete", "webhooks.delete", "enterprise",
         lambda w: "/webhooks/", lambda w: f"/webhooks/{w['webhook']}/delete", {},
         lambda w: [f"confirm-delete-{w['webhook']}"]),
    Case("sme_level_new", "diagnosis.new_sme_level", "enterprise",
         lambda w: "/diagnosis/sme-level/new", lambda w: "/diagnosis/sme-level/new",
         {**SME_LEVEL_FORM, "points_equipment_systems": "-3"},
         ["points_equipment_systems"], {"points_data_collection": "5"}),
    Case("evaluator_registration", "evaluators.add_registration", "lead",
         lambda w: f"/evaluators/people/{w['evaluator']}",
         lambda w: f"/evaluators/people/{w['evaluator']}/registrations",
         {"grade": "lead", "number": "ZZ-1", "issued_on": "2026-05-01",
          "expires_on": "2026-04-01"},
         ["expires_on"], {"number": "ZZ-1", "grade": "lead"}),
    Case("evaluator_competence", "evaluators.add_competence", "lead",
         lambda w: f"/evaluators/people/{w['evaluator']}",
         lambda w: f"/evaluators/people/{w['evaluator']}/competences",
         {"industry_code": "ZZ"}, ["industry_code"]),
    Case("evaluator_training", "evaluators.add_training", "lead",
         lambda w: f"/evaluators/people/{w['evaluator']}",
         lambda w: f"/evaluators/people/{w['evaluator']}/trainings",
         {"taken_on": "2026-03-01", "course": "认证规则", "hours": "1001", "provider": "联盟"},
         ["hours"], {"course": "认证规则", "provider": "联盟"}),
    Case("evaluator_training_delete", "evaluators.delete_training", "lead",
         lambda w: f"/evaluators/people/{w['evaluator']}",
         lambda w: f"/evaluators/trainings/{w['training']}/delete", {},
         lambda w: [f"confirm-{w['training']}"]),
    Case("evaluator_decide", "evaluators.decide_registration", "staff",
         lambda w: f"/evaluators/people/{w['evaluator']}",
         lambda w: f"/evaluators/registrations/{w['registration_submitted']}/decide",
         {"action": "return", "reason": ""},
         lambda w: [f"reason-registration-{w['registration_submitted']}"]),
    Case("evaluator_decide_sector", "evaluators.decide_competence", "staff",
         lambda w: f"/evaluators/people/{w['evaluator']}",
         lambda w: f"/evaluators/competences/{w['competence']}/decide",
         {"action": "return", "reason": " "},
         lambda w: [f"reason-competence-{w['competence']}"]),
    Case("complaint", "complaints.lodge", "anonymous",
         lambda w: "/complaints/", lambda w: "/complaints/",
         {"subject": "certificate", "certificate_number": "", "name": "张三",
          "email": "not-an-email", "grounds": "证书使用不当"},
         ["certificate_number", "email"], {"name": "张三", "grounds": "证书使用不当"}, files=True),
    Case("appeal", "cases.appeal", "appealable",
         lambda w: f"/cases/appeal/project/{w['appealable']}",
         lambda w: f"/cases/appeal/project/{w['appealable']}",
         {"grounds": " ", "confirm": ""}, ["grounds", "confirm"], files=True),
    Case("case_note", "cases.add_note", "handler",
         lambda w: f"/cases/{w['case']}", lambda w: f"/cases/{w['case']}/notes",
         {"body": "  "}, ["body"]),
    Case("case_acknowledge", "cases.act", "handler",
         lambda w: f"/cases/{w['case']}", lambda w: f"/cases/{w['case']}/actions/acknowledge",
         {"text": "已收到" * 2000}, ["acknowledge-text"]),
    Case("special_audit_order", "special_audits.order", "handler",
         lambda w: f"/cases/{w['holder_case']}",
         lambda w: f"/special-audits/case/{w['holder_case']}",
         {"reason": "  ", "scope": "标志使用管理"}, ["special-reason"],
         {"special-scope": "标志使用管理"}),
    Case("special_audit_schedule", "special_audits.schedule", "lead",
         lambda w: f"/special-audits/{w['special_ordered']}",
         lambda w: f"/special-audits/{w['special_ordered']}/schedule",
         {"starts_on": "", "ends_on": "not-a-date"}, ["starts_on", "ends_on"]),
    Case("special_audit_complete", "special_audits.complete", "lead",
         lambda w: f"/special-audits/{w['special_planned']}",
         lambda w: f"/special-audits/{w['special_planned']}/complete",
         {"decision": "suspend", "verdict": "", "summary": "现场核实属实"}, ["verdict-0"],
         {"summary": "现场核实属实"}),
    Case("evaluator_resubmit", "evaluators.resubmit_registration", "lead",
         lambda w: f"/evaluators/people/{w['evaluator']}",
         lambda w: f"/evaluators/registrations/{w['registration_returned']}/resubmit",
         {"grade": "evaluator", "number": "", "issued_on": "2026-01-01",
          "expires_on": "2029-01-01"},
         lambda w: [f"number-{w['registration_returned']}"],
         lambda w: {f"expires_on-{w['registration_returned']}": "2029-01-01"}),
]  # fmt: skip

CASES = PROJECT_CASES + CERTIFICATE_CASES + OTHER_CASES

# POST endpoints with no form to get wrong, each with the reason.
SKIPPED: dict[str, str] = {
    "auth.logout": "a button: nothing is typed",
    "auth.language": "the language switch: a button; an unknown language is ignored",
    "auth.verify": "a button confirming the address of the emailed link: nothing is typed",
    "auth.resend_verification": (
        "a button carrying the address the sign-in page already holds; it answers the same "
        "whatever is sent, so as not to reveal which addresses have accounts"
    ),
    "auth.profile": "the profile page belongs to the notifications part of issue 13",
    "assessment.start": (
        "a button; refused only by the one-per-round (one-per-year) rule: 409 on the page"
    ),
    "orgs.set_active": "a button (activate or deactivate a member)",
    "campaigns.remove_unit": "a button (a unit reports through its prefecture again)",
    "campaigns.remind": "a button; refused only when the window is not open: 409 on the page",
    "notices.confirm": "a button with no field; a notice not addressed to the reader is 404",
    "engagements.start": "a button; refused by the programme's team rules: 409 on the page",
    "engagements.submit_report": (
        "a button; refused by the programme's record and report rules: 409 on the page"
    ),
    "campaigns.issue_bulletin": (
        "a button with no field; refused once the quarter's bulletin is out: 409 on the page"
    ),
    "assessment.unmark_benchmark": "a button (withdraw a benchmark enterprise)",
    "orgs.resend_invitation": "a button",
    "admin.user_active": "a button (activate or deactivate an account)",
    "admin.outbox_resend": "a button",
    "publicity.close": "a button; refused only when the period has not ended: 409 on the desk",
    "surveillance.recertification": "a button (review, then issue): nothing is typed",
    "certificates.queues.decide_request": (
        "the staff's request queue, built and tested with the queues part of issue 13"
    ),
    "notifications.read": "a button (mark all read), of the notifications part of issue 13",
    "notifications.open_one": "a link-like button, of the notifications part of issue 13",
    "notifications.preferences": "the notifications part of issue 13 tests its own form",
    "webhooks.enable": "a button (enable an endpoint); a stale version is a 409 on the page",
    "webhooks.disable": "a button (disable an endpoint); a stale version is a 409 on the page",
    "webhooks.ping": "a button (queue a test ping): nothing is typed",
    "webhooks.deliver_again": "a button (a failed delivery queued again): nothing is typed",
    "evaluators.resubmit_competence": "a button (a returned sector submitted again)",
    "special_audits.cancel": (
        "a confirmation box (cancel an unscheduled order): refused beside it (422) in "
        "tests/functional/special_audits"
    ),
    "cases.assign": (
        "a button per candidate (nothing is typed); a partial one is refused with a 409 on "
        "the case page naming them: tests/functional/cases"
    ),
    **dict.fromkeys(
        (
            "admin.users_xlsx",
            "admin.outbox_xlsx",
            "orgs.export_xlsx",
            "assessment.queue_xlsx",
            "assessment.region_xlsx",
            "projects.export_xlsx",
            "projects.region_xlsx",
            "certificates.region_xlsx",
            "certificates.queues.requests_xlsx",
            "certificates.queues.issued_xlsx",
            "roster.export",
            "main.review_history_xlsx",
            "engagements.export",
            "cases.index_xlsx",
            "demand.export",
        ),
        "a button (a large list's Excel prepared in the background): nothing is typed; "
        "tests/functional/exports",
    ),
    "declarations.end_conflict": (
        "a date beside one conflict of the list (end it): a wrong one is flashed on the page "
        "(422); tests/functional/declarations"
    ),
    "demand.add_entry": "a need's form on its enterprise's library: tests/functional/demand "
    "checks each bad field comes back beside it with the input kept (422)",
    "demand.add_solution": "a solution's form, one per need on the library's page: "
    "tests/functional/demand checks each bad field beside it (422)",
    "demand.remove_entry": "a confirmation box beside one need: tests/functional/demand (422)",
    "demand.remove_solution": "a confirmation box beside one solution: tests/functional/demand",
    "pool.apply": "the application's form: tests/functional/pool checks a missing field beside "
    "it with the input kept (422)",
    "pool.add_product": "a product's form on the application's page: tests/functional/pool "
    "checks a bad price range beside its field with the input kept (422)",
    "pool.add_file": "a qualification file: tests/functional/pool refuses a disguised one (422)",
    "pool.remove_product": "a confirmation box beside one product: tests/functional/pool",
    "pool.remove_file": "a confirmation box beside one document: tests/functional/pool",
    "pool.submit": "a button (submit, apply again) with the page's version: tests/functional/pool",
    "pool.assign": "the expert's choice on the application's page: tests/functional/pool",
    "pool.opinion": "the expert's opinion: tests/functional/pool (a stale page is 409)",
    "pool.decide": "the decision's reason, beside its field when missing (422): "
    "tests/functional/pool; a stale page is 409",
    "pool.decide_objection": "the decision on one objection of the place's page: "
    "tests/functional/pool",
    "reform.create": "the project's form: tests/functional/reform checks impossible dates "
    "beside the field with the input kept (422)",
    "reform.revise": "the project's fields again, on its revision page: "
    "tests/functional/reform/test_reform_revision checks a bad budget, impossible dates and a "
    "contract outside the new period beside the field with the input kept (422)",
    "reform.add_contract": "a contract on the project's page: tests/functional/reform checks a "
    "term ending before it starts and a second contract with one provider beside the field (422)",
    "reform.remove_contract": "a confirmation box beside one contract: tests/functional/reform",
    "reform.move": "a button (file, declare implemented) with the page's version: "
    "tests/functional/reform (each guard 409)",
    "reform.decide": "the authority's opinion, required beside its field for a return (422): "
    "tests/functional/reform; a stale page is 409",
    "reform.training": "the training plan of the three in step: tests/functional/reform",
    "reform.delivery": "a delivery record of the three in step: tests/functional/reform",
    "reform.evaluation": "the evaluation of the three in step: tests/functional/reform",
    "reform.exclusions_set": "the exclusion flags with their basis, required beside its field "
    "(422): tests/functional/reform",
    "reform_subsidy.apply": "the subsidy application on the project's page, the amount "
    "beside its field above the rule's maximum (422), each guard 409: "
    "tests/functional/reform/test_reform_subsidy",
    "reform_subsidy.decide": "the city's approval or refusal with the subsidy's version, the "
    "amount and reason beside their fields (422), stale 409: "
    "tests/functional/reform/test_reform_subsidy",
    "reform_subsidy.pay": "the payment with the subsidy's version, amount and date beside "
    "their fields (422): tests/functional/reform/test_reform_subsidy",
    "reform_subsidy.add_outcome": "an outcome on the project's page, a duplicate indicator "
    "beside its field (422): tests/functional/reform/test_reform_subsidy",
    "reform_subsidy.change_outcome": "an outcome on its own page, a duplicate beside its "
    "field (422): tests/functional/reform/test_reform_subsidy",
    "reform_subsidy.remove_outcome": "a confirmation box beside one outcome: "
    "tests/functional/reform/test_reform_subsidy",
    "reform.appoint": "the city names the evaluation body and the audit firm, a wrong kind "
    "refused beside its field (422): tests/functional/reform/test_reform_acceptance.py",
    "reform.grade": "the grading page's SME table with its date and report, a future date and a "
    "disguised report refused beside their fields (422), the input kept: "
    "tests/functional/reform/test_reform_acceptance.py",
    "reform.acceptance": "附件5 on the project's page: the group, the dates, the corrections and "
    "the signed file refused beside their fields (422): tests/functional/reform",
    "reform.county_opinion": "the county's opinion, required beside its field (422); a stale "
    "page is 409: tests/functional/reform/test_reform_acceptance.py",
    "reform.audit_report": "the special audit report, the cost above the contracts' total and a "
    "future date refused beside their fields (422): tests/functional/reform",
    "providers.object_to": "the public objection form: tests/functional/pool checks empty "
    "fields beside them (422)",
    "providers.survey": "the enterprise's survey, a score per criterion: tests/functional/pool "
    "checks a score out of range (422)",
    "api_v1.verify": "the API's JSON body: tests/functional/api checks it against the document",
    "api_v1.log_finding": "the API's JSON body: tests/functional/api checks it against the spec",
    "api_v1.check_enterprises": "the API's JSON body: tests/functional/api checks it too",
}


def post_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}


def test_every_post_route_is_covered_or_skipped(app):
    covered = {case.endpoint for case in CASES}
    assert not covered & set(SKIPPED), "an endpoint is both covered and skipped"
    endpoints = post_endpoints(app)
    assert endpoints - covered - set(SKIPPED) == set(), "new POST routes: add a case or a skip"
    assert (covered | set(SKIPPED)) - endpoints == set(), "these endpoints are gone"


def test_every_action_form_has_a_case():
    """Each action of the project page with a form of its own, and each lifecycle action of
    the certificate page that needs a reason or a confirmation, is submitted wrong here."""
    assert {c.id for c in PROJECT_CASES} >= set(ACTION_FORMS)
    needs = (NEEDS_REASON | CONFIRMED_ACTIONS) & set(STAFF_ACTIONS)
    assert {c.id for c in CERTIFICATE_CASES} >= needs


def test_case_names_are_unique():
    assert len({c.id for c in CASES}) == len(CASES)


# --- the check ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(module_committed_app):
    return build(module_committed_app)


@pytest.fixture(scope="module")
def browsers(module_committed_app, world):
    signed_in: dict[str, Browser] = {"anonymous": Browser(module_committed_app.test_client())}
    return signed_in


def browser_of(app, world, browsers, who: str) -> Browser:
    if who not in browsers:
        browser = Browser(app.test_client())
        assert browser.login(world["parties"][who], factories.PASSWORD).status_code == 302, who
        browsers[who] = browser
    return browsers[who]


def title_of(soup: BeautifulSoup) -> str:
    return soup.title.get_text(strip=True) if soup.title else ""


def shown_value(soup: BeautifulSoup, field_id: str) -> str:
    element = soup.find(id=field_id)
    assert element is not None, f"no field #{field_id} on the page"
    if element.name == "textarea":
        return element.get_text().strip()
    if element.name == "select":
        chosen = element.find("option", selected=True)
        return str(chosen.get("value")) if chosen else ""
    if element.get("type") == "checkbox":
        return "y" if element.has_attr("checked") else ""
    return str(element.get("value", ""))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_wrong_form_comes_back_on_its_page(module_committed_app, world, browsers, case):
    browser = browser_of(module_committed_app, world, browsers, case.who)
    page = browser.get(_at(case.page, world))
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    data: dict[str, Any] = {"csrf_token": csrf_from(html), **_at(case.send, world)}
    kwargs: dict[str, Any] = {}
    if case.files:
        kwargs["content_type"] = "multipart/form-data"
    response = browser.client.post(_at(case.action, world), data=data, **kwargs)
    text = response.get_data(as_text=True)
    assert response.status_code == 422, (response.status_code, text[-2000:])
    soup = BeautifulSoup(text, "html.parser")
    assert title_of(soup) == title_of(BeautifulSoup(html, "html.parser")), "not the same page"
    assert soup.find(id="conflict") is None
    for field_id in _at(case.invalid, world):
        assert error_beside(soup, field_id), f"no message beside #{field_id}"
    for field_id, value in _at(case.kept, world).items():
        assert shown_value(soup, field_id) == value, f"#{field_id} lost its input"
