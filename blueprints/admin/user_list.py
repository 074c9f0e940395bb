"""The administrator's users (/admin/users): searched by name or email, filtered by role, kind
of organisation and whether the account is active, sorted by its columns, paged with the
filters kept, and in Excel — exactly the rows the filters give."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.clock import local_time
from app.forms import filters_of
from app.list_sorting import Sorting, enum_order
from app.lists import given_of
from app.region_lists import Column, cells
from blueprints.admin.forms import UserFilterForm
from models import Organisation, OrgKind, Role, User

# Never signed in sorts as the oldest sign-in, on SQLite and PostgreSQL alike (their NULLs
# sort at opposite ends).
_NEVER = datetime(1900, 1, 1)

SORTING = Sorting(
    keys={
        "name": (User.name,),
        "email": (User.email,),
        "role": (enum_order(User.role, Role), User.name),
        "organisation": (Organisation.name, User.name),
        "created": (User.created_at,),
        "last_login": (sa.func.coalesce(User.last_login_at, _NEVER),),
    },
    default="-created",
    tiebreak=User.id,
)


@dataclass(frozen=True)
class Asked:
    form: UserFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def asked(args: Any) -> Asked:
    """Every account (the administrator sees all), narrowed by the filters, in the sort asked."""
    form = UserFilterForm(args)
    values = filters_of(form)
    query = (
        sa.select(User).join(User.organisation).options(sa.orm.contains_eager(User.organisation))
    )
    if values["role"]:
        query = query.where(User.role == Role(values["role"]))
    if values["kind"]:
        query = query.where(Organisation.kind == OrgKind(values["kind"]))
    if values["active"]:
        query = query.where(User.active.is_(values["active"] == "active"))
    term = (values["q"] or "").strip()
    if term:  # a part of the name or the address, as typed (% and _ are no wildcards)
        query = query.where(
            sa.or_(
                User.name.icontains(term, autoescape=True),
                User.email.icontains(term, autoescape=True),
            )
        )
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """An account as the Excel shows it."""

    name: str
    email: str
    role: Role
    organisation: str
    kind: OrgKind
    org_admin: str
    active: str
    created: datetime | None
    last_login: datetime | None


def lines(users: Iterable[User]) -> Iterator[Line]:
    yes, no = str(_l("Yes")), str(_l("No"))
    for user in users:
        yield Line(
            name=user.name,
            email=user.email,
            role=user.role,
            organisation=user.organisation.name,
            kind=user.organisation.kind,
            org_admin=yes if user.is_org_admin else no,
            active=yes if user.active else no,
            created=local_time(user.created_at),
            last_login=local_time(user.last_login_at),
        )


COLUMNS = (
    Column(_l("Name"), "name"),
    Column(_l("Email"), "email"),
    Column(_l("Role"), "role"),
    Column(_l("Organisation"), "organisation"),
    Column(_l("Kind of organisation"), "kind"),
    Column(_l("Administrator of this organisation"), "org_admin"),
    Column(_l("Active"), "active"),
    Column(_l("Created"), "created"),
    Column(_l("Last sign-in"), "last_login"),
)


def rows_of(users: Iterable[User]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(users))
