"""Reminders before an API key expires: its organisation's administrators and its maker hear
CERTPATH_API_KEY_EXPIRY_REMINDER_DAYS before (14 and 3 days), in the app and by email, so that a
provincial platform's data exchange does not stop on the day. Each key remembers the nearest
reminder it had: a rerun, a restarted scheduler or two of them tell nobody twice (the notices'
own keys would hold that too), and a run costs one query when nothing is new.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.clock import local_time, utcnow
from app.events import announce
from app.extensions import db
from app.workflow import SYSTEM
from models import ApiKey, User


def reminder_days() -> list[int]:
    return sorted({int(days) for days in current_app.config["API_KEY_EXPIRY_REMINDER_DAYS"]})


def last_day(expires_at: datetime) -> date:
    """The last day a key works, in the business time zone (it stops at that day's end)."""
    moment = local_time(expires_at)
    assert moment is not None
    return (moment - timedelta(microseconds=1)).date()


def _reached(expires_at: datetime, now: datetime, days: list[int]) -> int | None:
    """The nearest reminder a key expiring at ``expires_at`` has reached by ``now``."""
    left = expires_at - now
    reached = [d for d in days if left <= timedelta(days=d)]
    return min(reached) if reached else None


def horizon(now: datetime) -> datetime:
    """Keys expiring by then have reached their first reminder."""
    return now + timedelta(days=max(reminder_days(), default=0))


def expiring_soon(now: datetime) -> sa.ColumnElement[bool]:
    """Live keys within the earliest reminder of their expiry."""
    return sa.and_(
        ApiKey.revoked_at.is_(None), ApiKey.expires_at > now, ApiKey.expires_at <= horizon(now)
    )


def remind() -> int:
    """Tell of every key that reached a nearer reminder since the last run; how many."""
    days = reminder_days()
    if not days:
        return 0
    now = utcnow()
    keys = db.session.scalars(
        sa.select(ApiKey)
        .join(User, User.id == ApiKey.created_by_id)
        .options(sa.orm.joinedload(ApiKey.organisation), sa.orm.joinedload(ApiKey.created_by))
        .where(
            expiring_soon(now),
            User.active.is_(True),
            sa.or_(ApiKey.reminded_days.is_(None), ApiKey.reminded_days > min(days)),
        )
        .order_by(ApiKey.expires_at, ApiKey.id)
    ).all()
    told = 0
    for key in keys:
        reached = _reached(key.expires_at, now, days)
        if reached is None or (key.reminded_days is not None and key.reminded_days <= reached):
            continue
        announce(
            "api_key.expiring",
            key,
            SYSTEM,
            occurrence=f"api_key:{key.id}:T-{reached}",
            organisation=key.organisation,
            last_day=last_day(key.expires_at),
        )
        # Not through the versioned row: an administrator revoking the key meanwhile must not
        # meet a conflict made by the scheduler.
        db.session.execute(
            sa.update(ApiKey)
            .where(ApiKey.id == key.id)
            .values(reminded_days=reached)
            .execution_options(synchronize_session=False)
        )
        told += 1
    db.session.commit()
    return told
