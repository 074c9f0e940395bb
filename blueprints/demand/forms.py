"""The demand library's forms: a need filed under a scenario, a solution matched to it, and
the confirmation of a removal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import DecimalField, enum_options
from models import SolutionOrigin
from models.demand import PRICE_MAX

TEXT_MAX = 4000


class EntryForm(FlaskForm):
    scenario = SelectField(_l("Third-level scenario"), validators=[DataRequired()], choices=[])
    problem = TextAreaField(_l("Problems found"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    need = TextAreaField(
        _l("Needs (common to the industry, or the enterprise's own)"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
    )
    description = TextAreaField(
        _l("Scenario description"), validators=[Optional(), Length(max=TEXT_MAX)]
    )


_PRICE = [InputRequired(), NumberRange(min=0, max=PRICE_MAX)]


class SolutionForm(FlaskForm):
    name = StringField(_l("Product or solution"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Brief description"), validators=[Optional(), Length(max=TEXT_MAX)])
    provider = SelectField(_l("Offered by"), validators=[DataRequired()], choices=[])
    price_low = DecimalField(_l("Lowest price (10,000 yuan)"), places=2, validators=_PRICE)
    price_high = DecimalField(_l("Highest price (10,000 yuan)"), places=2, validators=_PRICE)
    origin = SelectField(
        _l("Existing or new"),
        choices=lambda: enum_options(SolutionOrigin),
        validators=[DataRequired()],
    )
