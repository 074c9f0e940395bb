"""The administrator's mail outbox (/admin/outbox): filtered by status, a part of the
recipient's address and the day it was queued, sorted by its columns, paged with the filters
kept, and in Excel — the messages' metadata (never their bodies), exactly the rows the filters
give.

The outbox grows without end: the page counts at most COUNT_AT_MOST messages, and neither the
page nor the Excel reads a body or an attachment."""

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
from app.lists import given_of, within_days
from app.region_lists import Column, cells
from blueprints.admin.forms import OutboxFilterForm
from models import OutboxMessage, OutboxStatus

COUNT_AT_MOST = 1000

SORTING = Sorting(
    keys={
        "created": (OutboxMessage.created_at,),
        "status": (enum_order(OutboxMessage.status, OutboxStatus), OutboxMessage.created_at),
        "attempts": (OutboxMessage.attempts, OutboxMessage.created_at),
    },
    default="-created",
    tiebreak=OutboxMessage.id,
)

# What a row of the list and of the Excel reads: no body, no attachment.
_METADATA = sa.orm.load_only(
    OutboxMessage.dedup_key,
    OutboxMessage.recipient,
    OutboxMessage.subject,
    OutboxMessage.locale,
    OutboxMessage.status,
    OutboxMessage.attempts,
    OutboxMessage.next_attempt_at,
    OutboxMessage.sent_at,
    OutboxMessage.last_error,
    OutboxMessage.created_at,
)


@dataclass(frozen=True)
class Asked:
    form: OutboxFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def asked(args: Any) -> Asked:
    form = OutboxFilterForm(args)
    values = filters_of(form)
    query = sa.select(OutboxMessage).options(_METADATA)
    if values["status"]:
        query = query.where(OutboxMessage.status == OutboxStatus(values["status"]))
    term = (values["q"] or "").strip().lower()
    if term:  # addresses are stored in lower case; % and _ are no wildcards
        query = query.where(OutboxMessage.recipient.contains(term, autoescape=True))
    query = query.where(*within_days(OutboxMessage.created_at, values["since"], values["until"]))
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """A message's metadata as the Excel shows it."""

    created: datetime | None
    recipient: str
    subject: str
    locale: str
    status: OutboxStatus
    attempts: int
    next_attempt: datetime | None
    sent: datetime | None
    last_error: str
    key: str


def lines(messages: Iterable[OutboxMessage]) -> Iterator[Line]:
    for m in messages:
        yield Line(
            created=local_time(m.created_at),
            recipient=m.recipient,
            subject=m.subject,
            locale=m.locale,
            status=m.status,
            attempts=m.attempts,
            next_attempt=local_time(m.next_attempt_at)
            if m.status in (OutboxStatus.PENDING, OutboxStatus.SENDING)
            else None,
            sent=local_time(m.sent_at),
            last_error=(m.last_error or "")[:500],
            key=m.dedup_key,
        )


COLUMNS = (
    Column(_l("Created"), "created"),
    Column(_l("Recipient"), "recipient"),
    Column(_l("Subject"), "subject"),
    Column(_l("Language"), "locale"),
    Column(_l("Status"), "status"),
    Column(_l("Attempts"), "attempts"),
    Column(_l("Next attempt"), "next_attempt"),
    Column(_l("Sent"), "sent"),
    Column(_l("Last error"), "last_error"),
    Column(_l("Key"), "key"),
)


def rows_of(messages: Iterable[OutboxMessage]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(messages))
