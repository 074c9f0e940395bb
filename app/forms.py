"""Helpers for select fields in the WTForms 3.3 style (SelectChoice objects, not tuples)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs: 3.2

from models.types import TitledEnum

BLANK = _l("— choose —")


def options(
    pairs: Iterable[tuple[str, Any]], *, blank: Any = None, optgroup: str | None = None
) -> list[SelectChoice]:
    """(value, label) pairs → SelectChoice list; labels may be lazy strings."""
    result = [SelectChoice(value="", label=str(blank))] if blank is not None else []
    result += [
        SelectChoice(value=value, label=str(label), optgroup=optgroup) for value, label in pairs
    ]
    return result


def enum_options(members: Iterable[TitledEnum], *, blank: Any = None) -> list[SelectChoice]:
    """Options from enum members that carry a translated ``title``."""
    return options(((m.value, m.title) for m in members), blank=blank)


def first_error(form: Any) -> str:
    """The first problem of a form that did not validate, named by its field's label."""
    for field in form:
        if field.errors:
            return f"{field.label.text}: {field.errors[0]}"
    return str(_l("The request could not be understood."))
