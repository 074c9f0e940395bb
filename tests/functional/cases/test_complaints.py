"""The public complaint form and the alliance's list and report: anyone complains — with CSRF,
a daily limit per address, errors beside the fields and the input kept — about a certificate
holder (by number), an evaluation body or a consultancy; the complainant without an account is
answered by email in the language they wrote in; a signed-in complainant's case is linked to
their account; nothing of a case appears on any public page; the list filters, sorts, pages
and exports exactly its rows, the report's figures are the aggregates of the cases, and both
cost the same queries for few cases or many."""

from __future__ import annotations

import io
from datetime import timedelta
from io import BytesIO

import openpyxl
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.clock import local_today, utcnow
from app.extensions import db
from blueprints.cases import filing
from blueprints.cases import services as case_services
from blueprints.certificates import services as certificate_services
from blueprints.special_audits import services as special_audits
from models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseNote,
    CaseOutcome,
    CaseStatus,
    CaseSubject,
    OrgKind,
    OutboxMessage,
    ProjectEvent,
    ProjectStatus,
    Role,
)
from tests import factories
from tests.conftest import Browser, csrf_from
from tests.functional.projects.helpers import PDF, browser_for


@pytest.fixture
def world(app_ctx):
    parties = factories.Parties()
    staff = factories.alliance_staff(name="周联盟")
    certificate = factories.certificate(parties, staff=staff)
    db.session.commit()
    return parties, staff, certificate


def lodge(client, data: dict, headers: dict | None = None, files=None):
    browser = Browser(client)
    token = browser.token("/complaints/", headers=headers)
    payload = {"csrf_token": token, **data}
    if files:
        payload["files"] = files
    return client.post(
        "/complaints/",
        data=payload,
        headers=headers,
        content_type="multipart/form-data",
    )


def about_certificate(number: str, **fields) -> dict:
    return {
        "subject": "certificate",
        "certificate_number": number,
        "name": "陈先生",
        "email": "chen@example.com",
        "grounds": "该企业证书范围外的产品宣传使用了认证标志。",
        **fields,
    }


def cases() -> list[Case]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Case).order_by(Case.id)))


def test_a_complaint_about_a_certificate_holder_is_received_and_answered_in_english(app, world):
    _parties, _staff, certificate = world
    client = app.test_client()
    english = {"Accept-Language": "en"}
    document = (BytesIO(PDF), "照片说明.pdf")
    response = lodge(client, about_certificate(certificate.number.lower()), english, [document])
    assert response.status_code == 302
    [case] = cases()
    assert case.kind is CaseKind.COMPLAINT and case.subject is CaseSubject.CERTIFICATE
    assert (
        case.certificate_id == certificate.id and case.concerned_id == certificate.organisation_id
    )
    assert case.filed_by_id is None and case.locale == "en" and len(case.files) == 1
    [receipt] = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == "chen@example.com")
    ).all()
    assert case.reference in receipt.subject and "We have received your" in receipt.body_text
    # The thanks say the reference to the complainant alone.
    page = client.get("/complaints/", headers=english).get_data(as_text=True)
    assert case.reference in page
    assert case.reference not in app.test_client().get("/complaints/").get_data(as_text=True)


def test_the_form_keeps_the_input_and_says_what_is_wrong_beside_the_field(app, world):
    client = app.test_client()
    response = lodge(client, about_certificate("CSAIII-99999999", email="not-an-email"))
    assert response.status_code == 422
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.find(id="email")["value"] == "not-an-email"
    assert soup.select_one("#email ~ .invalid-feedback")
    unknown = lodge(client, about_certificate("CSAIII-99999999"))
    assert unknown.status_code == 422
    soup = BeautifulSoup(unknown.get_data(as_text=True), "html.parser")
    assert soup.select_one("#certificate_number.is-invalid")
    assert soup.find(id="grounds").get_text().strip().startswith("该企业")
    nothing = lodge(client, {"subject": "organisation", "organisation_id": "999999"})
    assert nothing.status_code == 422
    disguised = lodge(
        client, about_certificate(world[2].number), files=[(BytesIO(b"MZ\x90\x00"), "a.pdf")]
    )
    assert disguised.status_code == 422
    assert cases() == []


