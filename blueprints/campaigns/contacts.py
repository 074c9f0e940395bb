"""The contact persons of seed 001's annex (工作负责人, 工作联系人, 分平台管理员): each authority
keeps its own; an authority reads those of the authorities below it, as a list and in Excel."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.excel import Sheet, write_xlsx
from app.extensions import db
from app.security.access import in_region, region_prefix
from models import AuthorityContact, ContactRole, Organisation, OrgKind

FIELDS = ("name", "department_title", "phone", "fax", "mobile", "email")


def of(authority: Organisation) -> dict[ContactRole, AuthorityContact]:
    return {
        c.role: c
        for c in db.session.scalars(
            sa.select(AuthorityContact).where(AuthorityContact.authority_id == authority.id)
        )
    }


def save(authority: Organisation, given: Mapping[ContactRole, Mapping[str, str]]) -> None:
    """Set the authority's contacts; a role given without a name is cleared."""
    held = of(authority)
    for role, values in given.items():
        contact = held.get(role)
        if not values.get("name"):
            if contact is not None:
                db.session.delete(contact)
            continue
        if contact is None:
            contact = AuthorityContact(authority_id=authority.id, role=role)
            db.session.add(contact)
        for field in FIELDS:
            setattr(contact, field, values.get(field, "") or "")
    db.session.flush()


def below(authority: Organisation) -> sa.Select:
    """The contacts of the authorities inside the region (its own excluded), by region."""
    prefix = region_prefix(authority.region_code)
    return (
        sa.select(AuthorityContact, Organisation.name, Organisation.region_code)
        .join(Organisation, Organisation.id == AuthorityContact.authority_id)
        .where(
            Organisation.kind == OrgKind.AUTHORITY,
            Organisation.id != authority.id,
            in_region(prefix, Organisation.region_code) if prefix else sa.false(),
        )
        .order_by(Organisation.region_code, Organisation.id, AuthorityContact.role)
    )


def _rows(query: sa.Select) -> Iterator[list[Any]]:
    for contact, authority, region in db.session.execute(query.execution_options(yield_per=500)):
        yield [
            authority,
            region,
            contact.role.title,
            contact.name,
            contact.department_title,
            contact.phone,
            contact.fax,
            contact.mobile,
            contact.email,
        ]


def contacts_xlsx(authority: Organisation, out: IO[bytes]) -> None:
    header = [
        _("Authority"),
        _("Region code"),
        _("Role"),
        _("Name"),
        _("Department and title"),
        _("Telephone"),
        _("Fax"),
        _("Mobile"),
        _("Email"),
    ]
    title = _("Contact persons of the authorities below %(name)s", name=authority.name)
    write_xlsx(
        [Sheet(_("Contact persons"), header, _rows(below(authority)), caption=title)],
        out,
        title=title,
    )
