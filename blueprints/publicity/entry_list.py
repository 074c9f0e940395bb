"""The announced enterprises, one row each with its batch: the public page (/publicity/, what
is still announced) and the alliance's record of them (/publicity/desk/entries, an entry an
upheld objection removed included, and its Excel). Searched by enterprise name, filtered by
region (name or code), batch and the period's state (open, not yet open, ended), sorted by its
columns, paged with the filters kept — the Excel holds exactly the rows the filters give."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_time, local_today
from app.extensions import db
from app.forms import filters_of, options
from app.list_sorting import Sorting
from app.lists import given_of
from app.region_lists import Column, cells
from blueprints.reference.fields import RegionSearchField
from blueprints.reference.names import region_label
from models import PublicityBatch, PublicityEntry

SEARCH_MAX = 100
OPEN, UPCOMING, ENDED = "open", "upcoming", "ended"
# The filter's and the Excel's words; a row's badge says it in its own ("ended", "opens on").
PERIOD_STATES = {
    OPEN: _l("In its publicity period"),
    UPCOMING: _l("Not yet started"),
    ENDED: _l("Publicity period over"),
}


def _batch_choices() -> list[tuple[str, Any]]:
    """Every batch, the newest first (a few a month): one query however many entries."""
    batches = db.session.execute(
        sa.select(PublicityBatch.id, PublicityBatch.title, PublicityBatch.starts_on).order_by(
            PublicityBatch.starts_on.desc(), PublicityBatch.id.desc()
        )
    )
    return options(
        ((str(b.id), f"{b.title} ({b.starts_on.isoformat()})") for b in batches), blank=_l("All")
    )


class EntryFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF: the public page is cached and sets no cookie); a
    value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(_l("Enterprise name"), validators=[Optional(), Length(max=SEARCH_MAX)])
    region = RegionSearchField()
    batch = SelectField(_l("Publicity batch"), choices=_batch_choices, validators=[Optional()])
    state = SelectField(
        _l("Publicity period"),
        validators=[Optional()],
        choices=lambda: options(PERIOD_STATES.items(), blank=_l("All")),
    )

    FILTERS = ("q", "region", "batch", "state", "sort")


SORTING = Sorting(
    keys={
        "enterprise": (PublicityEntry.enterprise_name,),
        "region": (PublicityEntry.region_code,),
        "body": (PublicityEntry.body_name,),
        "period": (PublicityBatch.starts_on, PublicityBatch.id),
    },
    default="-period",  # the newest batch first, as the page always showed
    tiebreak=PublicityEntry.id,
)


@dataclass(frozen=True)
class Asked:
    form: EntryFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def asked(args: Any, *, removed_too: bool = False) -> Asked:
    """The entries announced (and, for the alliance, ``removed_too``), narrowed by the
    filters, in the sort asked; the batch joined, for its period's filter and sort."""
    form = EntryFilterForm(args)
    values = filters_of(form)
    query = (
        sa.select(PublicityEntry)
        .join(PublicityBatch, PublicityBatch.id == PublicityEntry.batch_id)
        .options(sa.orm.contains_eager(PublicityEntry.batch))
    )
    if not removed_too:
        query = query.where(PublicityEntry.removed_at.is_(None))
    term = (values["q"] or "").strip()
    if term:
        query = query.where(PublicityEntry.enterprise_name.icontains(term, autoescape=True))
    region = form.region.where(PublicityEntry.region_code)
    if region is not None:
        query = query.where(region)
    if values["batch"]:
        query = query.where(PublicityEntry.batch_id == int(values["batch"]))
    today = local_today()
    if values["state"] == OPEN:
        query = query.where(PublicityBatch.starts_on <= today, PublicityBatch.ends_on >= today)
    elif values["state"] == UPCOMING:
        query = query.where(PublicityBatch.starts_on > today)
    elif values["state"] == ENDED:
        query = query.where(PublicityBatch.ends_on < today)
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


def period_state(batch: PublicityBatch, today: date) -> str:
    if today < batch.starts_on:
        return UPCOMING
    return OPEN if today <= batch.ends_on else ENDED


@dataclass(frozen=True)
class Line:
    """An entry as the Excel shows it."""

    enterprise: str
    region_code: str | None
    region: str
    body: str
    scope: str
    batch: str
    starts_on: date
    ends_on: date
    state: str
    removed: date | None


def lines(entries: Iterable[PublicityEntry]) -> Iterator[Line]:
    today = local_today()
    for entry in entries:
        removed = local_time(entry.removed_at)
        yield Line(
            enterprise=entry.enterprise_name,
            region_code=entry.region_code,
            region=region_label(entry.region_code) if entry.region_code else entry.region_name,
            body=entry.body_name,
            scope=entry.scope,
            batch=entry.batch.title,
            starts_on=entry.batch.starts_on,
            ends_on=entry.batch.ends_on,
            state=str(PERIOD_STATES[period_state(entry.batch, today)]),
            removed=removed.date() if removed else None,
        )


COLUMNS = (
    Column(_l("Enterprise"), "enterprise"),
    Column(_l("Region code"), "region_code"),
    Column(_l("Region"), "region"),
    Column(_l("Evaluation body"), "body"),
    Column(_l("Scope"), "scope"),
    Column(_l("Publicity batch"), "batch"),
    Column(_l("Publicity starts"), "starts_on"),
    Column(_l("Publicity ends"), "ends_on"),
    Column(_l("Publicity period"), "state"),
    Column(_l("Removed after an objection"), "removed"),
)


def rows_of(entries: Iterable[PublicityEntry]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(entries))
