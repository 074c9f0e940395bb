"""A complaint about a certificate holder may lead to a special audit: the case's handler
orders it while investigating (refused — 409, said on the page — for any other case, a
certificate no longer live, a second one under way, another handler; 403/404 for other roles
and other organisations' ids); the certificate's evaluation body hears of it in its language,
finds it on its work list, schedules it under every team rule (refusals beside the field),
logs findings and completes it with a verdict and a recommendation; the result goes back to
the handler, who then decides the case and may act on the certificate. Every page costs the
same queries whatever the number of special audits."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.clock import local_today
from app.extensions import db
from blueprints.cases import filing
from blueprints.cases import services as cases
from models import (
    Audit,
    AuditKind,
    CaseEvent,
    CaseSubject,
    CertificateStatus,
    Notification,
    OrgKind,
    OutboxMessage,
    Role,
    SpecialAudit,
    SpecialAuditRecommendation,
    SpecialAuditStatus,
)
from tests import factories
from tests.functional.projects.helpers import browser_for
from tests.html import error_beside, soup_of

# Each complaint from its own address: the daily limit per address is not this file's subject.
ADDRESSES = itertools.count(1)


def complaint(certificate, handler, *, acknowledge: bool = True, grounds: str = "超范围使用标志"):
    case = filing.complain(
        filing.Complainant(name="王先生", email="wang@example.com", phone="", locale="zh",
                           address=f"198.51.100.{next(ADDRESSES)}"),
        CaseSubject.CERTIFICATE,
        grounds,
        certificate_number=certificate.number,
    )  # fmt: skip
    cases.assign(case, handler, handler.id, None)
    if acknowledge:
        cases.act(case, "acknowledge", handler, None)
    return case


@pytest.fixture
def world(app_ctx):
    parties = factories.Parties()
    parties.lead.locale = "en"  # the body's contact reads English
    staff = factories.alliance_staff(name="周联盟")
    certificate = factories.certificate(parties)  # issued by someone else than the handler
    case = complaint(certificate, staff)
    db.session.commit()
    return parties, staff, certificate, case


def order(browser, case, reason="投诉称证书范围外产品使用标志，需现场核实。", scope=""):
    return browser.submit(
        f"/cases/{case.id}",
        {"reason": reason, "scope": scope},
        action=f"/special-audits/case/{case.id}",
    )


def the_special_audit() -> SpecialAudit:
    db.session.expire_all()
    return db.session.scalars(sa.select(SpecialAudit).order_by(SpecialAudit.id.desc())).first()


def schedule(browser, special, starts=None, ends=None, members=()):
    today = local_today()
    return browser.submit(
        f"/special-audits/{special.id}",
        {
            "starts_on": (starts or today).isoformat(),
            "ends_on": (ends or today).isoformat(),
            "member_ids": [str(m) for m in members],
        },
        action=f"/special-audits/{special.id}/schedule",
    )


def complete(browser, special, decision, verdict="substantiated", summary="现场核实属实"):
    return browser.submit(
        f"/special-audits/{special.id}",
        {"decision": decision, "verdict": verdict, "summary": summary},
        action=f"/special-audits/{special.id}/complete",
    )


def told(key_prefix: str) -> tuple[set[int], list[OutboxMessage]]:
    people = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(Notification.key.startswith(key_prefix))
        )
    )
    emails = list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.dedup_key.startswith(key_prefix))
        )
    )
    return people, emails


def test_ordered_scheduled_performed_completed_and_back_to_the_handler(app, world):
    parties, staff, certificate, case = world
    alliance = browser_for(app, staff)
    page = soup_of(alliance.get(f"/cases/{case.id}"))
    assert page.find(id="special-reason") is not None
    # The reason is required: said beside the field, the scope kept.
    refused = order(alliance, case, reason="  ", scope="检测车间")
    assert refused.status_code == 422
    soup = soup_of(refused)
    assert error_beside(soup, "special-reason")
    assert soup.find(id="special-scope").get_text().strip() == "检测车间"
    assert order(alliance, case, reason="x" * 2001).status_code == 422
    assert order(alliance, case).status_code == 302
    special = the_special_audit()
    assert special.status is SpecialAuditStatus.ORDERED and special.body_id == parties.body_org.id
    assert [e.action for e in special.case.events][-1] == "order_special_audit"

    # The body hears of it, in its contact's language, and finds it on its work list.
    people, emails = told("special_audit.order:")
    assert people == {parties.lead.id}
    [email] = emails
    assert email.recipient == parties.lead.email and email.locale == "en"
    assert certificate.number in email.subject and "special audit" in email.subject
    lead = browser_for(app, parties.lead)
    board = soup_of(lead.get("/dashboard"))
    assert board.select_one(
        f"#work-special_audits_to_schedule a[href='/special-audits/{special.id}']"
    )

    # Scheduling: not in the past, every team rule, refusals beside the field.
    yesterday = local_today() - timedelta(days=1)
    past = schedule(lead, special, starts=yesterday)
    assert past.status_code == 422 and error_beside(soup_of(past), "starts_on")
    factories.conflict(parties.evaluator, parties.enterprise_org)
    db.session.commit()
    conflicted = schedule(lead, special, members=[parties.evaluator.id])
    assert conflicted.status_code == 422
    assert parties.evaluator.name in error_beside(soup_of(conflicted), "member_ids")
    stranger = factories.user(factories.organisation(OrgKind.EVALUATION_BODY), role=Role.EVALUATOR)
    db.session.commit()
    foreign = schedule(lead, special, members=[stranger.id])
    assert foreign.status_code == 422 and error_beside(soup_of(foreign), "member_ids")
    other = factories.user(parties.body_org, role=Role.EVALUATOR)
    db.session.commit()
    assert schedule(lead, special, members=[other.id]).status_code == 302
    special = the_special_audit()
    audit = db.session.get(Audit, special.audit_id)
    assert special.status is SpecialAuditStatus.PLANNED and audit.kind is AuditKind.SPECIAL
    assert {(m.user_id, m.is_lead) for m in audit.team} == {
        (parties.lead.id, True),
        (other.id, False),
    }
    people, _emails = told("special_audit.schedule:")
    assert people == {parties.enterprise.id, other.id}  # the holder and the team, not the lead
    # The holder's notice and audit page say nothing of the complaint.
    enterprise = browser_for(app, parties.enterprise)
    audit_page = enterprise.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert special.reason not in audit_page and case.reference not in audit_page
    assert enterprise.get(f"/special-audits/{special.id}").status_code == 404
    # A second form rendered before the schedule is refused (its version).
    assert schedule(lead, special, members=[other.id]).status_code == 409

    # Findings like any audit; keeping the certificate needs them resolved.
    logged = lead.submit(
        f"/audits/{audit.id}",
        {"kind": "minor", "clause_code": "9.3", "description": "标志使用管理不规范"},
        action=f"/audits/{audit.id}/findings",
    )
    assert logged.status_code == 302
    assert complete(other_browser := browser_for(app, other), special, "suspend").status_code == 409
    assert complete(lead, special, "maintain").status_code == 409
    assert other_browser  # only the lead completes
    no_verdict = complete(lead, special, "suspend", verdict="")
    assert no_verdict.status_code == 422
    assert complete(lead, special, "suspend", summary="").status_code == 422
    assert complete(lead, special, "suspend").status_code == 302
    special = the_special_audit()
    assert special.status is SpecialAuditStatus.COMPLETED
    assert special.recommendation is SpecialAuditRecommendation.SUSPEND
    assert db.session.get(Audit, special.audit_id).completed_on == local_today()
    # No more findings on a completed special audit.
    late = lead.submit(
        f"/audits/{audit.id}",
        {"kind": "minor", "clause_code": "9.3", "description": "迟到"},
        action=f"/audits/{audit.id}/findings",
    )
    assert late.status_code == 409

    # Back with the handler: told in Chinese, on the work list, the result on the case page
    # with the way to the certificate's suspension (not done here: the alliance acts there).
    people, emails = told("special_audit.suspend:")
    assert people == {staff.id}
    assert emails[0].locale == "zh" and "特殊审核" in emails[0].subject
    board = soup_of(alliance.get("/dashboard"))
    assert board.select_one(f"#work-special_audit_results a[href^='/cases/{case.id}']")
    page = soup_of(alliance.get(f"/cases/{case.id}"))
    panel = page.find(id="special-audits")
    assert "现场核实属实" in panel.get_text()
    assert panel.select_one(f"a[href='/certificates/{certificate.number}#lifecycle']")
    assert page.find(id="special-reason") is not None  # none under way: a follow-up may be
    db.session.expire_all()
    assert certificate.status is CertificateStatus.VALID
    # The handler decides the case as before.
    decided = alliance.submit(
        f"/cases/{case.id}",
        {"outcome": "upheld", "text": "投诉成立", "confirm": "y"},
        action=f"/cases/{case.id}/actions/decide",
    )
    assert decided.status_code == 302


def test_ordering_is_refused_where_it_does_not_apply(app, world):
    parties, staff, certificate, case = world
    alliance = browser_for(app, staff)
    # A complaint about a consultancy: nothing offered, and the server refuses.
    about_org = filing.complain(
        filing.Complainant(name="李", email="li@example.com", phone="", locale="zh",
                           address="198.51.100.8"),
        CaseSubject.ORGANISATION, "咨询收费不当", organisation_id=parties.consultancy_org.id,
    )  # fmt: skip
    cases.assign(about_org, staff, staff.id, None)
    cases.act(about_org, "acknowledge", staff, None)
    # Not yet acknowledged: not under investigation.
    fresh = complaint(certificate, staff, acknowledge=False, grounds="另一投诉")
    db.session.commit()
    assert soup_of(alliance.get(f"/cases/{about_org.id}")).find(id="special-reason") is None
    refused = order(alliance, about_org)
    assert refused.status_code == 409 and "证书持有" in soup_of(refused).find(id="conflict").text
    assert order(alliance, fresh).status_code == 409
    # Another staff member, not the handler.
    staff2 = factories.user(staff.organisation, role=Role.ALLIANCE_STAFF)
    db.session.commit()
    assert order(browser_for(app, staff2), case).status_code == 409
    # Other roles: not their permission; unknown ids: not found.
    lead = browser_for(app, parties.lead)
    assert order(lead, case).status_code == 403
    assert (
        alliance.submit(
            f"/cases/{case.id}", {"reason": "r"}, action="/special-audits/case/99999999"
        ).status_code
        == 404
    )
    # Once ordered, a second one for the same certificate is refused, from any case.
    assert order(alliance, case).status_code == 302
    second = complaint(certificate, staff, grounds="第二个投诉")
    db.session.commit()
    duplicate = order(alliance, second)
    assert duplicate.status_code == 409
    assert "已有" in soup_of(duplicate).find(id="conflict").text
    special = the_special_audit()
    # Other bodies' evaluators do not see it; the enterprise neither.
    stranger = factories.user(factories.organisation(OrgKind.EVALUATION_BODY), role=Role.EVALUATOR)
    db.session.commit()
    assert browser_for(app, stranger).get(f"/special-audits/{special.id}").status_code == 404
    assert schedule(browser_for(app, stranger), special).status_code == 404
    assert lead.get("/special-audits/99999999").status_code == 404
    # While it is open the case is not decided; the handler may cancel an unscheduled order.
    decide = alliance.submit(
        f"/cases/{case.id}",
        {"outcome": "upheld", "text": "投诉成立", "confirm": "y"},
        action=f"/cases/{case.id}/actions/decide",
    )
    assert decide.status_code == 409
    unconfirmed = alliance.submit(
        f"/special-audits/{special.id}", {}, action=f"/special-audits/{special.id}/cancel"
    )
    assert unconfirmed.status_code == 422
    cancelled = alliance.submit(
        f"/special-audits/{special.id}", {"confirm": "y"},
        action=f"/special-audits/{special.id}/cancel",
    )  # fmt: skip
    assert cancelled.status_code == 302
    assert the_special_audit().status is SpecialAuditStatus.CANCELLED
    people, _emails = told("special_audit.cancel:")
    assert people == {parties.lead.id}
    actions = db.session.scalars(
        sa.select(CaseEvent.action).where(CaseEvent.case_id == case.id)
    ).all()
    assert "cancel_special_audit" in actions


def test_a_certificate_no_longer_live_takes_no_special_audit(app, world):
    _parties, staff, certificate, case = world
    certificate.status = CertificateStatus.REVOKED
    db.session.commit()
    alliance = browser_for(app, staff)
    assert soup_of(alliance.get(f"/cases/{case.id}")).find(id="special-reason") is None
    assert order(alliance, case).status_code == 409
    # A suspended one is live: it may be audited.
    certificate.status = CertificateStatus.SUSPENDED
    db.session.commit()
    assert order(alliance, case).status_code == 302


def test_the_pages_cost_the_same_queries_for_one_special_audit_or_many(app, world, count_queries):
    parties, staff, _certificate, case = world
    alliance = browser_for(app, staff)
    lead = browser_for(app, parties.lead)
    assert order(alliance, case).status_code == 302
    special = the_special_audit()

    def add(n: int) -> None:
        """``n`` more certificates of the body, each with a complaint and a special audit."""
        for i in range(n):
            other = factories.certificate(parties)
            other_case = complaint(other, staff, grounds=f"投诉{n}-{i}")
            db.session.add(
                SpecialAudit(case_id=other_case.id, certificate_id=other.id,
                             body_id=parties.body_org.id, reason=f"理由{i}",
                             ordered_by_id=staff.id)
            )  # fmt: skip
        db.session.commit()

    def cost() -> list[int]:
        counts = []
        pages = [(lead, f"/special-audits/{special.id}"), (lead, "/dashboard"),
                 (alliance, f"/special-audits/{special.id}"), (alliance, f"/cases/{case.id}"),
                 (alliance, "/dashboard")]  # fmt: skip
        for browser, url in pages:
            with count_queries() as counter:
                assert browser.get(url).status_code == 200, url
            counts.append(counter.count)
        return counts

    add(1)
    few = cost()
    add(6)
    assert cost() == few
