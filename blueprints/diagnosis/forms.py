"""The SME digital level evaluation form, built from the evaluation table: a number of points
for each indicator of table 7, a level for each scenario of table 8, and the pledge."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired, NumberRange

from app.forms import DecimalField, confirmation, options
from blueprints.diagnosis.sme_level import EvaluationTable


def points_field(key: str) -> str:
    return f"points_{key}"


def level_field(key: str) -> str:
    return f"level_{key}"


class _EvaluationForm(FlaskForm):
    table: EvaluationTable

    pledge = confirmation(
        _l("I pledge that these points and levels are true to the enterprise's situation."),
        _l("Tick the pledge: the evaluation is made on the enterprise's word."),
    )

    # The number of the latest evaluation when the form was made (0: the first one; none: a
    # client that sent no number is not checked, the unique number still stops a race).
    after_number = HiddenField()

    def after(self) -> int | None:
        raw = self.after_number.data or ""
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        total = sum((self[points_field(i.key)].data or Decimal(0)) for i in self.table.indicators)
        if total > Decimal(str(self.table.total_points)):
            self.form_errors.append(
                _l(
                    "The points add up to %(total)s, more than the %(most)g of the table.",
                    total=f"{total:g}",
                    most=self.table.total_points,
                )
            )
            return False
        return valid

    def points(self) -> dict[str, float]:
        return {i.key: float(self[points_field(i.key)].data) for i in self.table.indicators}

    def levels(self) -> dict[str, int]:
        return {s.key: int(self[level_field(s.key)].data) for s in self.table.scenarios}


@functools.cache
def form_class(table: EvaluationTable) -> type[_EvaluationForm]:
    """The form of ``table`` (one class per table and process: WTForms binds fields per class)."""
    pairs = [("0", _l("Not reached"))]
    pairs += [
        (str(level.level), _l("Level %(n)d", n=level.level)) for level in table.scenario_levels
    ]
    fields: dict[str, Any] = {"table": table}
    for indicator in table.indicators:
        fields[points_field(indicator.key)] = DecimalField(
            indicator.title.zh,
            places=2,
            validators=[
                InputRequired(message=_l("Give the indicator's points.")),
                NumberRange(min=0, max=table.total_points),
            ],
        )
    for scenario in table.scenarios:
        fields[level_field(scenario.key)] = SelectField(
            scenario.title.zh,
            # Built per request: the labels are in the reader's language.
            choices=lambda: options(pairs),
            validators=[InputRequired(message=_l("Choose the scenario's level."))],
        )
    return type("SmeLevelForm", (_EvaluationForm,), fields)


def evaluation_form(
    table: EvaluationTable, *, previous: Any = None, **kwargs: Any
) -> _EvaluationForm:
    """The form, on a first visit filled with ``previous`` evaluation's values."""
    data: dict[str, Any] = {}
    if previous is not None:
        data |= {points_field(k): Decimal(str(v)) for k, v in previous.points.items()}
        data |= {level_field(k): str(v) for k, v in previous.levels.items()}
    return form_class(table)(data=data, **kwargs)
