"""Numbering, the lifecycle, the PDF and the public register."""

import threading
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.errors import WorkflowError
from app.extensions import db
from blueprints.certificates.services import issue_for
from blueprints.certificates.services import perform as change
from models import Certificate, CertificateStatus, OrgKind, ProjectStatus, Role
from tests import factories
from tests.conftest import Browser
from tests.functional.projects.helpers import browser_for

C = CertificateStatus
P = ProjectStatus


def alliance_user():
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    return factories.user(alliance, role=Role.ALLIANCE_STAFF)


def ready(parties=None):
    parties = parties or factories.Parties()
    return parties, factories.project(parties, P.READY_TO_ISSUE)


def test_serials_continue_per_body_across_years(app_ctx):
    parties = factories.Parties()
    parties.body_org.body_code = "917"
    staff = alliance_user()
    with time_machine.travel(datetime(2026, 12, 30, 3), tick=False):
        first = issue_for(factories.project(parties, P.READY_TO_ISSUE), staff)
    with time_machine.travel(datetime(2027, 1, 4, 3), tick=False):
        # Another enterprise of the same body: one enterprise has one project under way.
        another = factories.organisation(region="310115")
        second = issue_for(
            factories.project(parties, P.READY_TO_ISSUE, organisation=another), staff
        )
    other = factories.Parties()
    other.body_org.body_code = "918"
    third = issue_for(factories.project(other, P.READY_TO_ISSUE), staff)
    assert first.number == "CSAIII-91726IIIMS0000101"
    assert second.number == "CSAIII-91727IIIMS0000201"  # the serial does not reset
    assert third.serial == 1  # each body counts on its own


