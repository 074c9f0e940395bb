"""A state conflict is a 409 shown on the page the user came from; destructive actions ask for a
confirmation that the server checks.

* A stale version (someone changed the object after the page was drawn) or a move the state no
  longer allows: the page the form lives on again, the reason in an alert at its top, the
  input kept — not the generic error page. The generic page remains for a request with no page
  to go back to (a JSON client, a page that is gone).
* Revoke and cancel a certificate, withdraw a project, not recommend, reject an application,
  uphold an objection: without the box ticked the page comes back (422) and nothing changes;
  with it, the action is done. No script is needed (the CSP allows none inline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext

from app.extensions import db
from blueprints.documents import services as documents
from models import (
    Assessment,
    AssessmentStatus,
    Audit,
    AuditKind,
    Certificate,
    DocumentKind,
    Finding,
    FindingKind,
    FindingStatus,
    Objection,
    Project,
    ProjectStatus,
    PublicityBatch,
)
from tests import factories
from tests.conftest import Browser, csrf_from
from tests.functional.projects.helpers import browser_for
from tests.html import soup_of
from tests.scene import pdf

P = ProjectStatus
STALE = "This was changed meanwhile. Reload the page to see its current state."


def in_chinese(app, message: str, **values) -> str:
    with app.test_request_context(), force_locale("zh"):
        return gettext(message, **values)


def post_from(browser: Browser, page_url: str, action: str, data: dict, **kwargs):
    """Draw the page, then post its form: (the page's HTML, the response)."""
    page = browser.get(page_url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    response = browser.client.post(action, data={"csrf_token": csrf_from(html), **data}, **kwargs)
    return html, response


def same_page(html: str, response) -> bool:
    return BeautifulSoup(html, "html.parser").title.get_text() == soup_of(response).title.get_text()


def conflict_shown(response) -> str:
    alert = soup_of(response).find(id="conflict")
    return alert.get_text(" ", strip=True) if alert else ""


def bump(obj) -> int:
    """Someone else's change: the row's version moves on. Returns the version before."""
    before = obj.lock_version
    obj.lock_version = before + 1
    db.session.commit()
    return before


# --- 409 on the page --------------------------------------------------------------------------


def test_a_stale_project_form_comes_back_with_the_reason_and_the_input(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.KICKOFF, self_consulting=True)
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    page_url = f"/projects/{project.id}"
    html = enterprise.get(page_url).get_data(as_text=True)
    version = bump(project)
    response = enterprise.client.post(
        f"{page_url}/actions/complete_step",
        data={
            "csrf_token": csrf_from(html),
            "version": str(version),
            "completed_on": date.today().isoformat(),
            "notes": "启动会已召开",
        },
    )
    assert response.status_code == 409
    assert same_page(html, response)
    assert in_chinese(app, STALE) in conflict_shown(response)
    notes = soup_of(response).find(id="complete_step-notes")
    assert notes is not None and notes.get_text().strip() == "启动会已召开"
    db.session.expire_all()
    assert db.session.get(Project, project.id).status == P.KICKOFF


def test_a_move_the_state_no_longer_allows_is_refused_on_the_project_page(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.STARTED)
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    page_url = f"/projects/{project.id}"
    html = enterprise.get(page_url).get_data(as_text=True)
    # Another tab ran the consulting phase meanwhile: inviting a consultancy is past.
    project.status, project.self_consulting = P.KICKOFF, True
    db.session.commit()
    response = enterprise.client.post(
        f"{page_url}/actions/invite_consultancy",
        data={"csrf_token": csrf_from(html), "consultancy_id": str(parties.consultancy_org.id)},
    )
    assert response.status_code == 409
    assert same_page(html, response)
    assert "当前状态" in conflict_shown(response)
    # The page shows the project as it is now: the next step to complete.
    assert soup_of(response).find("button", attrs={"data-action": "complete_step"})


def test_a_stale_answer_keeps_what_the_enterprise_wrote(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.CORRECTION, stage2_completed_on=date.today())
    audit = db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind.STAGE2)
    )
    finding = Finding(
        audit_id=audit.id,
        kind=FindingKind.MAJOR,
        clause_code="9.3",
        description="管理评审未覆盖新型能力",
        status=FindingStatus.OPEN,
        due_on=date.today() + timedelta(days=30),
        created_by_id=parties.lead.id,
    )
    db.session.add(finding)
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    html = enterprise.get(f"/audits/{audit.id}").get_data(as_text=True)
    version = bump(finding)
    response = enterprise.client.post(
        f"/audits/findings/{finding.id}/answer",
        data={
            "csrf_token": csrf_from(html),
            "version": str(version),
            "cause": "职责未覆盖",
            "correction": "已补充记录",
            "action": "修订程序",
        },
    )
    assert response.status_code == 409
    assert same_page(html, response)
    assert in_chinese(app, STALE) in conflict_shown(response)
    cause = soup_of(response).find(id=f"cause-{finding.id}")
    assert cause is not None and cause.get_text().strip() == "职责未覆盖"


def test_a_refused_lifecycle_action_comes_back_on_the_certificate_page(app, app_ctx):
    parties = factories.Parties()
    staff = factories.alliance_staff()
    certificate = factories.certificate(parties, staff=staff)
    db.session.commit()
    browser = browser_for(app, staff)
    html, response = post_from(
        browser,
        f"/certificates/{certificate.number}",
        f"/certificates/{certificate.number}/actions/restore",
        {"reason": "核查完毕"},
    )
    assert response.status_code == 409
    assert same_page(html, response)
    assert "当前状态" in conflict_shown(response)


