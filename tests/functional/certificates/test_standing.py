"""The certificate's page says in plain words how long it is valid, what happened to it and
where its surveillance stands — to the public (one query, kept rendered) and to the signed-in."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa
import time_machine
from bs4 import BeautifulSoup

from app.extensions import db
from blueprints.certificates.services import issue_for, perform
from models import OrgKind, ProjectStatus, Role, ScheduleItem, ScheduleKind, ScheduleStatus
from tests import factories
from tests.conftest import Browser


@pytest.fixture
def issued(app_ctx):
    parties = factories.Parties()
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    staff = factories.user(alliance, role=Role.ALLIANCE_STAFF, is_org_admin=True)
    with time_machine.travel(datetime(2026, 3, 2, 2), tick=False):
        certificate = issue_for(factories.project(parties, ProjectStatus.READY_TO_ISSUE), staff)
    db.session.commit()
    return certificate, staff


def standing_on(client, number: str, day: date, lang: str = "en") -> tuple[list[str], list[str]]:
    """The page's plain words and its status history, as an anonymous visitor reads them."""
    with time_machine.travel(datetime.combine(day, datetime.min.time()).replace(hour=4)):
        response = client.get(f"/certificates/{number}?lang={lang}")
    assert response.status_code == 200
    page = BeautifulSoup(response.data, "html.parser")
    words = [p.get_text(" ", strip=True) for p in page.select(".alert[role=status] p")]
    history = [li.get_text(" ", strip=True) for li in page.select("#status-history li")]
    return words, history


def first_surveillance(certificate) -> ScheduleItem:
    return db.session.scalars(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id,
            ScheduleItem.kind == ScheduleKind.SURVEILLANCE_1,
        )
    ).one()


def test_a_valid_certificate_says_until_when_and_its_next_evaluation(app, issued):
    certificate, _staff = issued
    words, history = standing_on(app.test_client(), certificate.number, date(2026, 6, 1))
    assert words == [
        "Valid until 2 Mar 2029.",
        "Next: First surveillance evaluation, due by 2 Mar 2027.",
    ]
    assert history == ["2 Mar 2026 · Issued"]


def test_an_overdue_evaluation_and_a_passed_one_are_said(app, issued):
    certificate, _staff = issued
    client = app.test_client()
    words, _history = standing_on(client, certificate.number, date(2027, 3, 10))
    assert words[1] == "Overdue: First surveillance evaluation, due by 2 Mar 2027."
    item = first_surveillance(certificate)
    item.status, item.completed_on = ScheduleStatus.DONE, date(2027, 2, 20)
    db.session.commit()
    words, _history = standing_on(client, certificate.number, date(2027, 3, 10))
    assert words[1:] == [
        "Next: Second surveillance evaluation, due by 2 Mar 2028.",
        "1 surveillance evaluation passed, the last concluded on 20 Feb 2027.",
    ]
    words, _history = standing_on(client, certificate.number, date(2027, 3, 10), "zh")
    assert words[2] == "已通过 1 次监督评定，最近一次于 2027年2月20日 完成。"


def test_a_suspension_is_dated_and_kept_in_the_history(app, issued):
    certificate, staff = issued
    with time_machine.travel(datetime(2026, 9, 14, 3), tick=False):
        perform(certificate, "suspend", staff, "监督评定逾期")
        db.session.commit()
    words, history = standing_on(app.test_client(), certificate.number, date(2026, 9, 20))
    assert words[0].startswith("Suspended since 14 Sep 2026: while suspended")
    assert history == ["2 Mar 2026 · Issued", "14 Sep 2026 · Suspended"]


def test_an_expired_certificate_says_its_term_is_over(app, issued):
    certificate, _staff = issued
    words, _history = standing_on(app.test_client(), certificate.number, date(2029, 3, 3))
    assert words == ["Expired on 2 Mar 2029: its three-year term is over."]


def test_the_holder_reads_the_same_words(app, issued):
    certificate, _staff = issued
    holder = db.session.get(type(certificate), certificate.id).organisation
    member = factories.user(holder, role=Role.ENTERPRISE)
    db.session.commit()
    browser = Browser(app.test_client())
    assert browser.login(member.email, factories.PASSWORD).status_code == 302
    with time_machine.travel(datetime(2026, 6, 1, 4)):
        page = browser.get(f"/certificates/{certificate.number}?lang=en").get_data(as_text=True)
    assert "Valid until 2 Mar 2029." in page
    assert "Next: First surveillance evaluation, due by 2 Mar 2027." in page
