"""The alliance's report on complaints and appeals (ISO/IEC 17021-1 §9.7, §9.8): the cases by
organisation concerned and by kind, each with its outcomes, the open and overdue ones and the
handling times (average and median days from receipt to response) — read from SQL
aggregates (counts and sums per group, and the histogram of handling days for the medians),
the same figures on the page and in the Excel."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.clock import local_today
from app.extensions import db
from app.lists import utc_midnight
from blueprints.cases.case_list import overdue
from blueprints.statistics.services import quartiles_of
from models import Case, CaseKind, CaseOutcome, CaseStatus, Organisation

MAX_ROWS = 500  # organisations shown (the most cases first); the rest are summed in a row


@dataclass(frozen=True)
class Figures:
    appeals: int
    complaints: int
    open: int  # not answered yet
    upheld: int
    dismissed: int
    overdue: int
    average_days: float | None
    median_days: float | None

    @property
    def total(self) -> int:
        return self.appeals + self.complaints


@dataclass(frozen=True)
class Row:
    label: str
    kind: str  # the organisation's kind, or the case kind's title
    figures: Figures


@dataclass(frozen=True)
class Report:
    year: int | None
    by_organisation: list[Row]
    by_kind: list[Row]
    total: Figures


# The whole: one group of every case.
ALL = None


def _key(group: Any) -> sa.ColumnElement:
    return sa.null().label("key") if group is None else group.label("key")


def _grouped(query: sa.Select, group: Any, *more: Any):
    return query if group is None else query.group_by(group, *more)


def _counts(group: Any, year: int | None) -> dict:
    today = local_today()
    query = sa.select(
        _key(group),
        sa.func.count().filter(Case.kind == CaseKind.APPEAL).label("appeals"),
        sa.func.count().filter(Case.kind == CaseKind.COMPLAINT).label("complaints"),
        sa.func.count().filter(Case.status != CaseStatus.CLOSED).label("open"),
        sa.func.count().filter(Case.outcome == CaseOutcome.UPHELD).label("upheld"),
        sa.func.count().filter(Case.outcome == CaseOutcome.DISMISSED).label("dismissed"),
        sa.func.count().filter(overdue(today)).label("overdue"),
        sa.func.sum(Case.handling_days).label("days"),
        sa.func.count(Case.handling_days).label("answered"),
    )
    return {row.key: row for row in db.session.execute(_in_year(_grouped(query, group), year))}


def _histograms(group: Any, year: int | None) -> dict:
    query = sa.select(_key(group), Case.handling_days, sa.func.count()).where(
        Case.handling_days.is_not(None)
    )
    query = _grouped(query, group, Case.handling_days)
    if group is None:
        query = query.group_by(Case.handling_days)
    found: dict = defaultdict(list)
    for key, days, count in db.session.execute(_in_year(query, year)):
        found[key].append((float(days), count))
    return found


def _in_year(query: sa.Select, year: int | None) -> sa.Select:
    if year is None:
        return query
    return query.where(
        Case.received_at >= utc_midnight(date(year, 1, 1)),
        Case.received_at < utc_midnight(date(year + 1, 1, 1)),
    )


def _figures(row, histogram: list[tuple[float, int]]) -> Figures:
    answered = row.answered if row is not None else 0
    return Figures(
        appeals=row.appeals if row is not None else 0,
        complaints=row.complaints if row is not None else 0,
        open=row.open if row is not None else 0,
        upheld=row.upheld if row is not None else 0,
        dismissed=row.dismissed if row is not None else 0,
        overdue=row.overdue if row is not None else 0,
        average_days=round(row.days / answered, 1) if answered else None,
        median_days=quartiles_of(histogram)[1] if histogram else None,
    )


def build(year: int | None) -> Report:
    """Five aggregate queries and one for the organisations' names, whatever the cases."""
    by_org = _counts(Case.concerned_id, year)
    org_days = _histograms(Case.concerned_id, year)
    by_kind = _counts(Case.kind, year)
    kind_days = _histograms(Case.kind, year)
    everything = _counts(ALL, year)
    all_days = _histograms(ALL, year)
    ranked = sorted(by_org, key=lambda key: (-(by_org[key].appeals + by_org[key].complaints), key))
    shown = ranked[:MAX_ROWS]
    names = {
        row.id: row
        for row in db.session.execute(
            sa.select(Organisation.id, Organisation.name, Organisation.kind).where(
                Organisation.id.in_(shown)
            )
        )
    }
    organisations = [
        Row(names[key].name, names[key].kind.title, _figures(by_org[key], org_days[key]))
        for key in shown
        if key in names
    ]
    kinds = [
        Row(kind.title, "", _figures(by_kind.get(kind), kind_days.get(kind, [])))
        for kind in CaseKind
    ]
    return Report(
        year, organisations, kinds, _figures(everything.get(None), all_days.get(None, []))
    )


def years() -> list[int]:
    """The years cases were received in, newest first (for the filter)."""
    first = db.session.scalar(sa.select(sa.func.min(Case.received_at)))
    last_year = local_today().year
    return list(range(last_year, (first.year if first else last_year) - 1, -1))


HEADER = (
    _l("Organisation concerned, or kind of case"),
    _l("Kind of organisation"),
    _l("Appeals"),
    _l("Complaints"),
    _l("Open"),
    _l("Upheld"),
    _l("Dismissed"),
    _l("Overdue"),
    _l("Average days to respond"),
    _l("Median days to respond"),
)


def cells(row: Row) -> list:
    f = row.figures
    return [row.label, row.kind, f.appeals, f.complaints, f.open, f.upheld, f.dismissed,
            f.overdue, f.average_days, f.median_days]  # fmt: skip
