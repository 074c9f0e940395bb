"""Forms of special audits: the handler's order, the body's schedule and completion, the
handler's cancellation. The forms check types and lengths beside the field; the table and the
services check the rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import DateField, confirmation, enum_options
from blueprints.special_audits.services import REASON_MAX, SCOPE_MAX, SUMMARY_MAX
from models import ComplaintVerdict


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class OrderForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the special audit (the evaluation body reads it)"),
        id="special-reason",
        validators=[
            DataRequired(message=_l("Give the reason for the special audit.")),
            Length(max=REASON_MAX, message=_l("At most %(n)d characters.", n=REASON_MAX)),
        ],
        filters=[_strip],
    )
    scope = TextAreaField(
        _l("Scope (empty: the certificate's scope)"),
        id="special-scope",
        validators=[
            Optional(),
            Length(max=SCOPE_MAX, message=_l("At most %(n)d characters.", n=SCOPE_MAX)),
        ],
        filters=[_strip],
    )


class ScheduleForm(FlaskForm):
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    # The body's evaluators are checked by the service (every team rule).
    member_ids = SelectMultipleField(
        _l("Team members (besides the lead evaluator)"), coerce=int, validate_choice=False
    )


class CompleteForm(FlaskForm):
    # The recommendations are the table's completing moves; the table refuses any other name.
    decision = StringField(validators=[Length(max=20)])
    verdict = RadioField(
        _l("The complaint is"),
        choices=lambda: enum_options(ComplaintVerdict),
        validators=[DataRequired(message=_l("Say whether the complaint is substantiated."))],
    )
    summary = TextAreaField(
        _l("Summary of the audit's result (for the case's handler)"),
        validators=[
            DataRequired(message=_l("Summarise the audit's result.")),
            Length(max=SUMMARY_MAX, message=_l("At most %(n)d characters.", n=SUMMARY_MAX)),
        ],
        filters=[_strip],
    )
    completed_on = DateField(_l("Audit completed on"), validators=[Optional()])


class CancelForm(FlaskForm):
    confirm = confirmation(_l("Yes, cancel the special audit (the body is told)."))
