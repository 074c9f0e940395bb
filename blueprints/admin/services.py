"""Administrator work: staff accounts and organisations. Only flushes."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.clock import utcnow
from app.extensions import db
from app.security import passwords
from blueprints.auth.services import AccountError, email_taken, normalise_email, send_invitation
from models import Organisation, OrgKind, Region, Role, User


def create_user(
    *,
    organisation: Organisation,
    role: Role,
    name: str,
    email: str,
    locale: str = "zh",
    is_org_admin: bool = False,
    password: str | None = None,
    inviter: User | None = None,
) -> User:
    """Create an account; with a password it is ready at once, else an invitation is mailed."""
    if organisation.kind not in role.org_kinds:
        raise AccountError(
            _(
                "A %(role)s cannot belong to an organisation of kind %(kind)s.",
                role=role.title,
                kind=organisation.kind.title,
            ),
            "role",
        )
    email = normalise_email(email)
    if email_taken(email):
        raise AccountError(_("An account with this email already exists."), "email")
    user = User(
        organisation=organisation,
        role=role,
        name=name.strip(),
        email=email,
        locale=locale,
        is_org_admin=is_org_admin,
    )
    if password is not None:
        problem = passwords.password_problem(password, user_inputs=[email, name])
        if problem:
            raise AccountError(problem, "password")
        user.password_hash = passwords.hash_password(password)
        user.email_verified_at = utcnow()
    db.session.add(user)
    db.session.flush()
    if password is None:
        send_invitation(user, inviter or user)
    return user


def create_organisation(
    *,
    kind: OrgKind,
    name: str,
    region: Region | None = None,
    body_code: str | None = None,
    **contacts: str,
) -> Organisation:
    if kind == OrgKind.ENTERPRISE:
        raise AccountError(_("Enterprises register themselves."), "kind")
    body_code = (body_code or "").strip() or None
    if kind == OrgKind.EVALUATION_BODY:
        if body_code is None or len(body_code) != 3 or not body_code.isdigit():
            raise AccountError(_("An evaluation body needs a three-digit code."), "body_code")
        taken = db.session.scalar(sa.select(sa.exists().where(Organisation.body_code == body_code)))
        if taken:
            raise AccountError(
                _("Another evaluation body already uses code %(code)s.", code=body_code),
                "body_code",
            )
    elif body_code:
        raise AccountError(_("Only evaluation bodies have a body code."), "body_code")
    if kind == OrgKind.AUTHORITY and region is None:
        raise AccountError(_("An authority needs the region it governs."), "region_1")
    org = Organisation(
        kind=kind,
        name=name.strip(),
        body_code=body_code,
        region_code=region.code if region else None,
        **{k: (v or "").strip() for k, v in contacts.items()},
    )
    db.session.add(org)
    db.session.flush()
    return org
