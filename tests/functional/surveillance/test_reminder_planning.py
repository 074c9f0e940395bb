"""Reminder planning in sets: statements per run bounded by batches, not by reminders; a rerun
with nothing new is one query; each key queued once; the same recipients and the same emails
as one-by-one queueing wrote; large runs commit in batches."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask_babel import force_locale, format_date

from app.clock import local_today
from app.extensions import db
from app.mail import outbox
from app.mail.outbox import insert_skipping_duplicates, render_email
from app.urls import external_url
from blueprints.certificates.services import issue_for
from blueprints.orgs.services import contacts
from blueprints.surveillance import reminders
from blueprints.surveillance.reminders import (
    due_reminders,
    plan_reminders,
    suspend_overdue,
    tell,
)
from models import (
    Certificate,
    CertificateStatus,
    Notification,
    OrgKind,
    OutboxMessage,
    OutboxStatus,
    ProjectStatus,
    Role,
    ScheduleItem,
    ScheduleKind,
)
from tests import factories

pytestmark = pytest.mark.usefixtures("app_ctx")


def due(n: int, due_on: date, **project_fields) -> list[tuple[factories.Parties, ScheduleItem]]:
    """``n`` certificates of their own parties, each with its first surveillance due on
    ``due_on``; two recipients each (the enterprise's administrator, the lead evaluator)."""
    made = []
    for _ in range(n):
        parties = factories.Parties()
        project = factories.project(parties, ProjectStatus.READY_TO_ISSUE, **project_fields)
        certificate = issue_for(project, parties.enterprise)
        item = db.session.scalars(
            sa.select(ScheduleItem).where(
                ScheduleItem.certificate_id == certificate.id,
                ScheduleItem.kind == ScheduleKind.SURVEILLANCE_1,
            )
        ).one()
        item.due_on = due_on
        made.append((parties, item))
    db.session.flush()
    return made


def count(model: type, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def reminder_keys() -> list[str]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.like("reminder:%"))
        )
    )


def test_one_run_costs_the_same_statements_for_5_and_for_50_certificates(count_queries):
    today = local_today()
    due(5, today + timedelta(days=30))  # the T-30 reminder is due today
    due(50, today + timedelta(days=100))  # the T-90 reminder is due in ten days
    with count_queries() as five:
        assert plan_reminders(today) == 10
    with count_queries() as fifty:
        assert plan_reminders(today + timedelta(days=10)) == 100
    # One query finds them with their recipients; per batch: the keys already queued, the
    # emails, the notifications.
    assert five.count == fifty.count == 4, (five.statements, fifty.statements)
    assert count(Notification, Notification.key.like("reminder:%")) == 110


def test_a_rerun_with_nothing_new_is_one_query_and_queues_nothing(count_queries):
    today = local_today()
    due(5, today + timedelta(days=7))
    assert plan_reminders(today) == 10
    emails, notices = count(OutboxMessage), count(Notification)
    for day in (today, today + timedelta(days=1)):  # the next hour, the next day
        with count_queries() as rerun:
            assert plan_reminders(day) == 0
        assert rerun.count == 1, rerun.statements
    assert (count(OutboxMessage), count(Notification)) == (emails, notices)


def test_running_twice_queues_each_reminder_once():
    today = local_today()
    made = due(3, today + timedelta(days=90))
    assert plan_reminders(today) == 6
    assert plan_reminders(today) == 0
    keys = reminder_keys()
    assert len(keys) == len(set(keys)) == 6
    assert sorted(keys) == sorted(
        f"reminder:{item.id}:T-90:{user.id}"
        for parties, item in made
        for user in (parties.enterprise, parties.lead)
    )
    assert count(Notification, Notification.key.like("reminder:%")) == 6


def test_two_schedulers_that_found_the_same_reminders_queue_them_once():
    """Both found the reminders before either wrote: the second's batch finds the keys queued
    (one query) and writes nothing, in the outbox or in the app."""
    today = local_today()
    due(2, today + timedelta(days=30))
    found = due_reminders(today)
    assert len(found) == 4 and due_reminders(today) == found
    assert tell(found) == 4
    assert tell(found) == 0
    assert len(reminder_keys()) == 4
    assert count(Notification, Notification.key.like("reminder:%")) == 4


def test_a_key_written_meanwhile_is_skipped_by_the_insert_itself():
    """What the existence query cannot see (another scheduler's rows committed after it) the
    INSERT skips: ON CONFLICT DO NOTHING, the other rows go in, the transaction goes on."""
    db.session.add(  # another scheduler's row
        OutboxMessage(
            dedup_key="race:1", recipient="a@example.com", subject="s", body_text="t", locale="zh"
        )
    )
    db.session.flush()
    rows = [
        {
            "dedup_key": key,
            "recipient": "a@example.com",
            "subject": "s",
            "body_text": "t",
            "body_html": "h",
            "locale": "zh",
            "status": OutboxStatus.PENDING,
            "attachments": None,
        }
        for key in ("race:1", "race:2")
    ]
    statement = insert_skipping_duplicates(OutboxMessage).returning(OutboxMessage.dedup_key)
    assert list(db.session.scalars(statement, rows)) == ["race:2"]
    assert count(OutboxMessage, OutboxMessage.dedup_key.like("race:%")) == 2


