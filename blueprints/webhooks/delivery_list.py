"""An endpoint's delivery log (/webhooks/<id>/deliveries): searched by delivery ID (its
beginning), event (its type or title), status (its title) or the receiver's HTTP status;
filtered by status, event and the day each delivery was made; sorted by its columns, paged with
the filters kept, and in Excel with exactly the rows the filters give. Only the endpoint's own
deliveries: the endpoint is one of the viewer's organisation (routes._endpoint)."""

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
from app.forms import DateField, enum_options, filters_of
from app.list_sorting import Sorting, enum_order
from app.lists import given_of, within_days
from app.region_lists import Column, cells
from models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from models.types import TitledEnum

SEARCH_MAX = 100
# A never attempted delivery sorts after every attempted one, on SQLite and PostgreSQL alike.
NEVER = datetime(9999, 12, 31)


class DeliveryFilterForm(FlaskForm):
    """The log's filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Delivery ID, event or status"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_l("The beginning of a delivery ID, an event, a status or an HTTP status."),
    )
    status = SelectField(
        _l("Status"),
        validators=[Optional()],
        choices=lambda: enum_options(DeliveryStatus, blank=_l("All")),
    )
    event = SelectField(
        _l("Event"),
        validators=[Optional()],
        choices=lambda: enum_options(WebhookEvent, blank=_l("All")),
    )
    since = DateField(_l("Made from"), validators=[Optional()])
    until = DateField(_l("Made until"), validators=[Optional()])

    FILTERS = ("q", "status", "event", "since", "until", "sort")


SORTING = Sorting(
    keys={
        "created": (WebhookDelivery.created_at,),
        "event": (enum_order(WebhookDelivery.event_type, WebhookEvent), WebhookDelivery.created_at),
        "status": (enum_order(WebhookDelivery.status, DeliveryStatus), WebhookDelivery.created_at),
        "attempts": (WebhookDelivery.attempts, WebhookDelivery.created_at),
        "attempted": (sa.func.coalesce(WebhookDelivery.last_attempt_at, NEVER),),
    },
    default="-created",  # the newest first (ix_webhook_deliveries_log)
    tiebreak=WebhookDelivery.id,
)


@dataclass(frozen=True)
class Asked:
    form: DeliveryFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def _titled(members: Iterable[TitledEnum], term: str) -> list[Any]:
    """The members whose value or title (in the reader's language) holds the term."""
    folded = term.casefold()
    return [m for m in members if folded in m.value.casefold() or folded in m.title.casefold()]


def _searched(term: str) -> sa.ColumnElement[bool]:
    found = [WebhookDelivery.idempotency_key.startswith(term.lower(), autoescape=True)]
    events = _titled(WebhookEvent, term)
    if events:
        found.append(WebhookDelivery.event_type.in_(events))
    statuses = _titled(DeliveryStatus, term)
    if statuses:
        found.append(WebhookDelivery.status.in_(statuses))
    if term.isascii() and term.isdigit() and len(term) == 3:
        found.append(WebhookDelivery.last_status == int(term))
    return sa.or_(*found)


def asked(endpoint: WebhookEndpoint, args: Any) -> Asked:
    """The endpoint's deliveries, narrowed by the filters, in the sort asked."""
    form = DeliveryFilterForm(args)
    values = filters_of(form)
    query = sa.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    term = (values["q"] or "").strip()
    if term:
        query = query.where(_searched(term))
    if values["status"]:
        query = query.where(WebhookDelivery.status == DeliveryStatus(values["status"]))
    if values["event"]:
        query = query.where(WebhookDelivery.event_type == WebhookEvent(values["event"]))
    query = query.where(*within_days(WebhookDelivery.created_at, values["since"], values["until"]))
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """A delivery as the Excel shows it."""

    created: datetime | None
    event: str
    status: str
    attempts: int
    attempted: datetime | None
    http_status: int | None
    error: str
    delivered: datetime | None
    key: str


COLUMNS = (
    Column(_l("Created"), "created"),
    Column(_l("Event"), "event"),
    Column(_l("Status"), "status"),
    Column(_l("Attempts"), "attempts"),
    Column(_l("Last attempt"), "attempted"),
    Column(_l("HTTP status"), "http_status"),
    Column(_l("Error"), "error"),
    Column(_l("Delivered"), "delivered"),
    Column(_l("Delivery ID"), "key"),
)


def rows_of(deliveries: Iterable[WebhookDelivery]) -> Iterator[list[Any]]:
    for d in deliveries:
        line = Line(
            created=local_time(d.created_at),
            event=d.event_type.value,
            status=d.status.title,
            attempts=d.attempts,
            attempted=local_time(d.last_attempt_at),
            http_status=d.last_status,
            error=d.last_error or "",
            delivered=local_time(d.delivered_at),
            key=d.idempotency_key,
        )
        yield cells(line, COLUMNS)
