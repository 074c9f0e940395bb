"""Forms of the surveillance panel: plan an audit, conclude it. The forms check types and
lengths; the transition table and the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import DateField


class PlanForm(FlaskForm):
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])
    # The body's evaluators are checked by the service (impartiality included).
    member_ids = SelectMultipleField(
        _l("Team members (besides the lead evaluator)"), coerce=int, validate_choice=False
    )
    scope = TextAreaField(_l("Audit scope"), validators=[Optional(), Length(max=2000)])


class ConclusionForm(FlaskForm):
    decision = StringField(validators=[Length(max=20)])
    completed_on = DateField(_l("Audit completed on"), validators=[Optional()])
    reason = StringField(
        _l("Reason (required to suspend)"), validators=[Optional(), Length(max=500)]
    )
