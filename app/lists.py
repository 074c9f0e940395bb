"""What the searchable lists share (the party's projects, the organisations, the administrator's
users and outbox, the review and certificate queues): the filters as typed, carried to the
other pages and to the Excel; a range of local days as a range of stored UTC moments; and the
Excel of a list, read from the page's own query in chunks (exactly its rows, across pages;
a large list in the background: app.list_exports).

A list keeps its filters in a GET form without CSRF (``app.forms.filters_of`` leaves out what
does not parse) and its sort in an ``app.list_sorting.Sorting``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Response, current_app
from werkzeug.wrappers import Response as WerkzeugResponse

from app import list_exports
from app.list_exports import ListExport, deliver


def given_of(args: Any, names: Iterable[str]) -> dict[str, str]:
    """The filters (and sort) set in the request, as typed: for the pager, the sort links and
    the Excel link."""
    return {name: args.get(name, "") for name in names if args.get(name)}


def utc_midnight(day: date) -> datetime:
    """The start of a local day (the business time zone) as a stored moment (naive UTC)."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return datetime.combine(day, time(), zone).astimezone(UTC).replace(tzinfo=None)


def within_days(column: Any, since: date | None, until: date | None) -> list[Any]:
    """Conditions keeping the moments of ``column`` from the local day ``since`` to the local
    day ``until``, both included (either may be None)."""
    conditions = []
    if since:
        conditions.append(column >= utc_midnight(since))
    if until:
        conditions.append(column < utc_midnight(until + timedelta(1)))
    return conditions


def list_xlsx(
    query: sa.Select,
    *,
    header: Sequence[Any],
    rows: Callable[[Iterable[Any]], Iterator[Sequence[Any]]],
    sheet: str,
    title: str,
    filename: str,
    scalars: bool = True,
    chunk: int | None = None,
    formats: Mapping[int, str] | None = None,
) -> Response | WerkzeugResponse:
    """The list's Excel: ``query`` (the page's, unpaged) read ``chunk`` rows at a time, each
    row turned into cells by ``rows``; objects with ``scalars``, else result rows. A large list
    (past EXPORT_INLINE_ROWS) of a ``@list_export`` view is prepared in the background."""
    chunk = chunk or list_exports.CHUNK  # read at call time: tests make it small
    return deliver(
        ListExport(query, header, rows, sheet, title, filename, scalars, chunk, formats or {})
    )
