"""The work list of the dashboard: what waits on the signed-in user, by role.

Each role's module returns its kinds of items, each one capped query (see ``items``); the
dashboard renders them all the same way. The administrator keeps the platform and takes no
part in the path, so has none.
"""

from __future__ import annotations

from collections.abc import Callable

from blueprints.main.worklist import (
    account,
    alliance,
    authority,
    consultancy,
    diagnosis,
    enterprise,
    evaluation,
    reform,
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
    Role.AUDITOR: lambda user: [reform.audit_firm_list(user)],
}


def work_for(user: User) -> list[WorkList]:
    """Every kind of item of the user's role, empty ones included (the page skips them), and
    what waits on an organisation's administrators whatever its kind."""
    build = _BY_ROLE.get(user.role)
    return (build(user) if build else []) + account.lists(user)


__all__ = ["LIMIT", "WorkItem", "WorkList", "work_for"]
