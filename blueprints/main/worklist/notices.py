"""What waits on any organisation a notice is addressed to: confirming it has read it."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from blueprints.main.worklist.items import WorkItem, WorkList, capped
from blueprints.notices.services import received
from models import Organisation


def notices_to_confirm(org: Organisation) -> WorkList:
    return capped(
        "notices_to_confirm",
        _("Notices to read"),
        received(org, unread_only=True),
        lambda row: WorkItem(
            what=_("Read the notice and confirm it"),
            whom=row.title,
            url=url_for("notices.view", notice_id=row.id),
            since=row.published_at,
            detail=row.sender,
        ),
        more_url=url_for("notices.index", show="unread"),
    )
