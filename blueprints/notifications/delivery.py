"""Delivering a notice: in the app always, by email unless the recipient muted its category
(what was done to their own account cannot be muted).

Both carry the same key (event, occurrence, recipient), so that a notice is given once per
occurrence whatever retries or double submits happen; both are written in the request's
transaction, so a refused request notifies nobody.
"""

from __future__ import annotations

from flask_babel import force_locale

from app.events import Event
from app.mail.outbox import queue_email
from blueprints.notifications.services import notify
from blueprints.notifications.table import notice_for
from models import User


def deliver(event: Event) -> None:
    notice = notice_for(event.name)
    if notice is None:
        return
    link = notice.link(event)
    for user in notice.recipients(event):
        if user.id == event.actor.id:
            continue  # nobody is told of their own act
        key = f"{event.name}:{event.occurrence}:{user.id}"
        with force_locale(user.locale):
            title = notice.title(event)
        notify(user, key, title, link)
        category = notice.category
        if not category.may_be_muted or category.value not in (user.email_muted or []):
            queue_email(
                dedup_key=key,
                recipient=user.email,
                template=notice.template,
                locale=user.locale,
                user=user,
                title=title,
                subject_args={"title": title},
                actor=event.actor if isinstance(event.actor, User) else None,
                link=link,
                **event.context,
            )
