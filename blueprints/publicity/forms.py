"""Forms of the publicity pages: the public objection, the staff's batch and decision. The
forms check types, lengths and the fields a rule requires (so that the page says it beside
the field); the services check the rules again for callers without a form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.forms import DateField, confirmation
from blueprints.publicity.services import CONTACT_MAX, NAME_MAX, REASON_MAX

OBJECTION_INCOMPLETE = _l("Give your name, a way to contact you and the reason.")


class ObjectionForm(FlaskForm):
    # The public sees one wording for what is missing, and the service's for what is too long.
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=OBJECTION_INCOMPLETE), Length(max=NAME_MAX)],
    )
    contact = StringField(
        _l("Phone or email"),
        validators=[DataRequired(message=OBJECTION_INCOMPLETE), Length(max=CONTACT_MAX)],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=OBJECTION_INCOMPLETE),
            Length(
                max=REASON_MAX,
                message=_l(
                    "The objection is too long: at most %(n)d characters for the reason.",
                    n=REASON_MAX,
                ),
            ),
        ],
    )

    def inputs(self) -> dict[str, str]:
        return {
            "name": self.name.data or "",
            "contact": self.contact.data or "",
            "reason": self.reason.data or "",
        }


class BatchForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    starts_on = DateField(
        _l("First day"),
        validators=[DataRequired(message=_l("Give the first day of the publicity period."))],
    )
    # The projects waiting are checked by the service; here only that some are chosen.
    project_ids = SelectMultipleField(_l("Projects"), coerce=int, validate_choice=False)

    def validate_project_ids(self, field: SelectMultipleField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose projects that are waiting for publicity."))


class DecisionForm(FlaskForm):
    # The decisions are the objection's transitions; the table refuses any other name.
    decision = StringField(validators=[DataRequired(), Length(max=20)])
    reason = TextAreaField(
        _l("Reason for the decision"),
        validators=[
            DataRequired(message=_l("Record the reason for the decision.")),
            Length(max=REASON_MAX),
        ],
    )
    # Upholding sends the project back to the evaluation body: asked to be confirmed.
    confirm = confirmation(_l("Yes, I confirm (required to uphold)."))

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        if self.decision.data != "uphold":
            self.confirm.errors = []  # the box matters to that decision only
        return not self.errors
