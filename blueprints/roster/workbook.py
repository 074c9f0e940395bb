"""Reading a roster workbook: the header row found by its names, then each row as text.

Authorities keep their rosters in Excel files of their own making: the columns come in any
order, named in Chinese or in English, sometimes below a title line. The header is the first
of the top rows that names the credit-code column; each column is known by its header, columns
nobody asked for are ignored. Cells arrive as the text the authority typed (a region code typed
as a number is still the code).

openpyxl in read-only mode parses the sheet as rows are asked for, so a large file is never held
whole; reading stops one row past MAX_ROWS.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from openpyxl import load_workbook

from app.uploads import UploadError

MAX_ROWS = 20_000
# A roster has eight columns; a sheet as wide as Excel allows is not read to its end.
MAX_COLUMNS = 50
# Tables sent with government notices often carry a title line (and a date line) above the
# header.
HEADER_SEARCH_ROWS = 10
# 20,000 rows of six columns unpack to a few MB. The archive's declared sizes bound what
# zipfile inflates, so a small file that would unpack to gigabytes is refused before parsing.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

CREDIT_CODE = "credit_code"
NAME = "name"
REGION = "region_code"
INDUSTRY = "industry_code"
TAGS = "tags"
EMAIL = "contact_email"
# The exclusion flags of seed 004 四(四) (blueprints/reform/exclusions.py), by their flag values.
GIANT = "central_fund_giant"
PILOT_2022 = "national_pilot_2022"
FLAG_COLUMNS = (GIANT, PILOT_2022)
REQUIRED = (CREDIT_CODE, NAME, REGION)

# The header of the template, and the names the messages give a column by (GB/T 2260 etc. are
# the authorities' own words; the English one follows in the messages).
HEADERS: dict[str, tuple[str, str]] = {
    CREDIT_CODE: ("统一社会信用代码", "credit code"),
    NAME: ("企业名称", "name"),
    REGION: ("行政区划代码", "region code"),
    INDUSTRY: ("行业代码", "industry code"),
    TAGS: ("标签", "tags"),
    EMAIL: ("联系邮箱", "contact email"),
    GIANT: ("中央财政支持“小巨人”", "central-fund little giant"),
    PILOT_2022: ("2022年改造试点", "2022 national pilot"),
}

# Header names as normalised by _header_key (no spaces, underscores, marks or notes in
# brackets; English in lower case).
_ALIASES: dict[str, str] = {
    alias: column
    for column, aliases in {
        CREDIT_CODE: (
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "creditcode",
            "unifiedsocialcreditcode",
            "uscc",
        ),
        NAME: ("企业名称", "单位名称", "名称", "name", "enterprisename", "companyname"),
        REGION: ("行政区划代码", "区划代码", "地区代码", "regioncode", "region"),
        INDUSTRY: ("行业代码", "所属行业代码", "industrycode", "industry"),
        TAGS: ("标签", "企业标签", "tags", "tag"),
        EMAIL: ("联系邮箱", "电子邮箱", "邮箱", "contactemail", "email"),
        GIANT: (
            "中央财政支持小巨人",
            "中央财政支持小巨人企业",
            "centralfundlittlegiant",
            "centralfundgiant",
        ),
        PILOT_2022: (
            "2022年改造试点",
            "2022年数字化转型试点",
            "2022年试点",
            "2022nationalpilot",
            "nationalpilot2022",
        ),
    }.items()
    for alias in aliases
}
# "企业名称*", "行业代码（选填）", "Credit code (required)", "Contact_Email:"; 中央财政支持"小巨人"
# is written with straight, curly or corner quotes, or none.
_HEADER_NOISE = re.compile(r"[（(][^）)]*[）)]|[\s_*＊:：\"'“”‘’「」『』-]")


@dataclass(frozen=True)
class RawRow:
    """A data row: its number as Excel shows it, and its cells by column (those the file has)."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Roster:
    """What a file holds: the columns it has, and its non-empty rows below the header."""

    columns: frozenset[str]
    rows: list[RawRow]


