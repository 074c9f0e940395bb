"""Forms of the surveillance panel: plan an audit, conclude it. The forms check types, lengths
and the fields a decision requires (so that the panel says it beside the field); the
transition table and the services check the rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import DateField, confirmation


class PlanForm(FlaskForm):
    # The ids the panel has always used (one planning form per page).
    starts_on = DateField(_l("First day"), id="s-start", validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), id="s-end", validators=[DataRequired()])
    # The body's evaluators are checked by the service (impartiality included).
    member_ids = SelectMultipleField(
        _l("Team members (besides the lead evaluator)"),
        id="s-team",
        coerce=int,
        validate_choice=False,
    )
    scope = TextAreaField(
        _l("Audit scope"), id="s-scope", validators=[Optional(), Length(max=2000)]
    )


class ConclusionForm(FlaskForm):
    # The decisions are the schedule item's transitions; the table refuses any other name.
    decision = StringField(validators=[Length(max=20)])
    completed_on = DateField(_l("Audit completed on"), id="c-date", validators=[Optional()])
    reason = StringField(
        _l("Reason (required to suspend)"), id="c-reason", validators=[Length(max=500)]
    )
    # Not recommending ends the certificate at its expiry: asked to be confirmed.
    confirm = confirmation(_l("Yes, I confirm (required to not recommend)."))

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        if self.decision.data != "not_recommend":
            self.confirm.errors = []  # the box matters to that decision only
        if self.decision.data == "suspend" and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, str(_l("Give the reason for this change."))]
        return not self.errors
