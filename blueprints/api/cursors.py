"""The cursors of keyset pagination: a page ends at (its last row's sort value, its id); the
next one starts after it. Opaque to the caller (base64url), refused when not ours."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from app.input_boundary import MAX_ID

T = TypeVar("T")
R = TypeVar("R")


def write(value: T, row_id: int) -> str:
    raw = f"{value.isoformat()}|{row_id}".encode()  # type: ignore[attr-defined]
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read(cursor: str, parse: Callable[[str], T]) -> tuple[T, int] | None:
    """(sort value, id) of a cursor ``write`` made, read back with ``parse``
    (date.fromisoformat, datetime.fromisoformat); None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, _sep, row_id = raw.partition("|")
        position = parse(value), int(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return position if 0 < position[1] <= MAX_ID else None


def start_after(
    query: sa.Select, sort: Any, row_id: Any, after: tuple[Any, int] | None
) -> sa.Select:
    """``query`` (ordered by ``sort`` then ``row_id``, both descending) from the row after the
    position ``after``; from the first row without one."""
    if after is None:
        return query
    value, last_id = after
    return query.where(sa.tuple_(sort, row_id) < sa.tuple_(sa.literal(value), sa.literal(last_id)))


def cut(
    rows: Sequence[R], limit: int, position: Callable[[R], tuple[Any, int]]
) -> tuple[list[R], str | None]:
    """A page of the ``limit + 1`` rows fetched: the first ``limit``, and the cursor of the
    next page when there is one more (None on the last page)."""
    if len(rows) <= limit:
        return list(rows), None
    return list(rows[:limit]), write(*position(rows[limit - 1]))
