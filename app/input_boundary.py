"""The one boundary every request crosses before a view sees it.

Values that no person types and no database stores are refused here, once, instead of in each
view: control characters (PostgreSQL text cannot hold NUL; the others corrupt exports and
emails) in the URL, the query string, form fields and file names; integers in URLs beyond what
an id column holds. Query arguments are read through the helpers below, which ignore what does
not parse (a search box should not fail on a stray character) and never let an unchecked value
reach an enum or an SQL offset.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum
from typing import Any, TypeVar

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, Map

from app.errors import InputRefused

# The largest id of an INTEGER column (PostgreSQL's int4; SQLite's is wider).
MAX_ID = 2**31 - 1
# Page numbers past this are not pages anyone reads: the list starts again at page 1.
MAX_PAGE = 100_000

# C0 controls and DEL; tab, line feed and carriage return are allowed in form text only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f]")

E = TypeVar("E", bound=Enum)


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number past MAX_ID is no id, so the URL is a 404."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _any_match(pattern: re.Pattern[str], values: Iterable[str]) -> bool:
    return any(pattern.search(value) for value in values)


def refuse_control_characters() -> None:
    """before_request: 400 for a control character anywhere a person could have typed one."""
    if not request.query_string and request.method in ("GET", "HEAD"):
        # Nothing but the path (the view's arguments are read from it): most of the requests.
        if _CONTROL_OR_NEWLINE.search(request.path):
            raise InputRefused(_("The request contains characters that are not allowed."))
        return
    path_values = [str(v) for v in (request.view_args or {}).values()]
    args = [*request.args.keys(), *request.args.values()]
    names = [*request.form.keys(), *(f.filename or "" for f in request.files.values())]
    if _any_match(_CONTROL_OR_NEWLINE, [request.path, *path_values, *args, *names]) or _any_match(
        _CONTROL, request.form.values()
    ):
        raise InputRefused(_("The request contains characters that are not allowed."))


def int_arg(name: str, low: int = 1, high: int = MAX_ID) -> int | None:
    """A whole number from the query string within [low, high], else None."""
    raw = request.args.get(name, "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(high)):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def enum_arg(name: str, enum_cls: type[E]) -> E | None:
    """A member of ``enum_cls`` named by its value in the query string, else None."""
    raw = request.args.get(name, "")
    return next((member for member in enum_cls if member.value == raw), None)


def region_prefix_of(code: str) -> str:
    """The prefix of a GB/T 2260 code: its trailing 00 pairs dropped (440000 → 44, 440300 →
    4403, 440305 stays); a prefix is its own."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def region_arg(within: str = "", name: str = "region") -> str:
    """A region code prefix (2, 4 or 6 digits of GB/T 2260) from the query string, inside the
    region of prefix ``within`` ('' for the whole country), else ''. A cascading picker sends
    one value per level (province, city, …; codes or prefixes): the deepest of those that
    nest is the one meant."""
    chosen = ""
    for raw in request.args.getlist(name)[:3]:
        raw = raw.strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) in (2, 4, 6)):
            continue
        prefix = region_prefix_of(raw)
        if prefix.startswith(within) and prefix.startswith(chosen):
            chosen = prefix
    return chosen


def version_field() -> int | None:
    """The version of the object a submitted form was rendered with (its hidden ``version``)."""
    raw = request.form.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None


def page_arg() -> int:
    return int_arg("page", 1, MAX_PAGE) or 1


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_control_characters)