def column_label(column: str) -> str:
    chinese, english = HEADERS[column]
    return f"{chinese} / {english}"


def _header_key(value: Any) -> str:
    text = unicodedata.normalize("NFKC", _cell_text(value))
    return _HEADER_NOISE.sub("", text).casefold()


def _cell_text(value: Any) -> str:
    """A cell as text. A code typed as a number comes back as an int (or a float, from some
    programs): 310115.0 is the code 310115."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def _header(values: Iterable[Any]) -> dict[int, str] | None:
    """Column positions by column, when ``values`` is the header row (it names the credit-code
    column); else None. A column named twice is refused: which one would be meant?"""
    positions: dict[int, str] = {}
    taken: dict[str, str] = {}
    for position, value in enumerate(values):
        column = _ALIASES.get(_header_key(value))
        if column is None:
            continue
        if column in taken:
            raise UploadError(
                _(
                    "The columns “%(first)s” and “%(second)s” both hold the %(column)s.",
                    first=taken[column],
                    second=_cell_text(value),
                    column=column_label(column),
                )
            )
        taken[column] = _cell_text(value)
        positions[position] = column
    return positions if CREDIT_CODE in taken else None


def _missing_columns(found: Iterable[str], required: tuple[str, ...]) -> UploadError:
    missing = [column_label(c) for c in required if c not in set(found)]
    if required != REQUIRED:
        return UploadError(
            _("The first sheet has no column %(columns)s.", columns=", ".join(missing))
        )
    return UploadError(
        _(
            "The first sheet has no column %(columns)s. Download the template to see the "
            "columns the roster needs.",
            columns=", ".join(missing),
        )
    )


def _rows(sheet: Any, required: tuple[str, ...]) -> Roster:
    rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    positions: dict[int, str] | None = None
    header_row = 0
    for header_row, values in enumerate(rows, start=1):
        positions = _header(values)
        if positions is not None or header_row >= HEADER_SEARCH_ROWS:
            break
    if positions is None:
        raise _missing_columns((), required)
    if not set(required) <= set(positions.values()):
        raise _missing_columns(positions.values(), required)
    found: list[RawRow] = []
    for number, values in enumerate(rows, start=header_row + 1):
        cells = {positions[p]: _cell_text(v) for p, v in enumerate(values) if p in positions}
        if not any(cells.values()):
            continue  # blank lines between blocks of rows, or formatting left below the table
        if len(found) == MAX_ROWS:
            raise UploadError(
                _(
                    "The file has more than %(max)d rows. Split it into files of at most "
                    "%(max)d rows each.",
                    max=MAX_ROWS,
                )
            )
        found.append(RawRow(number, cells))
    if not found:
        raise UploadError(_("The file has no rows below its header."))
    return Roster(frozenset(positions.values()), found)


def _unreadable() -> UploadError:
    return UploadError(_("The file could not be read as an Excel workbook (.xlsx)."))


def read(path: Path, required: tuple[str, ...] = REQUIRED) -> Roster:
    """The roster in the first sheet of the .xlsx at ``path`` (its type already checked), or
    UploadError saying why the file as a whole cannot be imported; ``required`` are the columns
    it must have (a list of credit codes to check needs only theirs)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise _unreadable() from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadError(_("The workbook is too large once unpacked; import it in parts."))
    try:
        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception:  # a damaged workbook fails in any of openpyxl's layers, in any way
        raise _unreadable() from None
    try:
        sheet = book.worksheets[0]
        # The dimensions a program wrote may be wrong; the rows themselves say where they end.
        sheet.reset_dimensions()
        return _rows(sheet, required)
    except UploadError:
        raise
    except Exception:
        raise _unreadable() from None
    finally:
        book.close()  # read-only mode keeps the file open until then