def test_csrf_and_the_daily_limit_per_address(app, world):
    parties, _staff, _certificate = world
    client = app.test_client()
    no_token = client.post("/complaints/", data={"subject": "organisation"})
    assert no_token.status_code == 400
    body = {
        "subject": "organisation",
        "organisation_id": str(parties.body_org.id),
        "name": "匿名",
        "email": "a@example.com",
        "grounds": "审核员收受礼品。",
    }
    for _ in range(app.config["COMPLAINTS_PER_ADDRESS_PER_DAY"]):
        assert lodge(client, body).status_code == 302
    refused = lodge(client, body)
    assert refused.status_code == 409
    assert len(cases()) == app.config["COMPLAINTS_PER_ADDRESS_PER_DAY"]
    assert {c.concerned_id for c in cases()} == {parties.body_org.id}
    assert {c.body_id for c in cases()} == {parties.body_org.id}


def test_a_signed_in_complainant_finds_the_complaint_among_theirs(app, world):
    parties, _staff, _certificate = world
    consultant = browser_for(app, parties.consultant)
    data = {
        "subject": "organisation",
        "organisation_id": str(parties.body_org.id),
        "name": parties.consultant.name,
        "email": parties.consultant.email,
        "grounds": "评定机构推荐其关联咨询机构。",
    }
    assert lodge(consultant.client, data).status_code == 302
    [case] = cases()
    assert case.filed_by_id == parties.consultant.id
    assert case.reference in consultant.get("/cases/mine").get_data(as_text=True)
    assert consultant.get(f"/cases/{case.id}").status_code == 200


PUBLIC_PAGES = ("/", "/register", "/publicity/", "/announcements/", "/complaints/")


def test_no_public_page_shows_anything_of_a_case(app, world):
    """A complaint about the holder and the holder's appeal against a suspension: the public
    pages (home, register, verification, publicity, announcements, the form) show neither."""
    parties, staff, certificate = world
    client = app.test_client()
    lodge(client, about_certificate(certificate.number, grounds="秘密投诉内容甲乙丙"))
    # The complaint led its handler (who had no part in the certificate) to a special audit.
    handler = factories.user(staff.organisation, role=Role.ALLIANCE_STAFF)
    [complaint] = cases()
    case_services.assign(complaint, handler, handler.id, None)
    case_services.act(complaint, "acknowledge", handler, None)
    special_audits.order(complaint, handler, "特殊审核秘密理由庚辛", "特殊审核范围壬癸", None)
    certificate_services.perform(certificate, "suspend", staff, "暂停理由")
    filing.appeal(parties.enterprise, certificate.events[-1], "申诉理由丁戊己")
    db.session.commit()
    complaint, appeal = cases()
    anonymous = app.test_client()
    secrets = (complaint.reference, appeal.reference, "秘密投诉内容甲乙丙", "申诉理由丁戊己",
               "chen@example.com", "陈先生", "/cases/", "特殊审核秘密理由庚辛", "特殊审核范围壬癸",
               "/special-audits/", "特殊审核", "Special audit")  # fmt: skip
    urls = [
        *PUBLIC_PAGES,
        f"/certificates/{certificate.number}",
        f"/certificates/{certificate.number}?lang=en",
        f"/register?q={certificate.number}",
    ]
    for url in urls:
        response = anonymous.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert not [s for s in secrets if s in text], url
    # The certificate page offers the form, and nothing more, to the public.
    page = anonymous.get(f"/certificates/{certificate.number}").get_data(as_text=True)
    assert f"/complaints/?certificate={certificate.number}" in page


def _add_cases(n: int, concerned_id: int, handler_id: int | None = None) -> None:
    """``n`` cases about ``concerned_id``: appeals (of decisions of a project made for them)
    and complaints in turn; every third closed and upheld after ``i`` days."""
    today = local_today()
    project = factories.project(factories.Parties(), ProjectStatus.CORRECTION)
    for i in range(n):
        event = None
        if i % 2 == 0:
            event = ProjectEvent(project_id=project.id, action="return_compliance",
                                 from_status=ProjectStatus.CONFIRMED,
                                 to_status=ProjectStatus.CORRECTION)  # fmt: skip
            db.session.add(event)
            db.session.flush()
        db.session.add(
            Case(
                project_event_id=event.id if event else None,
                reference=f"CP-T-{n}-{i}",
                kind=CaseKind.COMPLAINT if i % 2 else CaseKind.APPEAL,
                status=CaseStatus.CLOSED if i % 3 == 0 else CaseStatus.RECEIVED,
                outcome=CaseOutcome.UPHELD if i % 3 == 0 else None,
                handling_days=i if i % 3 == 0 else None,
                name=f"投诉人{i}",
                email="x@example.com",
                concerned_id=concerned_id,
                grounds="理由",
                handler_id=handler_id,
                received_at=utcnow() - timedelta(days=40),
                acknowledge_due_on=today - timedelta(days=30),
                decide_due_on=today + timedelta(days=10),
            )
        )
    db.session.commit()