def test_concurrent_issues_get_distinct_consecutive_serials(committed_app):
    app = committed_app
    threads_n = 5
    with app.app_context():
        parties = factories.Parties()
        parties.body_org.body_code = "919"
        # Enterprises of one body (an enterprise has one project under way at a time).
        projects = [
            factories.project(
                parties, P.READY_TO_ISSUE, organisation=factories.organisation(region="310115")
            ).id
            for _ in range(threads_n)
        ]
        staff = [alliance_user() for _ in range(threads_n)]
        emails = [s.email for s in staff]
        db.session.commit()
    browsers = []
    for email, project_id in zip(emails, projects, strict=True):
        browser = Browser(app.test_client())
        assert browser.login(email, factories.PASSWORD).status_code == 302
        browsers.append((browser, browser.token(f"/projects/{project_id}"), project_id))
    barrier = threading.Barrier(threads_n)
    results = []

    def issue(browser, token, project_id):
        barrier.wait()
        try:
            response = browser.client.post(
                f"/projects/{project_id}/actions/issue", data={"csrf_token": token}
            )
            results.append(response.status_code)
        except Exception as exc:  # a crash must fail the test, not vanish with the thread
            results.append(repr(exc))

    threads = [threading.Thread(target=issue, args=args) for args in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [302] * threads_n, results
    with app.app_context():
        serials = sorted(
            db.session.scalars(
                sa.select(Certificate.serial).where(Certificate.project_id.in_(projects))
            )
        )
    assert serials == list(range(1, threads_n + 1))


def test_lifecycle_and_history(app_ctx):
    _parties, project = ready()
    staff = alliance_user()
    certificate = issue_for(project, staff)
    with pytest.raises(WorkflowError, match=r"当前状态|current state"):
        change(certificate, "restore", staff, "x")  # a valid certificate cannot be restored
    with pytest.raises(WorkflowError, match=r"原因|reason"):
        change(certificate, "suspend", staff, "")
    change(certificate, "suspend", staff, "监督评定逾期")
    assert certificate.status == C.SUSPENDED
    change(certificate, "restore", staff, "")
    renewed = change(certificate, "reissue", staff, "企业更名", new_name="上海新名称有限公司")
    assert certificate.status == C.SUPERSEDED
    assert renewed.number == certificate.number[:-2] + "02"
    assert renewed.enterprise_name == "上海新名称有限公司" and "上海新名称有限公司" in renewed.scope
    assert (renewed.effective_on, renewed.expires_on) == (
        certificate.effective_on,
        certificate.expires_on,
    )
    change(renewed, "revoke", staff, "严重违规")
    with pytest.raises(WorkflowError, match=r"当前状态|current state"):
        change(renewed, "restore", staff, "")
    actions = [e.action for e in certificate.events]
    assert actions == ["issue", "suspend", "restore", "reissue"]
    assert all(e.actor_id == staff.id for e in certificate.events)


def test_lifecycle_through_http_refuses_wrong_state_and_outsiders(app, app_ctx):
    parties, project = ready()
    staff = alliance_user()
    certificate = issue_for(project, staff)
    number = certificate.number
    db.session.commit()
    browser = browser_for(app, staff)
    refused = browser.submit(
        f"/certificates/{number}", {"reason": "x"}, action=f"/certificates/{number}/actions/restore"
    )
    assert refused.status_code == 409
    assert (
        browser.submit(
            f"/certificates/{number}",
            {"reason": "未按期监督"},
            action=f"/certificates/{number}/actions/suspend",
        ).status_code
        == 302
    )
    page = app.test_client().get(f"/certificates/{number}").get_data(as_text=True)
    assert "暂停" in page
    enterprise = browser_for(app, parties.enterprise)
    assert (
        enterprise.submit(
            "/dashboard", {"reason": "x"}, action=f"/certificates/{number}/actions/restore"
        ).status_code
        == 403
    )


def test_holder_downloads_the_pdf_others_cannot(app, app_ctx):
    from io import BytesIO

    from pypdf import PdfReader

    parties, project = ready()
    certificate = issue_for(project, alliance_user())
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    response = enterprise.get(f"/certificates/{certificate.number}/certificate.pdf")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    assert parties.enterprise_org.name in text and certificate.number in text
    assert "PDF" in enterprise.get("/certificates/mine").get_data(as_text=True)
    outsider = browser_for(app, factories.user())
    assert outsider.get(f"/certificates/{certificate.number}/certificate.pdf").status_code == 404


@pytest.fixture
def register(app_ctx):
    """Certificates in Shanghai and Guangzhou, two bodies, several states and years."""
    staff = alliance_user()
    made = {}
    for key, region, code, when in (
        ("sh_a", "310115", "931", datetime(2024, 3, 1, 3)),
        ("sh_b", "310104", "931", datetime(2025, 6, 1, 3)),
        ("gz", "440106", "932", datetime(2025, 9, 1, 3)),
    ):
        parties = factories.Parties()
        parties.enterprise_org.region_code = region
        parties.enterprise_org.name = f"登记测试企业{key}"
        existing = db.session.scalar(
            sa.select(factories.Organisation).where(factories.Organisation.body_code == code)
        )
        if existing is not None:
            parties.body_org = existing
        else:
            parties.body_org.body_code = code
        with time_machine.travel(when, tick=False):
            made[key] = issue_for(factories.project(parties, P.READY_TO_ISSUE), staff)
    change(made["sh_b"], "suspend", staff, "暂停")
    db.session.commit()
    return made


def found(app, **params):
    html = app.test_client().get("/certificates/", query_string=params).get_data(as_text=True)
    return {key for key in ("sh_a", "sh_b", "gz") if f"登记测试企业{key}" in html}


def test_register_search_on_each_field(app, register):
    assert found(app, number=register["gz"].number) == {"gz"}
    assert found(app, name="测试企业sh") == {"sh_a", "sh_b"}
    assert found(app, region="31") == {"sh_a", "sh_b"}
    assert found(app, region="440106") == {"gz"}
    assert found(app, body=str(register["gz"].body_id)) == {"gz"}
    assert found(app, status="suspended") == {"sh_b"}
    assert found(app, since="2025-01-01") == {"sh_b", "gz"}
    assert found(app, until="2024-12-31") == {"sh_a"}
    assert found(app, name="登记测试", region="31", status="valid") == {"sh_a"}


def test_register_shows_expiry_live(app, register):
    with time_machine.travel(datetime(2027, 3, 2, 3), tick=False):
        assert found(app, status="expired") == {"sh_a"}
        assert "sh_a" not in found(app, status="valid")


def test_register_paginates_with_a_fixed_number_of_queries(
    app, app_ctx, register, count_queries, monkeypatch
):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 2)
    client = app.test_client()
    with count_queries() as first:
        page1 = client.get("/certificates/", query_string={"name": "登记测试"})
    page2 = client.get("/certificates/", query_string={"name": "登记测试", "page": 2})
    assert page1.status_code == page2.status_code == 200
    assert "page=2" in page1.get_data(as_text=True)
    staff = alliance_user()
    for _ in range(6):
        issue_for(factories.project(factories.Parties(), P.READY_TO_ISSUE), staff)
    db.session.commit()
    with count_queries() as more:
        client.get("/certificates/")
    assert more.count == first.count, more.statements
    assert more.count <= 6


def test_an_unknown_number_says_so_and_offers_the_search(app, browser):
    """Anonymous (the QR code path) and signed in alike: a 404 that names the number typed,
    says how a number reads, and searches the register for it."""
    typed = "CSAIII-00000IIIMS0000001"
    browser.login(factories.user().email, factories.PASSWORD)
    for client in (app.test_client(), browser):
        response = client.get(f"/certificates/{typed}")
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert "没有此编号的证书" in page
        assert f'name="number" value="{typed}"' in page
        assert 'action="/certificates/"' in page
    # A path of any length is shown cut to a number's length, escaped.
    page = app.test_client().get("/certificates/" + "<b>" + "X" * 300).get_data(as_text=True)
    assert "<b>X" not in page and 'value="&lt;b&gt;' + "X" * 37 + '"' in page


