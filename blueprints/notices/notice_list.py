"""The notices lists (/notices/): received (and to confirm) — searched by title or sender,
filtered by audience, confirmed or not and the day sent; sent — searched by title, filtered by
audience and the day sent; both sorted by their columns, paged with the filters kept, and in
Excel with exactly the rows the filters give. And a sent notice's receipts (on its page): the
organisations addressed, searched by name or credit code, filtered by kind, region and
confirmed or not, sorted, paged and in Excel the same way."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_time
from app.forms import DateField, enum_options, filters_of, options
from app.list_sorting import Sorting, enum_order
from app.lists import given_of, within_days
from app.region_lists import Column, cells
from app.search import name_matches, organisation_matches
from blueprints.notices import services
from blueprints.reference.fields import RegionSearchField
from blueprints.reference.names import region_label
from models import Notice, NoticeAudience, Organisation, OrgKind, User

SEARCH_MAX = services.SEARCH_MAX
CONFIRMED, NOT_YET = "yes", "no"
# A moment after every confirmation: "not yet" sorts after the confirmed ones, on SQLite and
# PostgreSQL alike (they place NULL differently).
NEVER = datetime(9999, 12, 31)


def _confirmed_choices() -> list[Any]:
    return options(((CONFIRMED, _l("Confirmed")), (NOT_YET, _l("Not yet"))), blank=_l("All"))


class NoticeFilterForm(FlaskForm):
    """The notices lists' filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(_l("Title or sender"), validators=[Optional(), Length(max=SEARCH_MAX)])
    audience = SelectField(_l("Addressed to"), validators=[Optional()], choices=[])
    confirmed = SelectField(_l("Confirmed"), validators=[Optional()], choices=_confirmed_choices)
    since = DateField(_l("Sent from"), validators=[Optional()])
    until = DateField(_l("Sent until"), validators=[Optional()])

    FILTERS = ("show", "q", "audience", "confirmed", "since", "until", "sort")


@dataclass(frozen=True)
class Asked:
    form: Any
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def asked(actor: User, shown: str, args: Any) -> Asked:
    """The notices of the list ``shown`` (received, unread, sent) of the actor's organisation,
    narrowed by the filters, in the sort asked."""
    org = actor.organisation
    form = NoticeFilterForm(args)
    # The audiences the list may hold: those the actor sends to, or those addressing its kind.
    if shown == "sent":
        audiences = services.audiences_for(actor)
    else:
        audiences = [a for a in NoticeAudience if org.kind in a.kinds]
    form.audience.choices = enum_options(audiences, blank=_l("All"))
    if shown == "sent":
        form.q.label.text = str(_l("Title"))
    values = filters_of(form)
    term = (values["q"] or "").strip()
    if shown == "sent":
        query = services.sent(org)
        confirmed = query.selected_columns.confirmed
        sorting = Sorting(
            keys={
                "title": (Notice.title,),
                "sent": (Notice.published_at,),
                "audience": (enum_order(Notice.audience, NoticeAudience),),
                "confirmed": (confirmed,),
            },
            default="-sent",
            tiebreak=Notice.id,
        )
        if term:
            query = query.where(Notice.title.contains(term, autoescape=True))
    else:
        query = services.received(org, unread_only=shown == "unread")
        read_at = query.selected_columns.read_at
        sorting = Sorting(
            keys={
                "title": (Notice.title,),
                "sender": (Organisation.name,),
                "sent": (Notice.published_at,),
                "confirmed": (sa.func.coalesce(read_at, NEVER),),
            },
            default="-sent",
            tiebreak=Notice.id,
        )
        if term:
            query = query.where(
                sa.or_(
                    Notice.title.contains(term, autoescape=True),
                    name_matches(
                        Organisation.name,
                        Organisation.name_tokens,
                        term,
                        initials=Organisation.name_initials,
                    ),
                )
            )
        if values["confirmed"] == CONFIRMED:
            query = query.where(read_at.is_not(None))
        elif values["confirmed"] == NOT_YET:
            query = query.where(read_at.is_(None))
    if values["audience"]:
        query = query.where(Notice.audience == NoticeAudience(values["audience"]))
    query = query.where(*within_days(Notice.published_at, values["since"], values["until"]))
    sort = sorting.asked()
    given = given_of(args, form.FILTERS)
    if "show" in given:
        given["show"] = shown
    return Asked(form, sorting.apply(query, sort), sort, given)


