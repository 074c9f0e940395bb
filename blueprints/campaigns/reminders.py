"""Reminding the roster enterprises that have not taken part in an open campaign (seed 001's
督办): an email through the outbox — and a notice in the app for those with an account — at most
once per CAMPAIGN_REMINDER_INTERVAL_DAYS per enterprise and campaign, whoever asks.

An enterprise with an account hears through its contacts (orgs.services.contact_of), in each
one's language; one without an account through the roster's contact email, in Chinese; one
with neither cannot be reached and is counted as such. Set-based: one query for the absentees
not reminded lately, one for the people of those with an account, the mails queued in batches,
the reminders recorded in one statement per chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from app.clock import local_today, utcnow
from app.errors import WorkflowError
from app.extensions import db
from app.mail.outbox import Email, queue_emails
from app.urls import external_url
from blueprints.campaigns.progress import absentees
from blueprints.campaigns.regions import Units
from blueprints.orgs.services import contact_of
from models import Campaign, CampaignReminder, Notification, Organisation, RosterEnterprise, User

CHUNK = 1000
# One click reaches a county's or a city's absentees; a province's are reminded unit by unit.
MOST_PER_ACTION = 5000


@dataclass(frozen=True)
class Reminded:
    enterprises: int  # reminded now
    recently: int  # left alone: reminded within the interval
    unreachable: int  # no account and no contact email
    left: int = 0  # beyond MOST_PER_ACTION: the next click takes them


def _recently(campaign: Campaign, since: datetime) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        CampaignReminder.campaign_id == campaign.id,
        CampaignReminder.credit_code == RosterEnterprise.credit_code,
        CampaignReminder.sent_at >= since,
    )


def _subject(campaign: Campaign) -> str:
    return _(
        "Take part in %(title)s: fill in your self-assessment by %(date)s",
        title=campaign.title,
        date=format_date(campaign.closes_on),
    )


def remind(campaign: Campaign, units: Units, authority: Organisation, actor: User) -> Reminded:
    if not campaign.is_open(local_today()):
        raise WorkflowError(_("The window is not open: there is nothing to take part in now."))
    now = utcnow()
    since = now - timedelta(days=current_app.config["CAMPAIGN_REMINDER_INTERVAL_DAYS"])
    absent = absentees(campaign, units)
    due = absent.where(~_recently(campaign, since)).limit(MOST_PER_ACTION + 1)
    rows = db.session.execute(due).all()
    left = max(0, len(rows) - MOST_PER_ACTION)
    rows = rows[:MOST_PER_ACTION]
    recently = db.session.scalar(
        sa.select(sa.func.count()).select_from(absent.where(_recently(campaign, since)).subquery())
    )
    people = _people(row.credit_code for row in rows)
    link = external_url("assessment.index")
    emails, notices, reached = [], [], []
    day = now.date().isoformat()
    for row in rows:
        users = people.get(row.credit_code, [])
        readers: list[tuple[str, str, str, int | None]] = [
            (u.email, u.locale, u.name, u.id) for u in users
        ] or ([(row.contact_email, "zh", row.name, None)] if row.contact_email else [])
        if not readers:
            continue
        reached.append(row.credit_code)
        for address, locale, name, user_id in readers:
            key = f"campaign.remind:{campaign.id}:{row.credit_code}:{day}:{address}"
            with force_locale(locale):
                title = _subject(campaign)
            context = {
                "name": name,
                "title": title,
                "campaign": campaign,
                "link": link,
                "subject_args": {"title": title},
            }
            emails.append(Email(key, address, "campaign_reminder", locale, context))
            if user_id is not None:
                notices.append({"user_id": user_id, "key": key[:200], "title": title[:300]})
    queue_emails(emails)
    _notify(notices, link)
    _record(campaign, reached, authority, now)
    return Reminded(len(reached), recently or 0, len(rows) - len(reached), left)


def _people(codes) -> dict[str, list[User]]:
    """Who hears for the enterprises with these credit codes that have an account."""
    wanted = sorted(set(codes))
    found: dict[str, list[User]] = {}
    for start in range(0, len(wanted), CHUNK):
        query = (
            sa.select(User, Organisation.credit_code)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(
                Organisation.credit_code.in_(wanted[start : start + CHUNK]),
                Organisation.active.is_(True),
                contact_of(Organisation.id),
            )
            .order_by(User.id)
        )
        for user, code in db.session.execute(query):
            found.setdefault(code, []).append(user)
    return found


def _notify(notices: list[dict], link: str) -> None:
    """The in-app notices (a user reminded twice the same day keeps the first)."""
    for start in range(0, len(notices), CHUNK):
        chunk = [
            {**n, "link": link[:500], "created_at": utcnow()}
            for n in notices[start : start + CHUNK]
        ]
        keys = {(n["user_id"], n["key"]) for n in chunk}
        taken = set(
            db.session.execute(
                sa.select(Notification.user_id, Notification.key).where(
                    sa.tuple_(Notification.user_id, Notification.key).in_(sorted(keys))
                )
            ).all()
        )
        fresh = [n for n in chunk if (n["user_id"], n["key"]) not in taken]
        if fresh:
            db.session.execute(sa.insert(Notification), fresh)


def _record(campaign: Campaign, codes: list[str], authority: Organisation, now: datetime) -> None:
    """Each reminded enterprise's last reminder is now (its earlier row replaced)."""
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        db.session.execute(
            sa.delete(CampaignReminder).where(
                CampaignReminder.campaign_id == campaign.id,
                CampaignReminder.credit_code.in_(chunk),
            )
        )
        db.session.execute(
            sa.insert(CampaignReminder),
            [
                {
                    "campaign_id": campaign.id,
                    "credit_code": code,
                    "sent_at": now,
                    "sent_by_id": authority.id,
                }
                for code in chunk
            ],
        )
