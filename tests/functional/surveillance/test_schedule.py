"""Schedule, reminders on the right days, suspension, revocation and expiry (time travel)."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from dateutil.relativedelta import relativedelta
from icalendar import Calendar

from app.extensions import db
from app.mail.dispatcher import dispatch_due
from blueprints.certificates.services import expire_due, issue_for, revoke_long_suspensions
from blueprints.surveillance.reminders import plan_reminders, suspend_overdue
from models import (
    CertificateStatus,
    OrgKind,
    OutboxMessage,
    ProjectStatus,
    Role,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
)
from tests import factories
from tests.conftest import Mailbox

ISSUED = date(2026, 3, 2)


@pytest.fixture
def certificate(app_ctx):
    parties = factories.Parties()
    parties.enterprise.locale = "en"  # one recipient reads English, the evaluator Chinese
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    staff = factories.user(alliance, role=Role.ALLIANCE_STAFF, is_org_admin=True)
    with time_machine.travel(datetime(2026, 3, 2, 2), tick=False):
        item = issue_for(factories.project(parties, ProjectStatus.READY_TO_ISSUE), staff)
    item.parties = parties
    return item


def keys() -> list[str]:
    return sorted(db.session.scalars(sa.select(OutboxMessage.dedup_key)))


def schedule(certificate):
    return {
        i.kind: i
        for i in db.session.scalars(
            sa.select(ScheduleItem).where(ScheduleItem.certificate_id == certificate.id)
        )
    }


def test_issuing_creates_the_schedule(certificate):
    items = schedule(certificate)
    assert items[ScheduleKind.SURVEILLANCE_1].due_on == date(2027, 3, 2)
    assert items[ScheduleKind.SURVEILLANCE_2].due_on == date(2028, 3, 2)
    assert items[ScheduleKind.RECERTIFICATION].due_on == certificate.expires_on == date(2029, 3, 2)


def test_each_surveillance_reminder_on_its_day_and_no_other(certificate):
    due = date(2027, 3, 2)
    item = schedule(certificate)[ScheduleKind.SURVEILLANCE_1]
    recipients = 2  # the enterprise's administrator and the lead evaluator
    expected = 0
    for day in (
        due - timedelta(days=91),
        due - timedelta(days=90),
        due - timedelta(days=89),
        due - timedelta(days=31),
        due - timedelta(days=30),
        due - timedelta(days=8),
        due - timedelta(days=7),
        due - timedelta(days=1),
        due,
    ):
        plan_reminders(day)
        offset = (due - day).days
        if offset in (90, 30, 7):
            expected += recipients
        assert len([k for k in keys() if k.startswith(f"reminder:{item.id}:")]) == expected, day
    assert {k.split(":")[2] for k in keys()} == {"T-90", "T-30", "T-7"}


def test_a_missed_reminder_is_caught_up_once(certificate):
    due = date(2027, 3, 2)
    plan_reminders(due - timedelta(days=20))  # the scheduler was down on T-30
    assert {k.split(":")[2] for k in keys()} == {"T-30"}
    plan_reminders(due - timedelta(days=19))
    assert len(keys()) == 2  # not again


def on(day: date):
    """Travel to ``day`` (02:00 UTC, inside the day in every zone the tests use)."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 2), tick=False)


def test_overdue_surveillance_suspends_then_revokes_after_six_months(certificate):
    due = date(2027, 3, 2)
    with on(due):
        assert suspend_overdue() == 0  # due today is not overdue
    with on(due + timedelta(days=1)):
        assert suspend_overdue() == 1
    assert certificate.status == CertificateStatus.SUSPENDED
    assert schedule(certificate)[ScheduleKind.SURVEILLANCE_1].status == ScheduleStatus.MISSED
    overdue = [k for k in keys() if k.startswith("overdue:")]
    assert len(overdue) == 3  # the enterprise, the lead evaluator and the alliance
    with on(due + timedelta(days=2)):
        assert suspend_overdue() == 0  # idempotent
    with on(date(2027, 9, 2)):
        assert revoke_long_suspensions() == 0
    with on(date(2027, 9, 4)):
        assert revoke_long_suspensions() == 1
    assert certificate.status == CertificateStatus.REVOKED
    actions = [e.action for e in certificate.events][-2:]
    assert actions == ["suspend_overdue", "revoke_long_suspension"]
    assert all(e.actor_id is None for e in certificate.events[-2:])


