"""The work list of the dashboard: what waits on the signed-in user, by role.

Each role's module returns its kinds of items, each one capped query (see ``items``); the
dashboard renders them all the same way. The administrator keeps the platform and takes no
part in the path, so has none.
"""

from __future__ import annotations

from collections.abc import Callable

from app.security.permissions import Permission, has_permission
from blueprints.main.worklist import (
    alliance,
    authority,
    consultancy,
    diagnosis,
    enterprise,
    evaluation,
    webhooks,
)
from blueprints.main.worklist.items import LIMIT, WorkItem, WorkList
from models import Role, User

_BY_ROLE: dict[Role, Callable[[User], list[WorkList]]] = {
    Role.ENTERPRISE: enterprise.lists,
    Role.CONSULTANT: consultancy.lists,
    Role.EVALUATOR: evaluation.lists,
    Role.ALLIANCE_STAFF: alliance.lists,
    Role.AUTHORITY: authority.lists,
    Role.DIAGNOSTICIAN: diagnosis.provider_lists,
}


def work_for(user: User) -> list[WorkList]:
    """Every kind of item of the user's role, empty ones included (the page skips them)."""
    build = _BY_ROLE.get(user.role)
    if build is None:
        return []
    lists = build(user)
    if has_permission(user, Permission.WEBHOOKS_MANAGE):  # an organisation's administrators
        lists.append(webhooks.failed_deliveries(user))
    return lists


__all__ = ["LIMIT", "WorkItem", "WorkList", "work_for"]
