"""The checks of one roster row, against the reference data the import loaded beforehand.

Nothing here asks the database: the import loads, once per file, the region and industry codes
the file names and the roster rows it would touch, and each row is checked against those sets.
A row collects every problem it has, so that one round of corrections fixes it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from blueprints.auth.services import credit_code_problem
from blueprints.roster import problems as p
from blueprints.roster.problems import Problem
from blueprints.roster.workbook import (
    CREDIT_CODE,
    EMAIL,
    FLAG_COLUMNS,
    INDUSTRY,
    NAME,
    REGION,
    TAGS,
    RawRow,
)
from models import EnterpriseTag, ExclusionFlag

# What the report repeats of a refused row: enough to find it in the file.
_ECHO_LENGTH = 100
_REGION_CODE = re.compile(r"[1-9][0-9]{5}")
_TAG_SEPARATORS = re.compile(r"[；;，,、]")
# 专精特新"小巨人" is written with straight, curly or corner quotes, or none.
_TAG_NOISE = re.compile(r"[\s\"'“”‘’「」『』]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# An exclusion flag's cell, NFKC-normalised and case-folded (Excel's TRUE arrives as "True").
_YES = frozenset(("是", "y", "yes", "1", "true"))
_NO = frozenset(("否", "n", "no", "0", "false"))

TAG_NAMES: dict[str, EnterpriseTag] = {
    **dict.fromkeys(("规上", "规模以上", "规上企业", "规模以上企业"), EnterpriseTag.ABOVE_SCALE),
    **dict.fromkeys(("专精特新", "专精特新企业"), EnterpriseTag.SPECIALISED),
    **dict.fromkeys(("小巨人", "专精特新小巨人", "小巨人企业"), EnterpriseTag.LITTLE_GIANT),
    **dict.fromkeys(("试点", "试点企业"), EnterpriseTag.PILOT),
    **{tag.value: tag for tag in EnterpriseTag},
}


@dataclass(frozen=True)
class Reference:
    """What the rows are checked against, loaded once for the whole file."""

    prefix: str  # the importing authority's region: codes starting with it
    regions: frozenset[str]  # the region codes of the file that exist
    industries: frozenset[str]


@dataclass
class Checked:
    """A row with its values cleaned, and what is wrong with it (nothing: it is imported)."""

    number: int
    credit_code: str
    name: str
    region_code: str
    industry_code: str | None
    contact_email: str
    tags: frozenset[EnterpriseTag]
    code_valid: bool
    # The exclusion flags the row states; a blank cell, or no such column, states nothing.
    flags: dict[ExclusionFlag, bool] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def echo(self) -> tuple[str, str]:
        """The credit code and the name as the file has them, cut to a readable length."""
        return self.credit_code[:_ECHO_LENGTH], self.name[:_ECHO_LENGTH]


def industry_code(row: RawRow) -> str:
    code = row.get(INDUSTRY)
    # 06 typed into a number cell arrives as 6; the divisions of GB/T 4754 have two digits.
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def _tags(text: str, found: list[Problem]) -> frozenset[EnterpriseTag]:
    tags = set()
    for part in _TAG_SEPARATORS.split(text):
        key = _TAG_NOISE.sub("", unicodedata.normalize("NFKC", part)).casefold()
        if not key:
            continue
        tag = TAG_NAMES.get(key)
        if tag is None:
            found.append(Problem(p.TAG_UNKNOWN, {"tag": part.strip()[:_ECHO_LENGTH]}))
        else:
            tags.add(tag)
    return frozenset(tags)


def _email(text: str, found: list[Problem]) -> str:
    if not text:
        return ""
    try:
        address = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        address = ""
    if not address or len(address) > p.MAX_EMAIL_LENGTH:
        found.append(Problem(p.EMAIL_INVALID))
    return address


def _flags(row: RawRow, found: list[Problem]) -> dict[ExclusionFlag, bool]:
    stated = {}
    for column in FLAG_COLUMNS:
        text = row.get(column)
        key = unicodedata.normalize("NFKC", text).strip().casefold()
        if not key:
            continue
        if key in _YES or key in _NO:
            stated[ExclusionFlag(column)] = key in _YES
        else:
            found.append(Problem(p.FLAG_VALUE, {"column": column, "value": text[:_ECHO_LENGTH]}))
    return stated


def _region(code: str, reference: Reference, found: list[Problem]) -> None:
    if not code:
        found.append(Problem(p.REGION_MISSING))
    elif not _REGION_CODE.fullmatch(code):
        found.append(Problem(p.REGION_FORMAT, {"code": code[:_ECHO_LENGTH]}))
    elif code not in reference.regions:
        found.append(Problem(p.REGION_UNKNOWN, {"code": code}))
    elif not code.startswith(reference.prefix):
        found.append(Problem(p.REGION_OUTSIDE, {"code": code}))


def _name(name: str, found: list[Problem]) -> None:
    if not name:
        found.append(Problem(p.NAME_MISSING))
    elif len(name) > p.MAX_NAME_LENGTH:
        found.append(Problem(p.NAME_TOO_LONG))
    elif _CONTROL.search(name):
        found.append(Problem(p.NAME_CONTROL))


def check(row: RawRow, reference: Reference, first_rows: dict[str, int]) -> Checked:
    """The row, cleaned and checked. ``first_rows`` maps each credit code met so far to the
    row it was first met in: a later row with the same code is refused, the first is not."""
    found: list[Problem] = []
    code = row.get(CREDIT_CODE)
    code_valid = False
    if not code:
        found.append(Problem(p.CREDIT_CODE_MISSING))
    elif code in first_rows:
        found.append(Problem(p.DUPLICATE, {"row": first_rows[code]}))
    else:
        first_rows[code] = row.number
        code_valid = credit_code_problem(code) is None
        if not code_valid:
            found.append(Problem(p.CREDIT_CODE, {"code": code[:_ECHO_LENGTH]}))
    name = unicodedata.normalize("NFC", row.get(NAME))
    _name(name, found)
    region = row.get(REGION)
    _region(region, reference, found)
    industry = industry_code(row) or None
    if industry is not None and industry not in reference.industries:
        found.append(Problem(p.INDUSTRY_UNKNOWN, {"code": industry[:_ECHO_LENGTH]}))
    tags = _tags(row.get(TAGS), found)  # the problems in the order of the template's columns
    email = _email(row.get(EMAIL), found)
    flags = _flags(row, found)
    return Checked(
        number=row.number,
        credit_code=code,
        name=name,
        region_code=region,
        industry_code=industry,
        contact_email=email,
        tags=tags,
        code_valid=code_valid,
        flags=flags,
        problems=found,
    )
