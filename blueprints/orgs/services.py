"""Organisation listing and membership changes. Only flushes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import WorkflowError
from app.extensions import db
from app.search import name_matches, prefix_of
from app.security.access import organisation_scope
from blueprints.roster.services import tagged
from models import EnterpriseTag, Organisation, OrgKind, User


def visible_organisations(
    user: User, q: str | None, kind: str | None, tag: str | None = None
) -> sa.Select:
    query = sa.select(Organisation).where(organisation_scope(user))
    if kind:
        query = query.where(Organisation.kind == OrgKind(kind))
    if tag:  # enterprises the roster tags so (规上, 专精特新, …)
        query = query.where(tagged(EnterpriseTag(tag)))
    if q and q.strip():
        # The name by its words (an index on PostgreSQL), or the credit code by its beginning.
        query = query.where(
            sa.or_(
                name_matches(
                    Organisation.name,
                    Organisation.name_tokens,
                    q,
                    initials=Organisation.name_initials,
                ),
                prefix_of(Organisation.credit_code, q),
            )
        )
    return query  # ordered by the list (org_list.SORTING)


def members(org: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organisation_id == org.id)
            .order_by(User.active.desc(), User.name)
        )
    )


def set_member_active(actor: User, member: User, active: bool) -> None:
    if member.id == actor.id and not active:
        raise WorkflowError(_("You cannot deactivate your own account."))
    if not active and member.is_org_admin:
        remaining = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(
                User.organisation_id == member.organisation_id,
                User.is_org_admin.is_(True),
                User.active.is_(True),
                User.id != member.id,
            )
        )
        if not remaining:
            raise WorkflowError(_("An organisation must keep at least one active administrator."))
    member.active = active
    if not active:
        member.auth_version += 1  # sign the member out everywhere


def contact_of(org_id: Any) -> sa.ColumnElement[bool]:
    """``User`` hears for the organisation ``org_id`` (a value or a column, so that a batch
    query can join on it): its administrators, else every active member who has finished
    signing up (invitees without a password are left out)."""
    admin = sa.orm.aliased(User)

    def signed_up(user: Any) -> sa.ColumnElement[bool]:
        return sa.and_(
            user.organisation_id == org_id, user.active.is_(True), user.password_hash.is_not(None)
        )

    return sa.and_(
        signed_up(User),
        sa.or_(
            User.is_org_admin.is_(True),
            ~sa.exists().where(signed_up(admin), admin.is_org_admin.is_(True)),
        ),
    )


def contacts(org_id: int | None) -> list[User]:
    """Who hears for an organisation (see contact_of)."""
    if org_id is None:
        return []
    return list(db.session.scalars(sa.select(User).where(contact_of(org_id)).order_by(User.id)))
