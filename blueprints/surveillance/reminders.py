"""Reminders before a surveillance or the expiry falls due, and the consequence of missing one
(DOMAIN.md §6).

Every query here starts from an index on dates (pending items by due date), so a run touches
only what is due. Reminders go through the outbox with a key per item, offset and recipient:
re-running a job, restarting the scheduler or running two of them never sends one twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from icalendar import Calendar, Event

from app.clock import local_today, utcnow
from app.extensions import db
from app.mail.outbox import queue_email
from app.urls import external_url
from app.workflow import SYSTEM
from blueprints.certificates import services as certificates
from blueprints.notifications.services import notify
from blueprints.orgs.services import contacts
from blueprints.surveillance import services
from blueprints.surveillance.transitions import SURVEILLANCE_KINDS
from models import (
    PENDING_SCHEDULE_STATUSES,
    Certificate,
    CertificateStatus,
    Organisation,
    OrgKind,
    Project,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
    User,
)

C = CertificateStatus
LIVE = (C.VALID, C.SUSPENDED)


def recipients(certificate: Certificate, *, with_alliance: bool = False) -> list[User]:
    """The enterprise's contacts and the evaluation body's lead evaluator (and the alliance)."""
    people = {u.id: u for u in contacts(certificate.organisation_id)}
    project = db.session.get(Project, certificate.project_id)
    if project is not None and project.lead_evaluator is not None:
        people[project.lead_evaluator.id] = project.lead_evaluator
    else:
        people.update({u.id: u for u in contacts(certificate.body_id)})
    if with_alliance:
        alliance = db.session.scalar(
            sa.select(Organisation.id)
            .where(Organisation.kind == OrgKind.ALLIANCE)
            .order_by(Organisation.id)
            .limit(1)
        )
        people.update({u.id: u for u in contacts(alliance)})
    return list(people.values())


def calendar_entry(item: ScheduleItem, locale: str) -> dict[str, str]:
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


def _offsets(item: ScheduleItem) -> list[int]:
    key = (
        "EXPIRY_REMINDER_DAYS"
        if item.kind == ScheduleKind.RECERTIFICATION
        else "SURVEILLANCE_REMINDER_DAYS"
    )
    return sorted(current_app.config[key])


def _subject_args(item: ScheduleItem, locale: str) -> dict[str, Any]:
    with force_locale(locale):
        return {
            "what": item.kind.title,
            "number": item.certificate.number,
            "date": format_date(item.due_on, "medium"),
        }


def plan_reminders(today: date | None = None) -> int:
    """Queue the reminders due today — and, after a pause, the latest one that was missed."""
    today = today or local_today()
    horizon = today + timedelta(
        days=max(
            current_app.config["SURVEILLANCE_REMINDER_DAYS"]
            + current_app.config["EXPIRY_REMINDER_DAYS"]
        )
    )
    items = db.session.scalars(
        sa.select(ScheduleItem)
        .join(Certificate)
        .where(
            ScheduleItem.status.in_(PENDING_SCHEDULE_STATUSES),
            ScheduleItem.due_on.between(today, horizon),
            Certificate.status.in_(LIVE),
        )
        .options(sa.orm.contains_eager(ScheduleItem.certificate))
    )
    queued = 0
    for item in items:
        reached = [days for days in _offsets(item) if item.due_on - timedelta(days=days) <= today]
        if not reached:
            continue
        offset = min(reached)  # the most recent reminder: never a burst of stale ones
        for user in recipients(item.certificate):
            queued += _tell(
                user,
                f"reminder:{item.id}:T-{offset}:{user.id}",
                item,
                lambda args: _("%(what)s of certificate %(number)s due on %(date)s", **args),
                "reminder",
                days=(item.due_on - today).days,
                attachments=[calendar_entry(item, user.locale)],
            )
    return queued


def suspend_overdue() -> int:
    """A surveillance not completed by its due date suspends the certificate, with notices to
    the enterprise, the body and the alliance. A missed recertification lets it expire."""
    today = local_today()
    items = db.session.scalars(
        sa.select(ScheduleItem).where(
            ScheduleItem.status.in_([ScheduleStatus.OPEN, ScheduleStatus.PLANNED]),
            ScheduleItem.due_on < today,
        )
    ).all()
    count = 0
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
        for user in recipients(certificate, with_alliance=True):
            _tell(
                user,
                f"overdue:{item.id}:{user.id}",
                item,
                lambda args: _(
                    "%(what)s of certificate %(number)s is overdue — certificate suspended",
                    **args,
                ),
                "overdue",
            )
        count += 1
    return count


def _tell(
    user: User,
    key: str,
    item: ScheduleItem,
    title: Callable[[dict[str, Any]], str],
    template: str,
    **context: Any,
) -> bool:
    """One notice under one key, in the app and by email, in the recipient's language; False
    when it was already queued (the key makes it exactly-once)."""
    certificate = item.certificate
    link = external_url("certificates.verify", number=certificate.number)
    args = _subject_args(item, user.locale)
    with force_locale(user.locale):
        notify(user, key, title(args), link)
    return bool(
        queue_email(
            dedup_key=key,
            recipient=user.email,
            template=template,
            locale=user.locale,
            user=user,
            item=item,
            certificate=certificate,
            link=link,
            subject_args=args,
            **context,
        )
    )
