"""The streaming Excel writer every export uses, and the response that sends a workbook.

XlsxWriter in constant-memory mode: each row goes to a temporary file as soon as the next one
starts, so a sheet of 20,000 rows read from a query in chunks costs what one row costs. The
whole workbook is zipped at the end into ``out``, which the views make a spooled temporary
file (memory up to SPOOL_MAX, disk beyond) and send from there.
"""

from __future__ import annotations

import contextlib
import numbers
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from flask import Response

SPOOL_MAX = 1 << 20  # bytes of a workbook kept in memory before it moves to disk
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Control characters cannot be stored in a sheet; they carry nothing in a report.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


@dataclass(frozen=True)
class Styled:
    """A value with a style of its own, where the column's does not fit (a write-only cell)."""

    value: Any
    number_format: str | None = None
    bold: bool = False


@dataclass(frozen=True)
class Sheet:
    """A sheet with a bold, frozen header; ``formats`` and ``wrap`` by 0-based column. A
    ``caption`` is a title line above the header, a ``note`` a line below the last row (the
    layout of the tables government notices attach).

    ``rows`` is read once, row by row: a generator over a query read in chunks keeps no more
    than a chunk in memory. Column widths follow the widest value seen, as they stream past.
    """

    title: str
    header: Sequence[str] | None
    rows: Iterable[Sequence[Any]]
    formats: Mapping[int, str] = field(default_factory=dict)
    wrap: int | None = None
    caption: str | None = None
    note: str | None = None


def _display_width(value: object) -> int:
    text = f"{value:.1f}" if isinstance(value, float) else str(value)
    if text.isascii():  # codes, numbers, dates: most cells of a long list
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Formats:
    """XlsxWriter formats, one per distinct style (a workbook may hold only so many)."""

    def __init__(self, book: xlsxwriter.Workbook):
        self._book = book
        self._made: dict[tuple[str | None, bool, bool], Any] = {}

    def __call__(self, number_format: str | None, bold: bool = False, wrap: bool = False) -> Any:
        key = (number_format, bold, wrap)
        if key == (None, False, False):
            return None
        if key not in self._made:
            properties: dict[str, Any] = {"bold": bold}
            if number_format:
                properties["num_format"] = number_format
            if wrap:
                properties |= {"text_wrap": True, "valign": "top"}
            self._made[key] = self._book.add_format(properties)
        return self._made[key]


def _write_cell(ws: Any, row: int, col: int, value: Any, style: Any) -> None:
    """By type, never by content: text starting with "=" or "http" stays text."""
    if value is None:
        if style is not None:  # an empty cell keeps its column's style, as Excel's own do
            ws.write_blank(row, col, None, style)
    elif isinstance(value, str):
        ws.write_string(row, col, _ILLEGAL.sub("", value), style)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, style)
    elif isinstance(value, numbers.Real | Decimal):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, style)
    elif isinstance(value, date | time):
        ws.write_datetime(row, col, value, style)
    else:
        ws.write_string(row, col, _ILLEGAL.sub("", str(value)), style)


def _date_format(value: date | time) -> str:
    """Without one, Excel would show a date as the number of days since 1900."""
    if isinstance(value, datetime):
        return "yyyy-mm-dd hh:mm"
    return "yyyy-mm-dd" if isinstance(value, date) else "hh:mm:ss"


def _write_sheet(book: xlsxwriter.Workbook, formats: _Formats, sheet: Sheet) -> None:
    ws = book.add_worksheet(sheet.title)
    widest: dict[int, int] = {}
    columns, row_number = 1, 0
    if sheet.caption:
        _write_cell(ws, 0, 0, sheet.caption, formats(None, bold=True))
        row_number = 1
    if sheet.header:
        for col, label in enumerate(sheet.header):
            _write_cell(ws, row_number, col, label, formats(None, bold=True))
            widest[col] = _display_width(label)
        row_number += 1
        ws.freeze_panes(row_number, 0)
        columns = max(columns, len(sheet.header))
    for row in sheet.rows:
        columns = max(columns, len(row))
        for col, item in enumerate(row):
            cell = item if isinstance(item, Styled) else Styled(item)
            value, number_format = cell.value, cell.number_format or sheet.formats.get(col)
            if number_format is None and isinstance(value, date | time):
                number_format = _date_format(value)
            style = formats(number_format, cell.bold, wrap=col == sheet.wrap)
            _write_cell(ws, row_number, col, value, style)
            if value is not None:
                widest[col] = max(widest.get(col, 0), _display_width(value))
        row_number += 1
    if sheet.note:  # its own width: a long sentence must not widen the first column
        _write_cell(ws, row_number, 0, sheet.note, None)
    # Set last: XlsxWriter writes the column widths when the sheet is closed.
    for col in range(columns):
        limit = 80 if col == sheet.wrap else 50
        ws.set_column(col, col, min(max(widest.get(col, 8) + 2, 8), limit))


def write_xlsx(sheets: Iterable[Sheet], out: IO[bytes], *, title: str) -> None:
    """The sheets as one workbook written to ``out`` (a binary file, left open)."""
    options = {
        "constant_memory": True,
        # Text is text: never a formula, a link or a number because of what it looks like.
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "nan_inf_to_errors": True,  # #NUM! in the cell rather than no file at all
    }
    book = xlsxwriter.Workbook(out, options)
    try:
        book.set_properties({"title": title, "author": "Certpath"})
        formats = _Formats(book)
        for sheet in sheets:
            _write_sheet(book, formats, sheet)
    except BaseException:
        # Closing frees the sheets' temporary files (and keeps the workbook's destructor from
        # trying again); what it writes to ``out`` is thrown away with it.
        with contextlib.suppress(Exception):
            book.close()
        raise
    book.close()


def spool(write: Callable[[IO[bytes]], object]) -> tuple[IO[bytes], int]:
    """What ``write`` writes to a binary file, rewound, and its size: in memory up to SPOOL_MAX
    bytes, in a temporary file beyond. The caller closes it (a response does once sent)."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115 (the caller closes)
    try:
        write(out)
        size = out.tell()
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return out, size


def chunks(file: IO[bytes], size: int = 1 << 16) -> Iterator[bytes]:
    """A response body: the file's bytes in chunks, the file closed after the last one (or
    when the server stops reading: closing the generator closes the file too)."""
    with file:
        while chunk := file.read(size):
            yield chunk


def xlsx_response(write: Callable[[IO[bytes]], object], filename: str) -> Response:
    """A download of the workbook ``write`` writes: spooled, sent in chunks, closed once sent
    (or never read: a HEAD request); private to the one who asked."""
    body, size = spool(write)
    response = Response(chunks(body), mimetype=XLSX_MIMETYPE)
    response.call_on_close(body.close)
    response.content_length = size
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
