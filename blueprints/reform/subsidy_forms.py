"""The subsidy's forms: the enterprise's application and outcomes, the city's decision and
payment, and the subsidy list's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import DateField, DecimalField
from blueprints.reform.services import TEXT_MAX
from blueprints.reform.subsidy import INDICATOR_MAX, REFERENCE_MAX, UNIT_MAX
from models.reform import AMOUNT_MAX

_AMOUNT = [InputRequired(), NumberRange(min=0.01, max=AMOUNT_MAX)]
_FIGURE = [InputRequired(), NumberRange(min=-(10**9) + 1, max=10**9 - 1)]


class ApplyForm(FlaskForm):
    amount = DecimalField(_l("Amount requested (yuan)"), places=2, validators=_AMOUNT)


class SubsidyDecisionForm(FlaskForm):
    amount = DecimalField(
        _l("Amount approved (yuan)"),
        places=2,
        validators=[Optional(), NumberRange(min=0.01, max=AMOUNT_MAX)],
        description=_l("Required when you approve."),
    )
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("Required when you refuse: the enterprise reads it and may apply again."),
    )


class PaymentForm(FlaskForm):
    paid_amount = DecimalField(_l("Amount paid (yuan)"), places=2, validators=_AMOUNT)
    paid_on = DateField(_l("Paid on"), validators=[InputRequired()])
    reference = StringField(
        _l("Payment reference"), validators=[DataRequired(), Length(max=REFERENCE_MAX)]
    )


class OutcomeForm(FlaskForm):
    category = SelectField(
        _l("Category"),
        validators=[DataRequired()],
        choices=[],
    )
    indicator = StringField(_l("Indicator"), validators=[DataRequired(), Length(max=INDICATOR_MAX)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=UNIT_MAX)])
    before = DecimalField(_l("Before the reform"), places=4, validators=_FIGURE)
    after = DecimalField(_l("After the reform"), places=4, validators=_FIGURE)
