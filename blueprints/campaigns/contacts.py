"""The contact persons of seed 001's annex (工作负责人, 工作联系人, 分平台管理员): each authority
keeps its own; an authority reads those of the authorities below it — searched by authority
(pinyin initials too), person, telephone or email, filtered by role, region and the day last
updated, sorted by their columns, paged with the filters kept, and in Excel with exactly the
rows the filters give."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_time
from app.extensions import db
from app.forms import DateField, enum_options, filters_of
from app.list_sorting import Sorting, enum_order
from app.lists import given_of, within_days
from app.region_lists import Column, cells
from app.search import name_matches
from app.security.access import in_region, region_prefix
from blueprints.reference.fields import RegionSearchField
from blueprints.reference.names import region_label
from models import AuthorityContact, ContactRole, Organisation, OrgKind

FIELDS = ("name", "department_title", "phone", "fax", "mobile", "email")
SEARCH_MAX = 100


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


# --- the contacts of the authorities below: searched, filtered, sorted, paged, in Excel


class ContactFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Authority, person, telephone or email"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_l("Authorities can also be found by the pinyin initials of their names."),
    )
    role = SelectField(
        _l("Role"),
        validators=[Optional()],
        choices=lambda: enum_options(ContactRole, blank=_l("All")),
    )
    region = RegionSearchField()
    since = DateField(_l("Updated from"), validators=[Optional()])
    until = DateField(_l("Updated until"), validators=[Optional()])

    FILTERS = ("q", "role", "region", "since", "until", "sort")


SORTING = Sorting(
    keys={
        "authority": (Organisation.name, enum_order(AuthorityContact.role, ContactRole)),
        "region": (
            Organisation.region_code,
            Organisation.id,
            enum_order(AuthorityContact.role, ContactRole),
        ),
        "role": (enum_order(AuthorityContact.role, ContactRole), Organisation.region_code),
        "name": (AuthorityContact.name,),
        "updated": (AuthorityContact.updated_at,),
    },
    default="region",  # the region's tree, each authority's people in the annex's order
    tiebreak=AuthorityContact.id,
)


@dataclass(frozen=True)
class Asked:
    form: ContactFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def _searched(term: str) -> sa.ColumnElement[bool]:
    return sa.or_(
        name_matches(
            Organisation.name, Organisation.name_tokens, term, initials=Organisation.name_initials
        ),
        *(
            column.contains(term, autoescape=True)
            for column in (
                AuthorityContact.name,
                AuthorityContact.phone,
                AuthorityContact.mobile,
                AuthorityContact.email,
            )
        ),
    )


def below(authority: Organisation, args: Any) -> Asked:
    """The contacts of the authorities inside the authority's region (its own excluded),
    narrowed by the filters, in the sort asked."""
    form = ContactFilterForm(args)
    values = filters_of(form)
    prefix = region_prefix(authority.region_code)
    query = (
        sa.select(AuthorityContact, Organisation.name, Organisation.region_code)
        .join(Organisation, Organisation.id == AuthorityContact.authority_id)
        .where(
            Organisation.kind == OrgKind.AUTHORITY,
            Organisation.id != authority.id,
            in_region(prefix, Organisation.region_code) if prefix else sa.false(),
        )
    )
    term = (values["q"] or "").strip()
    if term:
        query = query.where(_searched(term))
    if values["role"]:
        query = query.where(AuthorityContact.role == ContactRole(values["role"]))
    region = form.region.where(Organisation.region_code)
    if region is not None:
        query = query.where(region)
    query = query.where(*within_days(AuthorityContact.updated_at, values["since"], values["until"]))
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """A contact person as the Excel shows them."""

    authority: str
    region_code: str | None
    region: str
    role: ContactRole
    name: str
    department_title: str
    phone: str
    fax: str
    mobile: str
    email: str
    updated: datetime | None


COLUMNS = (
    Column(_l("Authority"), "authority"),
    Column(_l("Region code"), "region_code"),
    Column(_l("Region"), "region"),
    Column(_l("Role"), "role"),
    Column(_l("Full name"), "name"),
    Column(_l("Department and title"), "department_title"),
    Column(_l("Telephone"), "phone"),
    Column(_l("Fax"), "fax"),
    Column(_l("Mobile"), "mobile"),
    Column(_l("Email"), "email"),
    Column(_l("Last updated"), "updated"),
)


def rows_of(result: Iterable[Any]) -> Iterator[list[Any]]:
    for contact, authority, region_code in result:
        line = Line(
            authority=authority,
            region_code=region_code,
            region=region_label(region_code),
            role=contact.role,
            name=contact.name,
            department_title=contact.department_title,
            phone=contact.phone,
            fax=contact.fax,
            mobile=contact.mobile,
            email=contact.email,
            updated=local_time(contact.updated_at),
        )
        yield cells(line, COLUMNS)
