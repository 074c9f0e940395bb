"""Reminders before a surveillance or the expiry falls due, and the consequence of missing one
(DOMAIN.md §6).

Set-based, so that an hourly run costs what is new, not what is open. One query finds every
reminder newly due: each pending item of a live certificate inside the window (an index on
status and due date) gets the most recent of its reminder days it has reached — one CASE arm
per configured offset — and, joined with its recipients, becomes one row per recipient unless
the outbox already holds that key. A rerun with nothing new is that one query, answering no
rows. The rows are then told in batches (``BATCH_SIZE``): per batch one query for the keys
already queued, one multi-row INSERT of in-app notifications and one of emails, each skipping
a key another scheduler wrote meanwhile, then a commit — so a national first run is not one
giant transaction, and the statements grow with the batches, not with the reminders.

Keys per item, offset and recipient (``reminder:<item>:T-<days>:<user>``) make reminders
exactly-once: re-running a job, restarting the scheduler or running two of them never sends
one twice, and a recipient added later still gets the current reminder.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from icalendar import Calendar, Event

from app.clock import local_today, utcnow
from app.extensions import db
from app.mail.outbox import BATCH_SIZE, Email, insert_skipping_duplicates, queue_emails
from app.urls import external_url
from app.workflow import SYSTEM
from blueprints.certificates import services as certificates
from blueprints.orgs.services import contact_of
from blueprints.surveillance import services
from blueprints.surveillance.transitions import SURVEILLANCE_KINDS
from models import (
    PENDING_SCHEDULE_STATUSES,
    Certificate,
    CertificateStatus,
    Notification,
    Organisation,
    OrgKind,
    OutboxMessage,
    Project,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
    User,
)

C = CertificateStatus
LIVE = (C.VALID, C.SUSPENDED)


# What the notices show, read with the query that finds them: the templates and the calendar
# entry read these attributes of ``item``, ``certificate`` and ``user`` as they would a
# model's — plain values, which no commit between two batches expires.
@dataclass(frozen=True)
class CertificateSnapshot:
    number: str
    enterprise_name: str


@dataclass(frozen=True)
class ItemSnapshot:
    id: int
    kind: ScheduleKind
    due_on: date
    certificate: CertificateSnapshot


@dataclass(frozen=True)
class Recipient:
    id: int
    name: str
    email: str
    locale: str


@dataclass(frozen=True)
class Notice:
    """One reminder or overdue notice to one person, under one key."""

    key: str
    item: ItemSnapshot
    user: Recipient
    template: str  # "reminder" or "overdue"
    days: int | None = None  # reminders: days left until the due date


def _recipients(subjects: sa.CTE, *, with_alliance: bool = False) -> sa.Subquery:
    """Each row of ``subjects`` (with columns ``subject_id``, ``organisation_id``, ``body_id``,
    ``lead_evaluator_id``) once per recipient, with its ``user_id``: the enterprise's contacts
    and the project's lead evaluator — or, without one, the evaluation body's contacts — and
    the alliance's contacts when asked; each person once per subject. The rows carry every
    column of ``subjects``, so that nothing joins back to them (SQLite would scan them)."""
    lead = subjects.c.lead_evaluator_id
    branches = [
        sa.select(subjects, User.id.label("user_id")).join(
            User, contact_of(subjects.c.organisation_id)
        ),
        sa.select(subjects, lead.label("user_id")).where(lead.is_not(None)),
        sa.select(subjects, User.id)
        .join(User, contact_of(subjects.c.body_id))
        .where(lead.is_(None)),
    ]
    if with_alliance:
        alliance = (
            sa.select(Organisation.id)
            .where(Organisation.kind == OrgKind.ALLIANCE)
            .order_by(Organisation.id)
            .limit(1)
            .scalar_subquery()
        )
        branches.append(sa.select(subjects, User.id).join(User, contact_of(alliance)))
    return sa.union(*branches).subquery("recipients")


def _reminder_days(today: date) -> tuple[sa.ColumnElement[Any], int]:
    """The reminder an item has reached today: the smallest of its kind's offsets (days before
    the due date) not smaller than the days left — the most recent reminder, never a burst of
    stale ones after a pause — as a CASE over the item's kind and due date; and the horizon."""
    config = current_app.config
    families = (
        ([ScheduleKind.RECERTIFICATION], config["EXPIRY_REMINDER_DAYS"]),
        (
            [k for k in ScheduleKind if k != ScheduleKind.RECERTIFICATION],
            config["SURVEILLANCE_REMINDER_DAYS"],
        ),
    )
    arms = [
        (
            sa.and_(
                ScheduleItem.kind.in_(kinds), ScheduleItem.due_on <= today + timedelta(days=days)
            ),
            days,
        )
        for kinds, offsets in families
        for days in sorted({int(d) for d in offsets if int(d) >= 0})  # the first arm wins
    ]
    horizon = max((days for _, days in arms), default=-1)
    return sa.case(*arms, else_=sa.null()) if arms else sa.null(), horizon


