"""Delivering a notice: in the app always, by email unless the recipient muted its category
(what was done to their own account cannot be muted).

Both carry the same key (event, occurrence, recipient), so that a notice is given once per
occurrence whatever retries or double submits happen; both are written in the request's
transaction, so a refused request notifies nobody.
"""

from __future__ import annotations

from flask_babel import force_locale

from app.events import Event
from app.mail.outbox import Email, queue_emails
from blueprints.notifications.services import notify_many
from blueprints.notifications.table import notice_for
from models import User


def deliver(event: Event) -> None:
    notice = notice_for(event.name)
    if notice is None:
        return
    # Nobody is told of their own act.
    people = [u for u in notice.recipients(event) if u.id != event.actor.id]
    if not people:
        return
    link = notice.link(event)
    titles: dict[str, str] = {}
    for locale in sorted({u.locale for u in people}):
        with force_locale(locale):
            titles[locale] = notice.title(event)
    keys = {u.id: f"{event.name}:{event.occurrence}:{u.id}" for u in people}
    # In bulk: a notice to a province's enterprises reaches thousands of people in one request.
    notify_many([(u.id, keys[u.id], titles[u.locale], link) for u in people])
    category = notice.category
    actor = event.actor if isinstance(event.actor, User) else None
    queue_emails(
        Email(
            dedup_key=keys[u.id],
            recipient=u.email,
            template=notice.template,
            locale=u.locale,
            context={
                "user": u,
                "title": titles[u.locale],
                "subject_args": {"title": titles[u.locale]},
                "actor": actor,
                "link": link,
                **event.context,
            },
        )
        for u in people
        if not category.may_be_muted or category.value not in (u.email_muted or [])
    )
