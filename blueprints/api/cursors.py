"""The cursors of keyset pagination: a page ends at (its last row's sort value, its id); the
next one starts after it. Opaque to the caller (base64url), refused when not ours."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TypeVar

from app.input_boundary import MAX_ID

T = TypeVar("T")


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