def test_publicity_and_register_are_public_but_desk_is_not(app):
    client = app.test_client()
    assert client.get("/publicity/").status_code == 200
    assert client.get("/certificates/").status_code == 200
    assert client.get("/publicity/desk").status_code == 302


def test_validity_date_examples():
    from blueprints.certificates.services import expiry_for

    assert expiry_for(date(2026, 10, 13)) == date(2029, 10, 13)
    assert expiry_for(date(2024, 2, 29)) - timedelta(days=1) == date(2027, 2, 27)


def test_holder_requests_a_reissue_and_staff_handle_it(app, app_ctx):
    parties, project = ready()
    staff = alliance_user()
    certificate = issue_for(project, staff)
    number = certificate.number
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    missing = enterprise.submit(
        f"/certificates/{number}",
        {"kind": "reissue", "reason": "更名"},
        action=f"/certificates/{number}/requests",
    )
    assert missing.status_code == 422  # a reissue needs the new particulars
    asked = enterprise.submit(
        f"/certificates/{number}",
        {"kind": "reissue", "reason": "企业更名", "new_name": "上海更名后有限公司"},
        action=f"/certificates/{number}/requests",
    )
    assert asked.status_code == 302
    again = enterprise.submit(
        f"/certificates/{number}",
        {"kind": "cancel", "reason": "x"},
        action=f"/certificates/{number}/requests",
    )
    assert again.status_code == 409  # one request at a time
    staff_browser = browser_for(app, staff)
    page = staff_browser.get(f"/certificates/{number}").get_data(as_text=True)
    assert "上海更名后有限公司" in page
    from blueprints.certificates.services import open_requests

    # A suspension and a restoration leave the request waiting: nobody decided it.
    for action in ("suspend", "restore"):
        moved = staff_browser.submit(
            f"/certificates/{number}",
            {"reason": "核查"},
            action=f"/certificates/{number}/actions/{action}",
        )
        assert moved.status_code == 302, action
    db.session.expire_all()
    assert len(open_requests(db.session.get(Certificate, certificate.id))) == 1
    done = staff_browser.submit(
        f"/certificates/{number}",
        {"reason": "企业更名", "new_name": "上海更名后有限公司"},
        action=f"/certificates/{number}/actions/reissue",
    )
    assert done.status_code == 302
    db.session.expire_all()
    renewed = db.session.scalar(sa.select(Certificate).where(Certificate.issue_no == 2))
    assert renewed.enterprise_name == "上海更名后有限公司"
    assert open_requests(db.session.get(Certificate, certificate.id)) == []
    outsider = browser_for(app, factories.user())
    assert (
        outsider.submit(
            "/dashboard",
            {"kind": "cancel", "reason": "x"},
            action=f"/certificates/{number}/requests",
        ).status_code
        == 404
    )


def test_public_pages_are_rate_limited_per_address(tmp_path):
    from tests.conftest import make_test_app, migrate_and_seed

    app = make_test_app(f"sqlite:///{tmp_path}/limit.sqlite3", PUBLIC_RATE_LIMIT="3 per minute")
    migrate_and_seed(app)
    client = app.test_client()
    answers = [client.get("/certificates/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    # A page tells nothing of the limit (no browser reads it, and asking costs two more round
    # trips to the storage); the refusal tells where the caller stands and when to come back.
    assert not [name for name, _ in answers[0].headers.items() if name.startswith("RateLimit")]
    refused = answers[3]
    assert refused.headers["RateLimit-Limit"] == "3"
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "请求过于频繁" in client.get("/certificates/").get_data(as_text=True)
    other = app.test_client()
    elsewhere = other.get("/certificates/", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 200  # another address is not affected


def test_staff_preview_a_watermarked_draft_before_issue(app, app_ctx):
    from io import BytesIO

    from pypdf import PdfReader

    parties, project = ready()
    staff = alliance_user()
    db.session.commit()
    browser = browser_for(app, staff)
    response = browser.get(f"/certificates/draft/{project.id}.pdf")
    assert response.status_code == 200
    text = PdfReader(BytesIO(response.data)).pages[0].extract_text()
    assert parties.enterprise_org.name in text
    assert "DRAFT" in text or "样本" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0
    enterprise = browser_for(app, parties.enterprise)
    assert enterprise.get(f"/certificates/draft/{project.id}.pdf").status_code == 403
