"""The impartiality declaration (issue 20): an evaluator or alliance reviewer without a valid
declaration for today signs it; an evaluation body's administrators see which of its
evaluators have not."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.clock import local_today
from blueprints.declarations import services as declarations
from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import OrgKind, User


def lists(user: User) -> list[WorkList]:
    found = []
    if declarations.declares(user):
        found.append(sign_declaration(user))
    if user.is_org_admin and user.organisation.kind == OrgKind.EVALUATION_BODY:
        found.append(undeclared_evaluators(user))
    return found


def sign_declaration(user: User) -> WorkList:
    today = local_today()
    undeclared = declarations.undeclared_people(today).subquery()
    query = sa.select(undeclared.c.id, undeclared.c.name).where(undeclared.c.id == user.id)
    return capped(
        "sign_declaration",
        _("Impartiality declaration to sign"),
        query,
        lambda row: WorkItem(
            what=_(
                "Sign your impartiality and confidentiality declaration for %(year)d",
                year=today.year,
            ),
            whom=row.name,
            url=url_for("declarations.mine"),
        ),
    )


def undeclared_evaluators(user: User) -> WorkList:
    undeclared = declarations.undeclared_people(local_today()).subquery()
    query = (
        sa.select(undeclared.c.id, undeclared.c.name)
        .where(undeclared.c.organisation_id == user.organisation_id, undeclared.c.id != user.id)
        .order_by(undeclared.c.name, undeclared.c.id)
    )
    return capped(
        "undeclared_evaluators",
        _("Evaluators without a declaration"),
        query,
        lambda row: WorkItem(
            what=_("Has not signed this year's impartiality declaration"),
            whom=row.name,
            url=url_for("declarations.evaluators", declared="no"),
        ),
        more_url=url_for("declarations.evaluators", declared="no"),
        waiting=True,
    )
