"""An organisation's API keys (/api-keys/): searched by name, key (its public beginning) or
maker; filtered by status (active, expiring soon, expired, revoked), use and the day made;
sorted by their columns, paged with the filters kept, and in Excel with exactly the rows the
filters give — what the administrators file (never the secret, which Certpath does not have).
Only the organisation's own keys (key_routes._organisation)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_time
from app.forms import DateField, enum_options, filters_of, options
from app.list_sorting import Sorting
from app.lists import given_of, within_days
from app.region_lists import Column, cells
from blueprints.api import expiry
from models import ApiKey, ApiScope, User

SEARCH_MAX = 100
ACTIVE, SOON, EXPIRED, REVOKED = "active", "soon", "expired", "revoked"
# Never used sorts after every key used, on SQLite and PostgreSQL alike.
NEVER = datetime(9999, 12, 31)


def _status_choices() -> list[Any]:
    return options(
        (
            (ACTIVE, _l("Active")),
            (SOON, _l("Expires soon")),
            (EXPIRED, _l("Expired")),
            (REVOKED, _l("Revoked")),
        ),
        blank=_l("All"),
    )


class KeyFilterForm(FlaskForm):
    """The keys' filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name, key or maker"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_l("A key is found by its beginning, as the list shows it."),
    )
    status = SelectField(_l("Status"), validators=[Optional()], choices=_status_choices)
    scope = SelectField(
        _l("May be used for"),
        validators=[Optional()],
        choices=lambda: enum_options(ApiScope, blank=_l("All")),
    )
    since = DateField(_l("Made from"), validators=[Optional()])
    until = DateField(_l("Made until"), validators=[Optional()])

    FILTERS = ("q", "status", "scope", "since", "until", "sort")


@dataclass(frozen=True)
class Asked:
    form: KeyFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def _status_rank(now: datetime) -> sa.ColumnElement[int]:
    """Usable keys first, then the expired, then the revoked."""
    return sa.case((ApiKey.revoked_at.is_not(None), 2), (ApiKey.expires_at <= now, 1), else_=0)


def _searched(term: str) -> sa.ColumnElement[bool]:
    # The key as shown (cp_<prefix>_…): its prefix, case kept (base64url).
    prefix = term.removeprefix("cp_").rstrip("_…").split("_", 1)[0]
    found = [
        ApiKey.name.contains(term, autoescape=True),
        User.name.contains(term, autoescape=True),
    ]
    if prefix:
        found.append(ApiKey.prefix.startswith(prefix, autoescape=True))
    return sa.or_(*found)


def asked(organisation_id: int, args: Any, now: datetime) -> Asked:
    """The organisation's keys, narrowed by the filters, in the sort asked; their maker joined
    (searched, sorted and shown) and who revoked them loaded."""
    form = KeyFilterForm(args)
    values = filters_of(form)
    query = (
        sa.select(ApiKey)
        .join(User, User.id == ApiKey.created_by_id)
        .options(sa.orm.contains_eager(ApiKey.created_by), sa.orm.joinedload(ApiKey.revoked_by))
        .where(ApiKey.organisation_id == organisation_id)
    )
    term = (values["q"] or "").strip()
    if term:
        query = query.where(_searched(term))
    status = values["status"]
    if status == REVOKED:
        query = query.where(ApiKey.revoked_at.is_not(None))
    elif status == EXPIRED:
        query = query.where(ApiKey.revoked_at.is_(None), ApiKey.expires_at <= now)
    elif status == ACTIVE:
        query = query.where(ApiKey.revoked_at.is_(None), ApiKey.expires_at > now)
    elif status == SOON:
        query = query.where(expiry.expiring_soon(now))
    if values["scope"]:
        # The uses are a JSON list of fixed names: the name in quotes is in its text.
        scopes = sa.cast(ApiKey.scopes, sa.Text)
        query = query.where(scopes.contains(f'"{ApiScope(values["scope"]).value}"'))
    query = query.where(*within_days(ApiKey.created_at, values["since"], values["until"]))
    sorting = Sorting(
        keys={
            "name": (ApiKey.name,),
            "maker": (User.name, ApiKey.created_at),
            "made": (ApiKey.created_at,),
            "valid": (ApiKey.expires_at,),
            "used": (sa.func.coalesce(ApiKey.last_used_at, NEVER),),
            # Within a status, the newest made first (the highest id).
            "status": (_status_rank(now), -ApiKey.id),
        },
        default="status",
        tiebreak=ApiKey.id,
    )
    sort = sorting.asked()
    return Asked(form, sorting.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """A key as the Excel shows it."""

    name: str
    key: str
    scopes: str
    maker: str
    made: datetime | None
    valid: date
    used: datetime | None
    status: str
    revoked_by: str
    revoked: datetime | None


COLUMNS = (
    Column(_l("Name"), "name"),
    Column(_l("Key"), "key"),
    Column(_l("May be used for"), "scopes"),
    Column(_l("Created by"), "maker"),
    Column(_l("Made on"), "made"),
    Column(_l("Valid until"), "valid"),
    Column(_l("Last used"), "used"),
    Column(_l("Status"), "status"),
    Column(_l("Revoked by"), "revoked_by"),
    Column(_l("Revoked on"), "revoked"),
)
FORMATS = {4: "yyyy-mm-dd hh:mm", 5: "yyyy-mm-dd", 6: "yyyy-mm-dd hh:mm", 9: "yyyy-mm-dd hh:mm"}


def _status(key: ApiKey, now: datetime) -> str:
    if key.revoked_at is not None:
        return _("Revoked")
    return _("Active") if key.usable_at(now) else _("Expired")


def rows_of(now: datetime):
    def rows(keys: Iterable[ApiKey]) -> Iterator[list[Any]]:
        for key in keys:
            line = Line(
                name=key.name,
                key=f"cp_{key.prefix}_…",
                scopes="\n".join(scope.value for scope in key.scope_members()),
                maker=key.created_by.name,
                made=local_time(key.created_at),
                valid=expiry.last_day(key.expires_at),
                used=local_time(key.last_used_at),
                status=_status(key, now),
                revoked_by=key.revoked_by.name if key.revoked_by else "",
                revoked=local_time(key.revoked_at),
            )
            yield cells(line, COLUMNS)

    return rows