def header(shown: str) -> list[Any]:
    if shown == "sent":
        return [_l("Title"), _l("Sent"), _l("Addressed to"), _l("Organisations that confirmed")]
    return [_l("Title"), _l("From"), _l("Sent"), _l("Addressed to"), _l("Confirmed")]


def rows_of(shown: str):
    def rows(result: Iterable[Any]) -> Iterator[list[Any]]:
        for r in result:
            if shown == "sent":
                yield [r.title, local_time(r.published_at), r.audience.title, r.confirmed]
            else:
                yield [
                    r.title,
                    r.sender,
                    local_time(r.published_at),
                    r.audience.title,
                    local_time(r.read_at),
                ]

    return rows


# --- a sent notice's receipts


def _kind_choices() -> list[Any]:
    kinds = {kind for audience in NoticeAudience for kind in audience.kinds}
    return enum_options((k for k in OrgKind if k in kinds), blank=_l("All"))


class ReceiptFilterForm(FlaskForm):
    """The receipts' filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name or credit code"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_l("Names can also be found by their pinyin initials."),
    )
    kind = SelectField(_l("Kind"), validators=[Optional()], choices=_kind_choices)
    region = RegionSearchField()
    confirmed = SelectField(_l("Confirmed"), validators=[Optional()], choices=_confirmed_choices)

    FILTERS = ("q", "kind", "region", "confirmed", "sort")


def receipts_asked(notice: Notice, args: Any) -> Asked:
    """The organisations ``notice`` addresses, narrowed by the filters, in the sort asked."""
    form = ReceiptFilterForm(args)
    values = filters_of(form)
    query = services.recipients(notice)
    read_at = query.selected_columns.read_at
    term = (values["q"] or "").strip()
    if term:
        query = query.where(organisation_matches(term))
    if values["kind"]:
        query = query.where(Organisation.kind == OrgKind(values["kind"]))
    region = form.region.where(Organisation.region_code)
    if region is not None:
        query = query.where(region)
    if values["confirmed"] == CONFIRMED:
        query = query.where(read_at.is_not(None))
    elif values["confirmed"] == NOT_YET:
        query = query.where(read_at.is_(None))
    sorting = Sorting(
        keys={
            "name": (Organisation.name,),
            "kind": (enum_order(Organisation.kind, OrgKind), Organisation.name),
            "region": (Organisation.region_code, Organisation.name),
            # Not yet confirmed first (in region order), then by when each confirmed.
            "confirmed": (read_at.is_not(None), read_at, Organisation.region_code),
        },
        default="confirmed",
        tiebreak=Organisation.id,
    )
    sort = sorting.asked()
    return Asked(form, sorting.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Receipt:
    """An organisation addressed, as the Excel shows it."""

    name: str
    credit_code: str | None
    kind: OrgKind
    region_code: str | None
    region: str
    confirmed: datetime | None


RECEIPT_COLUMNS = (
    Column(_l("Organisation"), "name"),
    Column(_l("Unified social credit code"), "credit_code"),
    Column(_l("Kind"), "kind"),
    Column(_l("Region code"), "region_code"),
    Column(_l("Region"), "region"),
    Column(_l("Confirmed"), "confirmed"),
)


def receipt_rows(result: Iterable[Any]) -> Iterator[list[Any]]:
    for r in result:
        line = Receipt(
            name=r.name,
            credit_code=r.credit_code,
            kind=r.kind,
            region_code=r.region_code,
            region=region_label(r.region_code),
            confirmed=local_time(r.read_at),
        )
        yield cells(line, RECEIPT_COLUMNS)
