"""The portal's front page, for the public: a certificate search box that opens the register,
the latest public announcements, the headline figures counted by SQL (and kept a few minutes
per process), the path, a bounded number of queries; the footer's operator settings. A
signed-in user goes to their dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta

from app.clock import local_today, utcnow
from app.extensions import db
from blueprints.main import portal
from blueprints.notices import services as notices
from models import (
    AssessmentStatus,
    CertificateStatus,
    NoticeAudience,
    OrgKind,
    ProjectStatus,
)
from tests import factories


@pytest.fixture(autouse=True)
def fresh_figures(app):
    """Each test counts its own world: no copy left by another test."""
    with app.app_context():
        portal.forget()
    yield
    with app.app_context():
        portal.forget()


def figure(html: str, key: str) -> int:
    match = re.search(
        rf'data-figure="{key}">.*?portal-figure-value">([\d,]+)<', html, flags=re.DOTALL
    )
    assert match, f"no figure {key}"
    return int(match.group(1).replace(",", ""))


@pytest.fixture
def world(app_ctx):
    """Enterprises, projects and certificates in every state a figure tells apart."""
    today = local_today()
    parties = factories.Parties()  # an enterprise with an approved self-assessment
    # Another enterprise assessed in two years, this year's awaiting its district (counted
    # once: submitted counts), one with a draft and one sent back (not counted).
    twice = factories.organisation(region="310104")
    factories.assessment(twice, year=today.year - 1, status=AssessmentStatus.APPROVED)
    factories.assessment(twice, status=AssessmentStatus.AWAITING_DISTRICT)
    factories.assessment(status=AssessmentStatus.DRAFT)
    factories.assessment(status=AssessmentStatus.RETURNED)
    # Projects: a started one, a withdrawn one (not counted), and one per certificate below.
    factories.project(parties, ProjectStatus.KICKOFF)
    factories.project(parties, ProjectStatus.WITHDRAWN)
    staff = factories.alliance_staff()
    valid = factories.certificate(parties, staff=staff)  # effective today: valid, this year
    suspended = factories.certificate(parties, CertificateStatus.SUSPENDED, staff=staff)
    last_year = factories.certificate(parties, staff=staff)
    last_year.effective_on = today - relativedelta(years=1)
    last_year.expires_on = last_year.effective_on + relativedelta(years=3)
    expired = factories.certificate(parties, staff=staff)  # valid once, expired yesterday
    expired.effective_on = today - relativedelta(years=3, days=1)
    expired.expires_on = today - timedelta(days=1)
    reissue = factories.certificate(parties, staff=staff)  # a reissue: no new certificate
    reissue.issue_no = 2
    db.session.flush()
    return {
        "parties": parties,
        "staff": staff,
        "valid": valid,
        "suspended": suspended,
        "assessed": 2,  # the parties' enterprise, ``twice`` (once)
        "projects": 1 + 5,  # the kickoff one and the five certified ones
        "valid_today": 3,  # valid, last year's, the reissue
        "this_year": 2,  # valid, suspended (the reissue is no new one; last year's is not)
        "last_year": 1,
    }


def test_the_figures_are_counted_from_the_data(world, browser):
    page = browser.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert figure(html, "assessed") == world["assessed"]
    assert figure(html, "projects") == world["projects"]
    assert figure(html, "valid") == world["valid_today"]
    assert figure(html, "issued-this-year") == world["this_year"]
    assert figure(html, "issued-last-year") == world["last_year"]
    year = local_today().year
    assert str(year) in html and str(year - 1) in html


def test_the_figures_are_kept_a_few_minutes(world, browser, app, monkeypatch, count_queries):
    monkeypatch.setitem(app.config, "PORTAL_FIGURES_CACHE_SECONDS", 300)
    browser.get("/")
    factories.certificate(world["parties"], staff=world["staff"])
    with count_queries() as cached:
        html = browser.get("/").get_data(as_text=True)
    assert figure(html, "valid") == world["valid_today"]  # this process's copy
    with app.app_context():
        portal.forget()
    with count_queries() as counted:
        html = browser.get("/").get_data(as_text=True)
    assert figure(html, "valid") == world["valid_today"] + 1
    assert counted.count == cached.count + 1  # one statement for all the figures
    monkeypatch.setitem(app.config, "PORTAL_FIGURES_CACHE_SECONDS", 0)  # counted every visit
    factories.certificate(world["parties"], staff=world["staff"])
    assert figure(browser.get("/").get_data(as_text=True), "valid") == world["valid_today"] + 2


def test_the_latest_five_announcements_newest_first(world, browser):
    staff = world["staff"]
    city = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310000"))
    now = utcnow()
    for n in range(7):
        notice = notices.publish(staff, f"联盟公告{n}号", "正文", NoticeAudience.PUBLIC, [])
        notice.published_at = now - timedelta(days=7 - n)
    notices.publish(city, "辖区内部通知", "正文", NoticeAudience.EVERYONE, [])
    db.session.flush()
    html = browser.get("/").get_data(as_text=True)
    shown = re.findall(r"联盟公告(\d)号", html)
    assert shown == ["6", "5", "4", "3", "2"]
    assert "辖区内部通知" not in html
    assert 'href="/announcements/"' in html


def test_the_page_runs_the_same_few_queries_for_2_announcements_as_for_12(
    world, browser, count_queries
):
    staff = world["staff"]
    for n in range(2):
        notices.publish(staff, f"公告{n}", "正文", NoticeAudience.PUBLIC, [])
    browser.get("/")
    with count_queries() as few:
        assert browser.get("/").status_code == 200
    for n in range(10):
        notices.publish(staff, f"更多公告{n}", "正文", NoticeAudience.PUBLIC, [])
    with count_queries() as many:
        assert browser.get("/").status_code == 200
    assert many.count == few.count, many.statements
    # Counting the figures afresh adds one statement: never one per row.
    portal.forget()
    with count_queries() as fresh:
        assert browser.get("/").status_code == 200
    assert fresh.count <= 3, fresh.statements


def test_the_search_box_opens_the_register(world, browser):
    html = browser.get("/").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="certificate-search"[^>]*>', html)
    assert form and 'action="/certificates/"' in form.group(0)
    assert 'method="get"' in form.group(0)
    assert re.search(r'<input[^>]*name="number"', html)
    valid, suspended = world["valid"], world["suspended"]
    found = browser.get("/certificates/", query_string={"number": valid.number})
    assert valid.number in found.get_data(as_text=True)
    # The holder's credit code finds its certificates (all five are the same enterprise's).
    code = world["parties"].enterprise_org.credit_code
    by_code = browser.get("/certificates/", query_string={"number": code.lower()})
    text = by_code.get_data(as_text=True)
    assert valid.number in text and suspended.number in text
    other = factories.credit_code()
    assert valid.number not in browser.get(
        "/certificates/", query_string={"number": other}
    ).get_data(as_text=True)


def test_a_signed_in_user_goes_to_the_dashboard(world, browser):
    browser.login(world["parties"].enterprise.email, factories.PASSWORD)
    answer = browser.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/dashboard")


def test_the_front_page_is_cacheable_and_rate_limited(world, browser):
    answer = browser.get("/")
    assert answer.headers.get("ETag") and "public" in answer.headers["Cache-Control"]
    assert "RateLimit-Limit" not in answer.headers  # told on a refusal (test_certificates)
    again = browser.get("/", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_the_footer_names_the_operator(app_ctx, browser, app, monkeypatch):
    html = browser.get("/").get_data(as_text=True)
    assert app.config["OPERATOR_NAME"] in html
    assert f'href="mailto:{app.config["OPERATOR_EMAIL"]}"' in html
    assert 'id="icp"' not in html  # no ICP number set: no line
    docs = next(r.rule for r in app.url_map.iter_rules() if r.endpoint == "api_docs.docs")
    assert f'href="{docs}"' in html  # the footer keeps the API documentation
    monkeypatch.setitem(app.config, "OPERATOR_NAME", "上海市两化融合服务中心")
    monkeypatch.setitem(app.config, "OPERATOR_PHONE", "021 6000 0000")
    monkeypatch.setitem(app.config, "ICP_LICENCE", "沪ICP备12345678号-1")
    html = browser.get("/announcements/").get_data(as_text=True)
    assert "上海市两化融合服务中心" in html
    assert 'href="tel:02160000000"' in html
    assert re.search(r'id="icp" href="https://beian.miit.gov.cn/"[^>]*>沪ICP备12345678号-1<', html)


def test_no_inline_script_or_style(app_ctx, browser):
    html = browser.get("/").get_data(as_text=True)
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_the_figures_read_no_row_by_row(world, app_ctx):
    """One statement whatever the data: the counts are aggregates."""
    from sqlalchemy import event

    statements: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        counted = portal.count_figures(local_today())
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert len(statements) == 1 and "count(" in statements[0].lower()
    assert counted.valid == world["valid_today"]
