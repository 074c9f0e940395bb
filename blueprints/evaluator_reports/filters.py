"""The reports' filters: GET forms without CSRF; a value that does not parse is left out (the
report falls back to every body, today, the sections, 90 days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_today
from app.forms import DateField, filters_of, options
from app.lists import given_of
from blueprints.evaluators.register_list import RegistrationSearchForm, body_choices

# The horizons the expiring report offers (days ahead): the reminders' 90 and 30, and between.
WITHIN_DAYS = (30, 60, 90)


class BodyFilterForm(FlaskForm):
    class Meta:
        csrf = False

    body = SelectField(_l("Evaluation body"), validators=[Optional()], choices=body_choices)
    as_of = DateField(_l("As of"), validators=[Optional()])

    FILTERS: tuple[str, ...] = ("body", "as_of")


class CoverageFilterForm(BodyFilterForm):
    # A GB/T 4754 section (门类) drilled into its divisions; checked against the reference
    # table by the report, which ignores a code it does not know.
    section = StringField(_l("Section"), validators=[Optional(), Length(max=4)])
    gaps = BooleanField(_l("Only sectors with projects under way and no evaluator"))

    FILTERS = ("body", "as_of", "section", "gaps")


class ExpiringFilterForm(RegistrationSearchForm):
    within = SelectField(
        _l("Expiring within"),
        validators=[Optional()],
        choices=lambda: options(
            (str(days), _l("%(days)d days", days=days)) for days in WITHIN_DAYS
        ),
        default=str(WITHIN_DAYS[-1]),
    )
    unrenewed = BooleanField(_l("Only those not renewed"))

    FILTERS = ("q", "body", "grade", "within", "unrenewed", "sort")


@dataclass(frozen=True)
class Filters:
    """What a report reads of its form: the body chosen (None: every body) and the day."""

    body_id: int | None
    as_of: date
    values: dict[str, Any]
    given: dict[str, str]


def read(form: Any, args: Any) -> Filters:
    values = filters_of(form)
    body = values.get("body")
    return Filters(
        body_id=int(body) if body and body.isdigit() else None,
        as_of=values.get("as_of") or local_today(),
        values=values,
        given=given_of(args, form.FILTERS),
    )
