"""Notices in Excel: the list as shown (received or sent), and a notice's receipts — each
organisation addressed and when it confirmed, streamed row by row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.clock import local_time
from app.excel import Sheet, write_xlsx
from app.extensions import db
from blueprints.notices import services
from models import Notice

CHUNK = 1000


def _rows(query: sa.Select) -> Iterator[Any]:
    yield from db.session.execute(query.execution_options(yield_per=CHUNK))


def list_xlsx(query: sa.Select, shown: str, out: IO[bytes]) -> None:
    if shown == "sent":
        header = [_("Title"), _("Sent"), _("Addressed to"), _("Organisations that confirmed")]
        rows: Iterator[list[Any]] = (
            [r.title, local_time(r.published_at), r.audience.title, r.confirmed]
            for r in _rows(query)
        )
    else:
        header = [_("Title"), _("From"), _("Sent"), _("Confirmed")]
        rows = (
            [r.title, r.sender, local_time(r.published_at), local_time(r.read_at)]
            for r in _rows(query)
        )
    write_xlsx([Sheet(_("Notices"), header, rows)], out, title=_("Notices"))


def receipts_xlsx(notice: Notice, out: IO[bytes]) -> None:
    total, confirmed = services.counts(notice)
    rows = (
        [r.name, r.kind.title, r.region_code, local_time(r.read_at)]
        for r in _rows(services.recipients(notice))
    )
    sheet = Sheet(
        _("Receipts"),
        [_("Organisation"), _("Kind"), _("Region code"), _("Confirmed")],
        rows,
        caption=notice.title,
        note=_("%(confirmed)d of %(addressed)d confirmed.", confirmed=confirmed, addressed=total),
    )
    write_xlsx([sheet], out, title=notice.title)
