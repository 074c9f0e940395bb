"""What every form shares: select options in the WTForms 3.3 style (SelectChoice objects, not
tuples), bounded date, integer and decimal fields, the confirmation box of destructive actions, GET
filters. A refused form is shown again on its page (app.pages)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import fields
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs: 3.2
from wtforms.validators import DataRequired, ValidationError

from models.types import TitledEnum

BLANK = _l("— choose —")
# WTForms' own message reads "无效的 Email 地址" in Chinese: ours, in both languages.
NOT_AN_EMAIL = _l("Give a valid email address, e.g. name@example.com.")


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


def confirmation(label: Any = None, message: Any = None) -> fields.BooleanField:
    """The box a destructive action (revoke, withdraw, reject, …) needs ticked. It is checked
    on the server, so it works without JavaScript (the CSP allows no inline script) and a
    form posted without it is refused beside the box (422)."""
    return fields.BooleanField(
        label or _l("Yes, I confirm this action."),
        validators=[DataRequired(message=message or _l("Tick the box to confirm this action."))],
    )


class RemoveForm(FlaskForm):
    """The confirmation of a removal (a need, a product, a file, a contract)."""

    confirm = confirmation()


def filters_of(form: Any) -> dict[str, Any]:
    """A GET filter form's values by field name, None where a value did not validate (an
    unknown status, a date that is no date): a search ignores what it cannot read."""
    form.validate()
    return {field.name: None if field.errors else field.data for field in form}


# Dates a person enters here (operation start, audits, publicity) lie within this span; outside
# it a date is a typo, and the working-day calendar and date arithmetic would overflow.
EARLIEST_DATE, LATEST_DATE = date(1990, 1, 1), date(2099, 12, 31)
# The largest value of an INTEGER column.
LARGEST_INTEGER = 2**31 - 1


class DateField(fields.DateField):  # noqa: TID251 — the one place it is used
    """A date within EARLIEST_DATE..LATEST_DATE (every form's dates go through it)."""

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and not EARLIEST_DATE <= self.data <= LATEST_DATE:
            raise ValidationError(
                _l(
                    "Give a date between %(first)s and %(last)s.",
                    first=EARLIEST_DATE.isoformat(),
                    last=LATEST_DATE.isoformat(),
                )
            )


class DateTimeLocalField(fields.DateTimeLocalField):  # noqa: TID251 — the one place it is used
    """A local date and time (the browser's datetime-local input), within the same span as
    DateField."""

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and not EARLIEST_DATE <= self.data.date() <= LATEST_DATE:
            raise ValidationError(
                _l(
                    "Give a date between %(first)s and %(last)s.",
                    first=EARLIEST_DATE.isoformat(),
                    last=LATEST_DATE.isoformat(),
                )
            )


class DecimalField(fields.DecimalField):  # noqa: TID251 — the one place it is used
    """A finite number below a billion: NaN and Infinity parse as decimals, and NumberRange
    would fail to compare them (an error, not a refusal)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and (not self.data.is_finite() or abs(self.data) >= 10**9):
            self.data = None
            raise ValueError(_l("Not a valid decimal value."))


class IntegerField(fields.IntegerField):  # noqa: TID251 — the one place it is used
    """A whole number that fits the database's INTEGER column, whatever else is checked (a
    larger one never reaches the validators: NumberRange cannot even compare it)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > LARGEST_INTEGER:
            self.data = None
            raise ValueError(_l("This number is too large."))