def test_closing_a_batch_too_early_is_refused_on_the_desk(app, app_ctx):
    parties = factories.Parties()
    staff = factories.alliance_staff()
    publicised = factories.project(parties, P.IN_PUBLICITY)
    factories.objection(publicised, staff)
    db.session.commit()
    batch = db.session.scalar(sa.select(PublicityBatch))
    browser = browser_for(app, staff)
    html, response = post_from(
        browser, "/publicity/desk", f"/publicity/desk/batches/{batch.id}/close", {}
    )
    assert response.status_code == 409
    assert same_page(html, response)
    assert in_chinese(app, "The publicity period has not ended yet.") in conflict_shown(response)


def test_without_a_page_to_go_back_to_the_error_page_remains(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.CERTIFIED)
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    token = enterprise.token("/dashboard")
    # A client that asks for JSON gets the JSON error.
    answer = enterprise.client.post(
        f"/projects/{project.id}/actions/withdraw",
        data={"csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 409
    assert answer.json["status"] == 409 and "当前状态" in answer.json["message"]
    # A submission whose page is gone (the self-assessment was submitted and approved
    # meanwhile): the generic page, with the reason.
    assessment = db.session.scalar(
        sa.select(Assessment).where(Assessment.organisation_id == parties.enterprise_org.id)
    )
    assert assessment.status == AssessmentStatus.APPROVED
    response = enterprise.client.post(
        f"/assessments/{assessment.id}/submit", data={"csrf_token": token, "confirm": "y"}
    )
    assert response.status_code == 409
    assert soup_of(response).find(id="conflict") is None
    assert "当前状态" in response.get_data(as_text=True)


# --- destructive actions ask for confirmation ------------------------------------------------


@dataclass(frozen=True)
class Destructive:
    name: str
    who: str  # an attribute of Cast
    build: Callable[[Cast], object]  # the object, in the state the action starts from
    page: Callable[[object], str]
    action: Callable[[object], str]
    data: dict
    state: Callable[[object], object]  # what the action changes


class Cast(factories.Parties):
    def __init__(self):
        super().__init__()
        self.staff = factories.alliance_staff()


def _correction_with_report(cast: Cast) -> Project:
    project = factories.project(cast, P.CORRECTION, stage2_completed_on=date.today())
    documents.add(project, cast.lead, DocumentKind.AUDIT_REPORT, pdf("评定报告.pdf"))
    return project


def _project_state(project) -> object:
    db.session.expire_all()
    return db.session.get(Project, project.id).status


def _certificate_state(certificate) -> object:
    db.session.expire_all()
    return db.session.get(Certificate, certificate.id).status


def _objection_state(objection) -> object:
    db.session.expire_all()
    return db.session.get(Objection, objection.id).status


def _objection(cast: Cast) -> Objection:
    return factories.objection(factories.project(cast, P.IN_PUBLICITY), cast.staff)


DESTRUCTIVE = [
    Destructive("withdraw", "enterprise", lambda c: factories.project(c, P.STARTED),
                lambda p: f"/projects/{p.id}", lambda p: f"/projects/{p.id}/actions/withdraw",
                {}, _project_state),
    Destructive("not_recommend", "lead", _correction_with_report,
                lambda p: f"/projects/{p.id}",
                lambda p: f"/projects/{p.id}/actions/not_recommend",
                {"comment": "体系运行不充分"}, _project_state),
    Destructive("reject_application", "lead", lambda c: factories.project(c, P.APPLIED),
                lambda p: f"/projects/{p.id}",
                lambda p: f"/projects/{p.id}/actions/reject_application",
                {"comment": "本机构近期无法安排"}, _project_state),
    Destructive("revoke", "staff", lambda c: factories.certificate(c, staff=c.staff),
                lambda c: f"/certificates/{c.number}",
                lambda c: f"/certificates/{c.number}/actions/revoke",
                {"reason": "严重违规"}, _certificate_state),
    Destructive("cancel", "staff", lambda c: factories.certificate(c, staff=c.staff),
                lambda c: f"/certificates/{c.number}",
                lambda c: f"/certificates/{c.number}/actions/cancel",
                {"reason": "企业申请注销"}, _certificate_state),
    Destructive("uphold", "staff", _objection, lambda o: "/publicity/desk",
                lambda o: f"/publicity/desk/objections/{o.id}",
                {"decision": "uphold", "reason": "经核实属实"}, _objection_state),
]  # fmt: skip


@pytest.mark.parametrize("case", DESTRUCTIVE, ids=lambda c: c.name)
def test_a_destructive_action_needs_the_box_ticked(app, app_ctx, case):
    cast = Cast()
    obj = case.build(cast)
    db.session.commit()
    before = case.state(obj)
    browser = browser_for(app, getattr(cast, case.who))
    html, refused = post_from(browser, case.page(obj), case.action(obj), case.data)
    assert refused.status_code == 422
    assert same_page(html, refused)
    boxes = soup_of(refused).find_all("input", attrs={"type": "checkbox", "name": "confirm"})
    assert any("is-invalid" in (box.get("class") or []) for box in boxes)
    assert case.state(obj) == before
    _html, done = post_from(
        browser, case.page(obj), case.action(obj), {**case.data, "confirm": "y"}
    )
    assert done.status_code == 302, done.get_data(as_text=True)[-1500:]
    assert case.state(obj) != before


def test_the_confirmation_box_is_on_the_destructive_forms_only(app, app_ctx):
    cast = Cast()
    project = factories.project(cast, P.STARTED)
    db.session.commit()
    html = browser_for(app, cast.enterprise).get(f"/projects/{project.id}").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(id="withdraw-confirm") is not None
    assert soup.find(id="invite_consultancy-confirm") is None
    assert soup.find(id="consult_ourselves-confirm") is None
