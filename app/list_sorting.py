"""Lists sorted by their columns: ``?sort=name`` ascending, ``?sort=-name`` descending.

A list names the keys it sorts by and the columns behind each; the key asked for is read
within those (anything else sorts by the list's default, as a search box ignores what it
cannot read) and carried with the filters to the other pages and the Excel. The row's id
breaks ties, so that a page boundary never shows a row twice or skips one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import request

DESCENDING = "-"


@dataclass(frozen=True)
class Sorting:
    keys: Mapping[str, Sequence[Any]]  # a key → the columns it orders by, ascending
    default: str  # a key, "-" first for descending
    tiebreak: Any  # the row's id

    def asked(self) -> str:
        """The sort of the request, or the default."""
        value = request.args.get("sort", "")[:40]
        return value if value.removeprefix(DESCENDING) in self.keys else self.default

    def apply(self, query: sa.Select, sort: str) -> sa.Select:
        descending = sort.startswith(DESCENDING)
        columns = [*self.keys[sort.removeprefix(DESCENDING)], self.tiebreak]
        return query.order_by(None).order_by(*(c.desc() if descending else c for c in columns))


def toggled(current: str, key: str) -> str:
    """The sort a column's heading links to: this key ascending, or descending when it is
    the key already sorted ascending."""
    return DESCENDING + key if current == key else key


def direction(current: str, key: str) -> str | None:
    """``aria-sort`` of a column's heading: ascending, descending, or None when the list is
    not sorted by it."""
    if current == key:
        return "ascending"
    if current == DESCENDING + key:
        return "descending"
    return None


def enum_order(column: Any, members: Iterable[enum.Enum]) -> sa.ColumnElement[int]:
    """An enum column ordered as its members are declared (a workflow's states in their
    order), not by the stored value's spelling; the same on SQLite and PostgreSQL."""
    return sa.case({member.value: index for index, member in enumerate(members)}, value=column)
