"""In-app notifications, written beside the emails with the same key (so never twice)."""

from __future__ import annotations

import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db
from app.mail.outbox import BATCH_SIZE, insert_skipping_duplicates
from models import Notification, User


def notify_many(rows: list[tuple[int, str, str, str]]) -> None:
    """``notify`` for many (user id, key, title, link) at once: one multi-row INSERT per batch
    that skips a key already given (a retried job, another process a moment ago)."""
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        db.session.execute(
            insert_skipping_duplicates(Notification),
            [
                {"user_id": user_id, "key": key[:200], "title": title[:300], "link": link[:500]}
                for user_id, key, title, link in batch
            ],
        )


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