def _key(*parts: Any) -> sa.ColumnElement[str]:
    """A dedup key built in SQL: literal strings and integer columns, concatenated."""
    pieces = [sa.literal(p) if isinstance(p, str) else sa.cast(p, sa.String) for p in parts]
    return reduce(operator.add, pieces)


def due_reminders(today: date) -> list[Notice]:
    """Every reminder due today and not yet queued, one per item and recipient: one query."""
    days, horizon = _reminder_days(today)
    if horizon < 0:
        return []
    items = (
        sa.select(
            ScheduleItem.id.label("subject_id"),
            ScheduleItem.kind,
            ScheduleItem.due_on,
            Certificate.number,
            Certificate.enterprise_name,
            Certificate.organisation_id,
            Certificate.body_id,
            Project.lead_evaluator_id,
            days.label("days"),
        )
        .join(Certificate, Certificate.id == ScheduleItem.certificate_id)
        .join(Project, Project.id == Certificate.project_id)
        .where(
            ScheduleItem.status.in_(PENDING_SCHEDULE_STATUSES),
            ScheduleItem.due_on.between(today, today + timedelta(days=horizon)),
            Certificate.status.in_(LIVE),
            days.is_not(None),
        )
        .cte("due_items")
    )
    due = _recipients(items)
    key = _key("reminder:", due.c.subject_id, ":T-", due.c.days, ":", due.c.user_id)
    rows = db.session.execute(
        sa.select(due, User.name, User.email, User.locale)
        .join(User, User.id == due.c.user_id)
        .where(~sa.exists().where(OutboxMessage.dedup_key == key))
        .order_by(due.c.subject_id, due.c.user_id)
    )
    notices = []
    for row in rows:
        item = ItemSnapshot(
            row.subject_id,
            row.kind,
            row.due_on,
            CertificateSnapshot(row.number, row.enterprise_name),
        )
        user = Recipient(row.user_id, row.name, row.email, row.locale)
        notices.append(
            Notice(
                f"reminder:{item.id}:T-{row.days}:{user.id}",
                item,
                user,
                "reminder",
                days=(item.due_on - today).days,
            )
        )
    return notices


def plan_reminders(today: date | None = None) -> int:
    """Queue the reminders due today — and, after a pause, the latest one that was missed.
    Commits after each batch; returns the number of emails queued."""
    notices = due_reminders(today or local_today())
    queued = 0
    for start in range(0, len(notices), BATCH_SIZE):
        queued += tell(notices[start : start + BATCH_SIZE])
        db.session.commit()
    return queued


def suspend_overdue() -> int:
    """A surveillance not completed by its due date suspends the certificate, with notices to
    the enterprise, the body and the alliance. A missed recertification lets it expire.

    The moves go one by one through the tables (guards, versions, history); the notices for a
    batch of items are resolved and written at once. Commits after each batch."""
    today = local_today()
    count = 0
    while True:
        items = db.session.scalars(
            sa.select(ScheduleItem)
            .where(
                ScheduleItem.status.in_([ScheduleStatus.OPEN, ScheduleStatus.PLANNED]),
                ScheduleItem.due_on < today,
            )
            .order_by(ScheduleItem.id)
            .limit(BATCH_SIZE)
            .options(sa.orm.joinedload(ScheduleItem.certificate))
        ).all()
        if not items:
            return count
        suspended = []
        # Each item leaves the query's statuses (or the job fails), so the next round finds
        # the next ones and the loop ends.
        for item in items:
            services.perform(item, "miss", SYSTEM)
            certificate = item.certificate
            if item.kind not in SURVEILLANCE_KINDS or certificate.status_on(today) != C.VALID:
                continue
            reason = _(
                "%(what)s not completed by %(date)s.",
                what=item.kind.title,
                date=item.due_on.isoformat(),
            )
            certificates.perform(certificate, "suspend_overdue", SYSTEM, reason)
            suspended.append(item)
        tell(overdue_notices(suspended))
        count += len(suspended)
        db.session.commit()