def test_expiry_reminders_and_expiry(certificate):
    expiry = certificate.expires_on
    for days in (180, 90, 30):
        plan_reminders(expiry - timedelta(days=days))
    recert = schedule(certificate)[ScheduleKind.RECERTIFICATION]
    assert {k.split(":")[2] for k in keys() if k.startswith(f"reminder:{recert.id}")} == {
        "T-180",
        "T-90",
        "T-30",
    }
    with on(expiry):
        assert expire_due() == 0
    with on(expiry + timedelta(days=1)):
        assert expire_due() == 1
    assert certificate.status == CertificateStatus.EXPIRED


def test_reminders_arrive_in_each_language_with_a_calendar_entry(certificate, smtp_server):
    due = date(2027, 3, 2)
    plan_reminders(due - timedelta(days=30))
    assert dispatch_due().sent == 2
    english = smtp_server.to(certificate.parties.enterprise.email)[0]
    chinese = smtp_server.to(certificate.parties.lead.email)[0]
    assert english["Subject"].startswith("Certpath: First surveillance evaluation")
    assert "监督评定" in chinese["Subject"]
    assert "in 30 days" in Mailbox.text(english)
    [ics] = [
        part for part in english.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == due
    assert certificate.number in str(event.get("summary"))


def test_reminders_touch_only_certificates_with_something_due(certificate, count_queries):
    for _ in range(5):
        extra = factories.Parties()
        issue_for(factories.project(extra, ProjectStatus.READY_TO_ISSUE), extra.enterprise)
    with count_queries() as counter:
        plan_reminders(ISSUED + relativedelta(days=10))  # nothing due for anyone
    assert counter.count == 1, counter.statements


def test_dashboards_show_what_is_due(app, certificate):
    from tests.functional.projects.helpers import browser_for

    db.session.commit()
    parties = certificate.parties
    with time_machine.travel(datetime(2027, 1, 15, 2), tick=False):  # S1 due 2027-03-02
        for user in (parties.enterprise, parties.lead):
            page = browser_for(app, user).get("/dashboard").get_data(as_text=True)
            assert certificate.number in page, user.role
        outsider = browser_for(app, factories.user()).get("/dashboard").get_data(as_text=True)
        assert certificate.number not in outsider


def test_reminders_are_also_in_app_notifications(app, certificate):
    from models import Notification
    from tests.functional.projects.helpers import browser_for

    due = date(2027, 3, 2)
    plan_reminders(due - timedelta(days=30))
    plan_reminders(due - timedelta(days=29))  # not twice
    enterprise = certificate.parties.enterprise
    rows = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == enterprise.id)
    ).all()
    assert len(rows) == 1 and certificate.number in rows[0].title
    assert rows[0].title.startswith("First surveillance evaluation")  # English reader
    db.session.commit()
    browser = browser_for(app, enterprise)
    page = browser.get("/notifications/").get_data(as_text=True)
    assert certificate.number in page
    assert "badge bg-warning" in browser.get("/dashboard").get_data(as_text=True)
    browser.submit("/notifications/", {}, action="/notifications/read")
    assert "badge bg-warning" not in browser.get("/dashboard").get_data(as_text=True)


def test_the_scheduler_process_suspends_without_any_request(app, certificate):
    """`flask scheduler run` has an app context but no request (no session, no browser
    language): every job, and the texts it records, must work there too."""
    import threading

    from app.scheduler.runner import run_once

    db.session.commit()
    outcome: dict = {}

    def scheduler_thread():  # a new thread starts outside the test's request context
        outcome.update(run_once(app))

    with time_machine.travel(datetime(2027, 3, 3, 2), tick=False):
        thread = threading.Thread(target=scheduler_thread)
        thread.start()
        thread.join()
    assert outcome and all(outcome.values()), outcome
    db.session.expire_all()
    assert certificate.status == CertificateStatus.SUSPENDED
    [event] = [e for e in certificate.events if e.action == "suspend_overdue"]
    assert "2027-03-02" in event.reason and "未" in event.reason  # in Chinese, the default
