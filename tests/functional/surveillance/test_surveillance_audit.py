"""Surveillance audits run like stage audits: plan, team, findings, answers, conclusion."""

from datetime import date, datetime

import sqlalchemy as sa
import time_machine

from app.extensions import db
from blueprints.certificates.services import issue_for
from models import (
    Audit,
    CertificateStatus,
    Finding,
    OrgKind,
    ProjectStatus,
    Role,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
)
from tests import factories
from tests.functional.projects.helpers import browser_for
from tests.html import error_beside, soup_of

DAY = datetime(2027, 2, 10, 2)


def issued():
    parties = factories.Parties()
    staff = factories.user(factories.organisation(OrgKind.ALLIANCE), role=Role.ALLIANCE_STAFF)
    with time_machine.travel(datetime(2026, 3, 2, 2), tick=False):
        certificate = issue_for(factories.project(parties, ProjectStatus.READY_TO_ISSUE), staff)
    db.session.commit()
    return parties, certificate


def item(certificate, kind):
    db.session.expire_all()
    return db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id, ScheduleItem.kind == kind
        )
    )


def plan(browser, certificate, schedule_item, member_id):
    number = certificate.number
    return browser.submit(
        f"/certificates/{number}",
        {
            "starts_on": "2027-02-10",
            "ends_on": "2027-02-11",
            "member_ids": str(member_id),
        },
        action=f"/certificates/{number}/schedule/{schedule_item.id}/plan",
    )


def conclude(browser, certificate, schedule_item, decision, reason=""):
    number = certificate.number
    return browser.submit(
        f"/certificates/{number}",
        {
            "decision": decision,
            "completed_on": "2027-02-10",
            "reason": reason,
        },
        action=f"/certificates/{number}/schedule/{schedule_item.id}/conclude",
    )


def test_surveillance_audit_maintains_the_certificate(app, app_ctx):
    parties, certificate = issued()
    first = item(certificate, ScheduleKind.SURVEILLANCE_1)
    with time_machine.travel(DAY, tick=False):
        lead = browser_for(app, parties.lead)
        assert plan(lead, certificate, first, parties.evaluator.id).status_code == 302
        audit = db.session.get(Audit, item(certificate, ScheduleKind.SURVEILLANCE_1).audit_id)
        assert {m.user_id for m in audit.team} == {parties.lead.id, parties.evaluator.id}
        logged = lead.submit(
            f"/audits/{audit.id}",
            {"kind": "minor", "clause_code": "9.3", "description": "内审记录不完整"},
            action=f"/audits/{audit.id}/findings",
        )
        assert logged.status_code == 302
        refused = conclude(lead, certificate, first, "maintain")
        assert refused.status_code == 409  # the minor one has no accepted plan yet
        finding = db.session.scalar(sa.select(Finding).where(Finding.audit_id == audit.id))
        enterprise = browser_for(app, parties.enterprise)
        assert (
            enterprise.submit(
                f"/audits/{audit.id}",
                {"cause": "原因", "correction": "纠正", "action": "措施"},
                action=f"/audits/findings/{finding.id}/answer",
            ).status_code
            == 302
        )
        assert (
            lead.submit(
                f"/audits/{audit.id}",
                {"decision": "accept"},
                action=f"/audits/findings/{finding.id}/decision",
            ).status_code
            == 302
        )
        assert conclude(lead, certificate, first, "maintain").status_code == 302
    done = item(certificate, ScheduleKind.SURVEILLANCE_1)
    assert done.status == ScheduleStatus.DONE and done.completed_on == date(2027, 2, 10)
    assert db.session.get(Audit, done.audit_id).completed_on == date(2027, 2, 10)
    # A done surveillance is not overdue later.
    from blueprints.surveillance.reminders import suspend_overdue

    with time_machine.travel(datetime(2027, 3, 5, 2), tick=False):
        assert suspend_overdue() == 0


def test_surveillance_audit_can_suspend(app, app_ctx):
    parties, certificate = issued()
    first = item(certificate, ScheduleKind.SURVEILLANCE_1)
    with time_machine.travel(DAY, tick=False):
        lead = browser_for(app, parties.lead)
        plan(lead, certificate, first, parties.evaluator.id)
        assert conclude(lead, certificate, first, "suspend", "").status_code == 422
        assert conclude(lead, certificate, first, "suspend", "体系未有效运行").status_code == 302
    db.session.expire_all()
    assert certificate.status == CertificateStatus.SUSPENDED
    assert certificate.events[-1].actor_id == parties.lead.id


def test_only_the_certificates_body_plans_and_impartiality_holds(app, app_ctx):
    parties, certificate = issued()
    first = item(certificate, ScheduleKind.SURVEILLANCE_1)
    other_body = factories.organisation(OrgKind.EVALUATION_BODY)
    stranger = factories.user(other_body, role=Role.EVALUATOR)
    moved = parties.consultant  # consulted for the enterprise, then joined the body
    from models import ProjectEvent

    db.session.add(
        ProjectEvent(
            project_id=certificate.project_id,
            action="complete_step",
            from_status=ProjectStatus.KICKOFF,
            to_status=ProjectStatus.SURVEY,
            actor_id=moved.id,
        )
    )
    moved.organisation_id, moved.role = parties.body_org.id, Role.EVALUATOR
    db.session.commit()
    with time_machine.travel(DAY, tick=False):
        assert plan(browser_for(app, stranger), certificate, first, stranger.id).status_code == 404
        refused = plan(browser_for(app, parties.lead), certificate, first, moved.id)
        assert refused.status_code == 422  # beside the team's field
        assert moved.name in error_beside(soup_of(refused), "s-team")
    assert item(certificate, ScheduleKind.SURVEILLANCE_1).audit_id is None