def overdue_notices(items: Sequence[ScheduleItem]) -> list[Notice]:
    """The overdue notice of each item to each of its recipients, the alliance included."""
    if not items:
        return []
    subjects = (
        sa.select(
            ScheduleItem.id.label("subject_id"),
            Certificate.organisation_id,
            Certificate.body_id,
            Project.lead_evaluator_id,
        )
        .join(Certificate, Certificate.id == ScheduleItem.certificate_id)
        .join(Project, Project.id == Certificate.project_id)
        .where(ScheduleItem.id.in_([item.id for item in items]))
        .cte("overdue_items")
    )
    recipients = _recipients(subjects, with_alliance=True)
    rows = db.session.execute(
        sa.select(recipients.c.subject_id, recipients.c.user_id, User.name, User.email, User.locale)
        .join(User, User.id == recipients.c.user_id)
        .order_by(recipients.c.subject_id, recipients.c.user_id)
    )
    by_id = {
        item.id: ItemSnapshot(
            item.id,
            item.kind,
            item.due_on,
            CertificateSnapshot(item.certificate.number, item.certificate.enterprise_name),
        )
        for item in items
    }
    return [
        Notice(
            f"overdue:{row.subject_id}:{row.user_id}",
            by_id[row.subject_id],
            Recipient(row.user_id, row.name, row.email, row.locale),
            "overdue",
        )
        for row in rows
    ]


def calendar_entry(item: ItemSnapshot, locale: str) -> dict[str, str]:
    """An all-day .ics event on the due date, in the recipient's language."""
    with force_locale(locale):
        summary = f"{item.kind.title} · {item.certificate.number}"
    calendar = Calendar()
    calendar.add("prodid", "-//Certpath//Surveillance reminders//ZH")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"certpath-schedule-{item.id}@certpath")
    event.add("summary", summary)
    event.add("dtstart", item.due_on)
    event.add("dtend", item.due_on + timedelta(days=1))
    event.add("dtstamp", utcnow())
    event.add("url", external_url("certificates.verify", number=item.certificate.number))
    calendar.add_component(event)
    return {
        "filename": f"{item.certificate.number}.ics",
        "content_type": "text/calendar",
        "content": calendar.to_ical().decode(),
    }


TITLES: dict[str, Callable[[dict[str, Any]], str]] = {
    "reminder": lambda args: _("%(what)s of certificate %(number)s due on %(date)s", **args),
    "overdue": lambda args: _(
        "%(what)s of certificate %(number)s is overdue — certificate suspended", **args
    ),
}


def tell(notices: Iterable[Notice]) -> int:
    """Each notice in the app and by email, in its reader's language: the titles, subjects and
    calendar entries made once per item and language, one INSERT of notifications and one of
    emails (each skipping keys written meanwhile). Returns the emails queued; flushes only."""
    made: dict[tuple[int, str, str], tuple[str, dict[str, Any], str, list[dict] | None]] = {}
    notifications: list[dict[str, Any]] = []
    emails: list[Email] = []
    for notice in notices:
        item, user = notice.item, notice.user
        once = (item.id, notice.template, user.locale)
        if once not in made:
            link = external_url("certificates.verify", number=item.certificate.number)
            with force_locale(user.locale):
                args = {
                    "what": item.kind.title,
                    "number": item.certificate.number,
                    "date": format_date(item.due_on, "medium"),
                }
                title = TITLES[notice.template](args)
            ics = [calendar_entry(item, user.locale)] if notice.template == "reminder" else None
            made[once] = link, args, title, ics
        link, args, title, ics = made[once]
        notifications.append(
            {"user_id": user.id, "key": notice.key[:200], "title": title[:300], "link": link[:500]}
        )
        context: dict[str, Any] = {
            "user": user,
            "item": item,
            "certificate": item.certificate,
            "link": link,
            "subject_args": args,
        }
        if notice.days is not None:
            context["days"] = notice.days
        emails.append(Email(notice.key, user.email, notice.template, user.locale, context, ics))
    if notifications:
        db.session.execute(insert_skipping_duplicates(Notification), notifications)
    return len(queue_emails(emails))