def test_the_list_filters_pages_and_exports_exactly_its_rows(app, world, monkeypatch):
    parties, staff, _certificate = world
    _add_cases(30, parties.body_org.id)
    _add_cases(4, parties.consultancy_org.id, handler_id=staff.id)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 5)
    alliance = browser_for(app, staff)
    listed = alliance.get("/cases/?kind=complaint&overdue=yes&sort=reference")
    assert listed.status_code == 200
    expected = db.session.scalars(
        sa.select(Case.reference)
        .where(Case.kind == CaseKind.COMPLAINT, Case.status == CaseStatus.RECEIVED)
        .order_by(Case.id)
    ).all()
    workbook = alliance.get("/cases/cases.xlsx?kind=complaint&overdue=yes&sort=reference")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected
    page_two = alliance.get("/cases/?kind=complaint&overdue=yes&sort=reference&page=2")
    assert page_two.status_code == 200
    soup = BeautifulSoup(listed.get_data(as_text=True), "html.parser")
    assert "kind=complaint" in soup.select_one(".pagination a.page-link[href*='page=2']")["href"]
    mine = alliance.get(f"/cases/?handler={staff.id}").get_data(as_text=True)
    assert "CP-T-4-0" in mine and "CP-T-30-1" not in mine
    searched = alliance.get("/cases/?q=CP-T-4-").get_data(as_text=True)
    assert "CP-T-4-3" in searched and "CP-T-30-" not in searched


def test_the_report_is_the_aggregate_of_the_cases_and_its_excel_what_is_shown(app, world):
    parties, staff, _certificate = world
    _add_cases(6, parties.body_org.id)
    alliance = browser_for(app, staff)
    page = alliance.get("/cases/report")
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    row = soup.select_one("#by-organisation tbody tr")
    cells = [c.get_text(strip=True) for c in row.find_all(["th", "td"])]
    # 6 cases: 3 appeals (i even), 3 complaints; closed and upheld: i = 0, 3 (days 0 and 3).
    assert cells[0] == parties.body_org.name
    assert cells[2:10] == ["3", "3", "4", "2", "0", "4", "1.5", "1.5"]
    workbook = alliance.get("/cases/report.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    first = next(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert list(first[:8]) == [parties.body_org.name, cells[1], 3, 3, 4, 2, 0, 4]
    assert alliance.get(f"/cases/report?year={local_today().year - 5}").status_code == 200


def test_the_pages_cost_the_same_queries_for_few_cases_or_many(app, world, count_queries):
    parties, staff, _certificate = world
    _add_cases(2, parties.body_org.id, handler_id=staff.id)
    alliance = browser_for(app, staff)
    consultant = browser_for(app, parties.consultant)
    case_id = db.session.scalar(sa.select(sa.func.min(Case.id)))

    def add(n: int) -> None:
        _add_cases(n, parties.consultancy_org.id, handler_id=staff.id)
        for case in db.session.scalars(sa.select(Case).where(Case.filed_by_id.is_(None))):
            case.filed_by_id = parties.consultant.id  # the consultant's own list grows too
        the_case = db.session.get(Case, case_id)
        for i in range(n):  # and the case's notes and history
            the_case.notes.append(CaseNote(author_id=staff.id, body=f"记录{i}"))
            the_case.events.append(
                CaseEvent(action="assign", to_status=the_case.status, actor_id=staff.id)
            )
        db.session.commit()

    def cost() -> list[int]:
        counts = []
        pages = [(alliance, u) for u in ("/cases/", "/cases/report", f"/cases/{case_id}")]
        pages += [(alliance, "/dashboard"), (consultant, "/cases/mine")]
        for browser, url in pages:
            with count_queries() as counter:
                assert browser.get(url).status_code == 200, url
            counts.append(counter.count)
        return counts

    add(1)
    few = cost()
    add(25)
    assert cost() == few


def test_the_organisations_to_complain_about_are_bodies_and_consultancies(app, world):
    parties, _staff, _certificate = world
    page = app.test_client().get("/complaints/").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    values = {o["value"] for o in soup.select("#organisation_id option") if o["value"]}
    assert str(parties.body_org.id) in values and str(parties.consultancy_org.id) in values
    assert str(parties.enterprise_org.id) not in values
    assert factories.organisation(OrgKind.AUTHORITY, region="310000")  # never listed either
    assert csrf_from(page)
