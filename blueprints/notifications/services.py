"""In-app notifications, written beside the emails with the same key (so never twice)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.extensions import db
from models import Notification, User


def notify(user: User, key: str, title: str, link: str = "") -> None:
    exists = db.session.scalar(
        sa.select(sa.exists().where(Notification.user_id == user.id, Notification.key == key))
    )
    if exists:
        return
    try:
        with db.session.begin_nested():  # another scheduler may write it at the same moment
            db.session.add(
                Notification(user_id=user.id, key=key[:200], title=title[:300], link=link[:500])
            )
    except IntegrityError:
        return


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def of_user(user: User) -> sa.Select:
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def mark_all_read(user: User) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def mark_read(user: User, notification_id: int) -> str | None:
    """Mark one of ``user``'s notices read; its link, or None when it is not theirs."""
    notice = db.session.get(Notification, notification_id)
    if notice is None or notice.user_id != user.id:
        return None
    if notice.read_at is None:
        notice.read_at = utcnow()
    return notice.link