def test_a_recipient_added_later_still_gets_the_current_reminder():
    today = local_today()
    [(parties, item)] = due(1, today + timedelta(days=30))
    assert plan_reminders(today) == 2
    # The enterprise gets a second administrator the next day: told the T-30 reminder, once.
    newcomer = factories.user(parties.enterprise_org, is_org_admin=True)
    assert plan_reminders(today + timedelta(days=1)) == 1
    assert f"reminder:{item.id}:T-30:{newcomer.id}" in reminder_keys()
    assert plan_reminders(today + timedelta(days=1)) == 0


def test_the_recipients_are_the_contacts_and_the_lead_as_before():
    """The query's recipients are orgs.services.contacts() of the enterprise, plus the lead
    evaluator or else the body's contacts: administrators if any, else every active member
    who finished signing up."""
    today = local_today()
    [(led, led_item)] = due(1, today + timedelta(days=30))
    factories.user(led.enterprise_org, is_org_admin=True, locale="en")  # a second admin
    factories.user(led.enterprise_org)  # a member: not told while there are admins
    factories.user(led.enterprise_org, is_org_admin=True, active=False)  # inactive
    factories.user(led.enterprise_org, is_org_admin=True, password_hash=None)  # an invitee
    [(unled, unled_item)] = due(1, today + timedelta(days=30), lead_evaluator=None)
    unled.enterprise.is_org_admin = False  # no administrator: every signed-up member
    factories.user(unled.enterprise_org)
    factories.user(unled.enterprise_org, active=False)
    factories.user(unled.body_org, role=Role.EVALUATOR, is_org_admin=True)
    db.session.flush()

    found: dict[int, set[int]] = {}
    for notice in due_reminders(today):
        found.setdefault(notice.item.id, set()).add(notice.user.id)
    assert found == {
        led_item.id: {u.id for u in contacts(led.enterprise_org.id)} | {led.lead.id},
        unled_item.id: {u.id for u in contacts(unled.enterprise_org.id)}
        | {u.id for u in contacts(unled.body_org.id)},
    }
    assert len(found[led_item.id]) == 3 and len(found[unled_item.id]) == 4


def test_the_emails_and_notices_read_as_one_by_one_queueing_wrote_them():
    """Rendered in batches, grouped by language: the same subject, bodies, calendar entry and
    in-app title as queue_email with the models (what the job did before)."""
    today = local_today()
    [(parties, item)] = due(1, today + timedelta(days=30))
    parties.enterprise.locale = "en"
    db.session.flush()
    assert plan_reminders(today) == 2
    certificate = db.session.get(Certificate, item.certificate_id)
    link = external_url("certificates.verify", number=certificate.number)
    for user in (parties.enterprise, parties.lead):
        key = f"reminder:{item.id}:T-30:{user.id}"
        row = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.dedup_key == key)
        ).one()
        with force_locale(user.locale):
            args = {
                "what": item.kind.title,
                "number": certificate.number,
                "date": format_date(item.due_on, "medium"),
            }
            title = reminders.TITLES["reminder"](args)
        expected = render_email(
            "reminder",
            user.locale,
            user=user,
            item=item,
            certificate=certificate,
            link=link,
            subject_args=args,
            days=30,
        )
        assert (row.subject, row.body_text, row.body_html) == expected
        assert (row.recipient, row.locale) == (user.email, user.locale)
        assert row.status == OutboxStatus.PENDING
        [ics] = row.attachments
        assert ics["filename"] == f"{certificate.number}.ics"
        assert f"SUMMARY:{args['what']} · {certificate.number}" in ics["content"]
        assert "DTSTART;VALUE=DATE:" + item.due_on.strftime("%Y%m%d") in ics["content"]
        notice = db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user.id)
        ).one()
        assert (notice.key, notice.title, notice.link) == (key, title, link)


@contextmanager
def counting_commits() -> Iterator[list[str]]:
    """The commits inside the test's transaction: each releases the session's savepoint."""
    released: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("RELEASE"):
            released.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield released
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def test_a_large_run_commits_batch_by_batch(monkeypatch, count_queries):
    """Batches of 4 (500 in production): 10 reminders are three batches, each committed."""
    monkeypatch.setattr(reminders, "BATCH_SIZE", 4)
    monkeypatch.setattr(outbox, "BATCH_SIZE", 4)
    today = local_today()
    due(5, today + timedelta(days=30))
    with counting_commits() as commits, count_queries() as counter:
        assert plan_reminders(today) == 10
    assert len(commits) == 3
    assert counter.count == 1 + 3 * 3, counter.statements
    assert len(reminder_keys()) == 10


def test_overdue_notices_for_several_batches(monkeypatch):
    """The overdue job takes the items batch by batch until none is left, and tells the
    enterprise, the lead evaluator and the alliance of each suspension once."""
    monkeypatch.setattr(reminders, "BATCH_SIZE", 2)
    factories.user(factories.organisation(OrgKind.ALLIANCE, region="110000"), is_org_admin=True)
    today = local_today()
    made = due(3, today + timedelta(days=5))
    later = today + timedelta(days=6)
    with time_machine.travel(datetime(later.year, later.month, later.day, 2), tick=False):
        assert suspend_overdue() == 3
        assert suspend_overdue() == 0
    for _parties, item in made:
        assert (
            db.session.get(Certificate, item.certificate_id).status == CertificateStatus.SUSPENDED
        )
    keys = list(
        db.session.scalars(
            sa.select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.like("overdue:%"))
        )
    )
    assert len(keys) == len(set(keys)) == 9
    assert count(Notification, Notification.key.like("overdue:%")) == 9
