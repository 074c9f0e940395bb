"""What waits on an organisation's administrators whatever its kind: API keys about to expire
(from the first reminder on, as the reminder job counts it), and webhook deliveries that gave
up (blueprints.main.worklist.webhooks)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.clock import utcnow
from app.security.permissions import Permission, has_permission
from blueprints.api import expiry, keys
from blueprints.main.worklist import declarations, webhooks
from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import ApiKey, User


def lists(user: User) -> list[WorkList]:
    organisation = user.organisation
    found = []
    if organisation is not None and keys.may_manage(user, organisation):
        found.append(keys_expiring(organisation.id))
    if has_permission(user, Permission.WEBHOOKS_MANAGE):
        found.append(webhooks.failed_deliveries(user))
    return declarations.lists(user) + found


def keys_expiring(organisation_id: int) -> WorkList:
    query = (
        sa.select(ApiKey.id, ApiKey.name, ApiKey.expires_at, ApiKey.created_at)
        .where(ApiKey.organisation_id == organisation_id, expiry.expiring_soon(utcnow()))
        .order_by(ApiKey.expires_at, ApiKey.id)
    )
    return capped(
        "renew_api_keys",
        _("API keys about to expire"),
        query,
        lambda row: WorkItem(
            what=_("Make a new key for the programs that use this one"),
            whom=row.name,
            url=url_for("api_keys.index", _anchor=f"key-{row.id}"),
            since=row.created_at,
            due=expiry.last_day(row.expires_at),
        ),
    )
