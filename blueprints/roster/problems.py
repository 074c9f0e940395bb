"""Why a row of an import was refused, kept as a kind and its values and put into words when
read: the error report comes out in the language of whoever downloads it, whenever they do."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from blueprints.auth.services import credit_code_problem
from blueprints.roster.workbook import HEADERS, column_label

MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 254

CREDIT_CODE_MISSING = "credit_code_missing"
CREDIT_CODE = "credit_code"
DUPLICATE = "duplicate"
OTHER_REGION = "other_region"
NAME_MISSING = "name_missing"
NAME_TOO_LONG = "name_too_long"
NAME_CONTROL = "name_control"
REGION_MISSING = "region_missing"
REGION_FORMAT = "region_format"
REGION_UNKNOWN = "region_unknown"
REGION_OUTSIDE = "region_outside"
INDUSTRY_UNKNOWN = "industry_unknown"
TAG_UNKNOWN = "tag_unknown"
EMAIL_INVALID = "email_invalid"
FLAG_VALUE = "flag_value"


@dataclass(frozen=True)
class Problem:
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


def _credit_code(code: str = "") -> str:
    # The check gives its reason in the current language: asked again when read.
    return credit_code_problem(code) or _("This is not a valid unified social credit code.")


_WORDS: dict[str, Callable[..., str]] = {
    CREDIT_CODE_MISSING: lambda: _("The unified social credit code is missing."),
    CREDIT_CODE: _credit_code,
    DUPLICATE: lambda row=0: _(
        "The same credit code is already in row %(row)d of the file; only that row is imported.",
        row=row,
    ),
    OTHER_REGION: lambda: _(
        "This enterprise is on the roster of a region outside yours; its authority keeps it."
    ),
    NAME_MISSING: lambda: _("The enterprise name is missing."),
    NAME_TOO_LONG: lambda: _(
        "The enterprise name is longer than %(max)d characters.", max=MAX_NAME_LENGTH
    ),
    NAME_CONTROL: lambda: _("The enterprise name contains control characters."),
    REGION_MISSING: lambda: _("The region code is missing."),
    REGION_FORMAT: lambda code="": _(
        "The region code %(code)s is not a 6-digit GB/T 2260 code.", code=code
    ),
    REGION_UNKNOWN: lambda code="": _("There is no region with the code %(code)s.", code=code),
    REGION_OUTSIDE: lambda code="": _("The region %(code)s is outside your region.", code=code),
    INDUSTRY_UNKNOWN: lambda code="": _(
        "There is no industry with the code %(code)s (GB/T 4754-2017).", code=code
    ),
    TAG_UNKNOWN: lambda tag="": _(
        "Unknown tag “%(tag)s”: use 规上, 专精特新, 小巨人 or 试点.", tag=tag
    ),
    EMAIL_INVALID: lambda: _("The contact email is not a valid address."),
    FLAG_VALUE: lambda column="", value="": _(
        "“%(value)s” in the column %(column)s is neither yes nor no: write 是 or 否 (Y/N, 1/0, "
        "true/false), or leave the cell blank.",
        value=value,
        column=column_label(column) if column in HEADERS else column,
    ),
}


def describe(problem: Problem) -> str:
    words = _WORDS.get(problem.kind)
    if words is None:  # a report kept from a version that knew other problems
        return problem.kind
    try:
        return words(**problem.params)
    except TypeError:
        return words()
