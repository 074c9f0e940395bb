"""Appeals through the pages (ISO/IEC 17021-1 §9.7): the enterprise appeals a decision about
it from the page that shows it, within the appeal period, once; a handler who took part in the
decision, the reviews or the audits is refused, naming them and the rule; the impartial handler
acknowledges, decides and responds (a second decision from an old page is 409); an upheld
appeal takes the project or the certificate back through its own transition table, and the
history names the appeal; overdue cases are escalated once each, found by moving the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.clock import local_today
from app.extensions import db
from blueprints.cases import tasks
from blueprints.certificates import services as certificate_services
from blueprints.documents import services as documents
from blueprints.projects import services as projects
from models import (
    AuditTeamMember,
    Case,
    CaseEvent,
    CaseOutcome,
    CaseStatus,
    CertificateEvent,
    CertificateStatus,
    DocumentKind,
    Notification,
    OrgKind,
    OutboxMessage,
    ProjectEvent,
    ProjectStatus,
    Role,
)
from tests import factories
from tests.functional.projects.helpers import browser_for, reload
from tests.scene import pdf

P = ProjectStatus


@pytest.fixture
def world(app_ctx):
    """A project returned by the compliance review of ``reviewer``; ``handler``, another
    member of the alliance, had no part in it."""
    parties = factories.Parties()
    reviewer = factories.alliance_staff(name="李审查")
    handler = factories.user(reviewer.organisation, role=Role.ALLIANCE_STAFF, name="王处理")
    project = factories.project(parties, P.CONFIRMED)
    projects.perform(project, "return_compliance", reviewer, "申请书缺少管理评审记录")
    db.session.commit()
    return parties, reviewer, handler, project


def decision_of(project) -> ProjectEvent:
    return db.session.scalars(
        sa.select(ProjectEvent)
        .where(ProjectEvent.project_id == project.id)
        .order_by(ProjectEvent.id.desc())
        .limit(1)
    ).one()


def appeal(browser, kind: str, event_id: int, **fields):
    url = f"/cases/appeal/{kind}/{event_id}"
    data = {"grounds": "管理评审记录已在附件中提交，审查遗漏。", "confirm": "y", **fields}
    return browser.submit(url, data)


def the_case() -> Case:
    db.session.expire_all()
    return db.session.scalars(sa.select(Case)).one()


def act(browser, case: Case, name: str, version: int | None = None, **fields):
    data = {"version": str(case.lock_version if version is None else version), **fields}
    return browser.submit(f"/cases/{case.id}", data, action=f"/cases/{case.id}/actions/{name}")


def assign(browser, case: Case, user_id: int):
    data = {"version": str(case.lock_version), "handler_id": str(user_id)}
    return browser.submit(f"/cases/{case.id}", data, action=f"/cases/{case.id}/assign")


def test_an_upheld_appeal_reopens_the_review_and_the_history_names_it(app, world):
    parties, reviewer, handler, project = world
    enterprise = browser_for(app, parties.enterprise)
    page = enterprise.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Appeal this decision" in page or "对该决定提出申诉" in page
    event = decision_of(project)
    response = appeal(enterprise, "project", event.id)
    assert response.status_code == 302
    case = the_case()
    assert case.reference.startswith("AP-") and case.status is CaseStatus.RECEIVED
    assert case.decision == "return_compliance" and case.concerned_id == reviewer.organisation_id
    # The alliance hears of it; the appeal is on the project page, no longer offered.
    assert db.session.scalar(
        sa.select(Notification.id).where(
            Notification.user_id == handler.id, Notification.title.contains(case.reference)
        )
    )
    page = enterprise.get(f"/projects/{project.id}").get_data(as_text=True)
    assert case.reference in page and f"/cases/appeal/project/{event.id}" not in page
    assert appeal(enterprise, "project", event.id).status_code == 409  # once per decision

    # The reviewer who returned it may not handle it: refused, naming them and the rule.
    staff = browser_for(app, handler)
    refused = assign(staff, case, reviewer.id)
    assert refused.status_code == 409
    assert "李审查" in refused.get_data(as_text=True)
    assert the_case().handler_id is None
    assert assign(staff, case, handler.id).status_code == 302
    case = the_case()
    assert act(staff, case, "acknowledge", text="已收到，正在调查。").status_code == 302
    case = the_case()
    stale = case.lock_version
    decided = act(staff, case, "decide", outcome="upheld", text="记录齐全，审查有误。", confirm="y")
    assert decided.status_code == 302
    # A second decision from the page as it was: 409, nothing moves twice.
    again = act(staff, case, "decide", version=stale, outcome="dismissed", text="x", confirm="y")
    assert again.status_code == 409
    case = the_case()
    assert case.status is CaseStatus.DECIDED and case.outcome is CaseOutcome.UPHELD

    project = reload(project.id)
    assert project.status is P.CONFIRMED  # back where the return found it: review again
    last = decision_of(project)
    assert last.action == "appeal_upheld" and last.actor_id == handler.id
    assert case.reference in last.comment
    history = enterprise.get(f"/projects/{project.id}").get_data(as_text=True)
    assert case.reference in history and "王处理" in history

    assert act(staff, case, "respond", text="申诉成立，项目重新进入合规性审查。").status_code == 302
    case = the_case()
    assert case.status is CaseStatus.CLOSED and case.handling_days == 0
    # The appellant reads the outcome and the response; never the investigation notes.
    mine = enterprise.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "申诉成立" in mine
    emails = db.session.scalars(
        sa.select(OutboxMessage.subject).where(OutboxMessage.recipient == parties.enterprise.email)
    ).all()
    assert any(case.reference in subject for subject in emails)


def test_a_handler_who_sat_on_an_audit_team_is_refused(app, world):
    parties, _reviewer, handler, project = world
    enterprise = browser_for(app, parties.enterprise)
    appeal(enterprise, "project", decision_of(project).id)
    case = the_case()
    audit_id = db.session.scalars(
        sa.select(AuditTeamMember.audit_id)
        .join(AuditTeamMember.audit)
        .where(AuditTeamMember.user_id == parties.lead.id)
    ).first()
    db.session.add(AuditTeamMember(audit_id=audit_id, user_id=handler.id, is_lead=False))
    db.session.commit()
    staff = browser_for(app, handler)
    page = staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "sat on an audit team" in page or "审核组" in page  # the candidates show their state
    refused = assign(staff, case, handler.id)
    assert refused.status_code == 409 and "王处理" in refused.get_data(as_text=True)
    # An evaluator is no handler at all.
    assert assign(staff, case, parties.lead.id).status_code == 409


def test_a_handler_named_then_involved_cannot_decide(app, world):
    """The rule holds at every step: a handler who reviewed the enterprise since is refused."""
    parties, _reviewer, handler, project = world
    appeal(browser_for(app, parties.enterprise), "project", decision_of(project).id)
    case = the_case()
    staff = browser_for(app, handler)
    assign(staff, case, handler.id)
    db.session.add(
        ProjectEvent(project_id=project.id, action="pass_re_review", from_status=P.RE_REVIEW,
                     to_status=P.RE_REVIEW, actor_id=handler.id)
    )  # fmt: skip
    db.session.commit()
    refused = act(staff, the_case(), "acknowledge")
    assert refused.status_code == 409
    assert the_case().status is CaseStatus.RECEIVED


def test_a_rejected_application_upheld_is_with_its_body_again(app, app_ctx):
    parties = factories.Parties()
    handler = factories.alliance_staff()
    project = factories.project(parties, P.APPLIED)
    projects.perform(project, "reject_application", parties.lead, "规模不符")
    db.session.commit()
    assert reload(project.id).body_id is None
    enterprise = browser_for(app, parties.enterprise)
    assert appeal(enterprise, "project", decision_of(project).id).status_code == 302
    case = the_case()
    assert case.body_id == parties.body_org.id and case.concerned_id == parties.body_org.id
    staff = browser_for(app, handler)
    assign(staff, case, handler.id)
    act(staff, the_case(), "acknowledge")
    act(staff, the_case(), "decide", outcome="upheld", text="拒绝理由不成立", confirm="y")
    project = reload(project.id)
    assert project.status is P.APPLIED and project.body_id == parties.body_org.id


def test_not_recommended_dismissed_leaves_the_project_closed(app, app_ctx):
    parties = factories.Parties()
    handler = factories.alliance_staff()
    project = factories.project(parties, P.CORRECTION)
    documents.add(project, parties.lead, DocumentKind.AUDIT_REPORT, pdf("审核报告.pdf"))
    projects.perform(project, "not_recommend", parties.lead, "")
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    assert appeal(enterprise, "project", decision_of(project).id).status_code == 302
    staff = browser_for(app, handler)
    case = the_case()
    assign(staff, case, handler.id)
    act(staff, the_case(), "acknowledge")
    # Deciding needs the outcome, the reasons and the confirmation: said beside the fields.
    missing = act(staff, the_case(), "decide", outcome="", text="")
    assert missing.status_code == 422
    act(staff, the_case(), "decide", outcome="dismissed", text="结论有据", confirm="y")
    assert reload(project.id).status is P.NOT_RECOMMENDED
    assert the_case().status is CaseStatus.DECIDED


def test_a_suspension_appealed_and_upheld_restores_the_certificate(app, app_ctx):
    parties = factories.Parties()
    manager = factories.alliance_staff(name="赵管理")
    handler = factories.user(manager.organisation, role=Role.ALLIANCE_STAFF, name="钱处理")
    certificate = factories.certificate(parties, staff=manager)
    certificate_services.perform(certificate, "suspend", manager, "监督审核逾期")
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    page = enterprise.get(f"/certificates/{certificate.number}").get_data(as_text=True)
    event = db.session.scalars(
        sa.select(CertificateEvent).where(CertificateEvent.action == "suspend")
    ).one()
    assert f"/cases/appeal/certificate/{event.id}" in page
    assert appeal(enterprise, "certificate", event.id).status_code == 302
    case = the_case()
    staff = browser_for(app, handler)
    # The manager who suspended it took a decision about the certificate: refused.
    assert assign(staff, case, manager.id).status_code == 409
    assign(staff, case, handler.id)
    act(staff, the_case(), "acknowledge")
    act(staff, the_case(), "decide", outcome="upheld", text="已按期完成监督审核", confirm="y")
    db.session.expire_all()
    assert certificate.status is CertificateStatus.VALID
    last = db.session.scalars(
        sa.select(CertificateEvent).order_by(CertificateEvent.id.desc()).limit(1)
    ).one()
    assert last.action == "appeal_upheld" and case.reference in last.reason


def test_the_appeal_period_and_other_enterprises(app, world, time_machine):
    parties, _reviewer, _handler, project = world
    event = decision_of(project)
    other = factories.Parties()
    db.session.commit()
    # Another enterprise finds no such decision.
    assert (
        browser_for(app, other.enterprise).get(f"/cases/appeal/project/{event.id}").status_code
        == 404
    )
    time_machine.move_to(local_today() + timedelta(days=app.config["APPEAL_PERIOD_DAYS"] + 2))
    enterprise = browser_for(app, parties.enterprise)
    assert appeal(enterprise, "project", event.id).status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_an_overdue_case_is_escalated_once_per_deadline(app, world, time_machine):
    parties, _reviewer, handler, project = world
    admin = factories.user(factories.organisation(OrgKind.ALLIANCE), role=Role.ADMIN)
    admin.locale = "en"
    db.session.commit()
    appeal(browser_for(app, parties.enterprise), "project", decision_of(project).id)
    case = the_case()
    assert tasks.escalate() == 0
    time_machine.move_to(case.acknowledge_due_on + timedelta(days=1))
    assert tasks.escalate() == 1
    assert tasks.escalate() == 0  # once
    case = the_case()
    assert case.acknowledge_escalated_at is not None
    assert [e.action for e in case.events][-1] == "escalate_acknowledge"
    told = db.session.scalars(
        sa.select(Notification.user_id).where(Notification.key.like("case.overdue:%"))
    ).all()
    assert {handler.id, admin.id} <= set(told)
    english = db.session.scalars(
        sa.select(OutboxMessage.subject).where(OutboxMessage.recipient == admin.email)
    ).one()
    assert "was not acknowledged by" in english and case.reference in english
    time_machine.move_to(case.decide_due_on + timedelta(days=1))
    assert tasks.escalate() == 1  # the decision's deadline, once too
    assert tasks.escalate() == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(CaseEvent)
            .where(CaseEvent.action.like("escalate_%"))
        )
        == 2
    )


def test_nobody_else_sees_a_case(app, world):
    parties, _reviewer, _handler, project = world
    appeal(browser_for(app, parties.enterprise), "project", decision_of(project).id)
    case = the_case()
    assert browser_for(app, parties.lead).get(f"/cases/{case.id}").status_code == 404
    assert browser_for(app, parties.consultant).get(f"/cases/{case.id}").status_code == 404
    assert browser_for(app, parties.enterprise).get("/cases/").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get(f"/cases/{case.id}").status_code == 302  # to the login
    mine = browser_for(app, parties.enterprise).get("/cases/mine").get_data(as_text=True)
    assert case.reference in BeautifulSoup(mine, "html.parser").get_text()
