"""The demo's organisations and accounts, found or created by their natural keys (a credit
code, a body code, an email), so that loading the demo twice adds nothing; and the people of
the evaluation body and the alliance who act in the demo's stories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from stdnum.cn import uscc

from app.clock import utcnow
from app.extensions import db
from app.security.passwords import hash_password
from models import EnterpriseSize, Organisation, OrgKind, Role, User

DEMO_PASSWORD = "Certpath-Demo-2026"  # noqa: S105 - published demo credential, not a secret


def credit_code(base: str) -> str:
    """A fictional code with its GB 32100-2015 check digit, so that it passes validation."""
    return base + uscc.calc_check_digit(base)


def organisation(kind: OrgKind, name: str, **fields: Any) -> Organisation:
    key = (
        Organisation.credit_code == fields["credit_code"]
        if kind == OrgKind.ENTERPRISE
        else Organisation.body_code == fields["body_code"]
        if kind == OrgKind.EVALUATION_BODY
        else sa.and_(Organisation.kind == kind, Organisation.name == name)
    )
    org = db.session.scalar(sa.select(Organisation).where(key))
    if org is None:
        org = Organisation(kind=kind, name=name, **fields)
        db.session.add(org)
        db.session.flush()
    return org


def account(
    org: Organisation,
    role: Role,
    email: str,
    name: str,
    *,
    org_admin: bool = False,
    locale: str = "zh",
) -> User:
    """A verified account with the demo password."""
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(
            organisation=org,
            role=role,
            email=email,
            name=name,
            is_org_admin=org_admin,
            locale=locale,
            password_hash=hash_password(DEMO_PASSWORD),
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
    return user


def enterprise_with_contact(
    name: str, mailbox: str, base: str, county: str, industry: str, address: str
) -> tuple[Organisation, User]:
    """A medium-sized enterprise and its administrator ``<mailbox>@demo.certpath.cn``."""
    org = organisation(
        OrgKind.ENTERPRISE,
        name,
        credit_code=credit_code(base),
        region_code=county,
        industry_code=industry,
        size=EnterpriseSize.MEDIUM,
        address=address,
        contact_name="联系人",
        contact_phone="021-60000000",
    )
    owner = account(
        org, Role.ENTERPRISE, f"{mailbox}@demo.certpath.cn", "企业联系人", org_admin=True
    )
    return org, owner


def first_user(org: Organisation) -> User:
    return db.session.scalars(
        sa.select(User).where(User.organisation_id == org.id).order_by(User.id).limit(1)
    ).one()


@dataclass(frozen=True)
class Team:
    """The body's lead evaluator and member, and the alliance's two reviewers (four eyes)."""

    body: Organisation
    lead: User
    member: User
    reviewers: tuple[User, User]


def team_of(body: Organisation) -> Team:
    lead, member = db.session.scalars(
        sa.select(User).where(User.organisation_id == body.id).order_by(User.id).limit(2)
    ).all()
    first, second = db.session.scalars(
        sa.select(User)
        .join(Organisation)
        .where(Organisation.kind == OrgKind.ALLIANCE, User.role == Role.ALLIANCE_STAFF)
        .order_by(User.id)
        .limit(2)
    ).all()
    return Team(body, lead, member, (first, second))
