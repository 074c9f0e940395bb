"""Forms of the register: what must be given and within which bounds is said beside the field;
the transition table and the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from app.forms import BLANK, DateField, IntegerField, confirmation, enum_options, options
from blueprints.evaluators.services import sector_choices
from models import RegistrationGrade

__all__ = [
    "CompetenceForm",
    "DecisionForm",
    "DeleteTrainingForm",
    "RegistrationForm",
    "RegistrationGrade",
    "TrainingForm",
]

NUMBER_MAX = 40


class RegistrationForm(FlaskForm):
    grade = SelectField(
        _l("Registration"),
        choices=lambda: enum_options(RegistrationGrade, blank=BLANK),
        validators=[DataRequired()],
    )
    number = StringField(
        _l("Registration certificate number"),
        validators=[DataRequired(), Length(max=NUMBER_MAX)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    issued_on = DateField(_l("Issued on"), validators=[DataRequired()])
    expires_on = DateField(_l("Expires on"), validators=[DataRequired()])

    def validate_expires_on(self, field: DateField) -> None:
        if field.data and self.issued_on.data and field.data <= self.issued_on.data:
            raise ValidationError(_l("The expiry date must be after the issue date."))


class CompetenceForm(FlaskForm):
    industry_code = SelectField(
        _l("Sector (GB/T 4754 section or division)"),
        choices=lambda: options(sector_choices(), blank=BLANK),
        validators=[DataRequired()],
    )


class TrainingForm(FlaskForm):
    taken_on = DateField(_l("Date"), validators=[DataRequired()])
    course = StringField(_l("Course"), validators=[DataRequired(), Length(max=200)])
    hours = IntegerField(
        _l("Hours"),
        validators=[
            DataRequired(),
            NumberRange(min=1, max=1000, message=_l("Give between 1 and 1000 hours.")),
        ],
    )
    provider = StringField(_l("Provider"), validators=[DataRequired(), Length(max=200)])


class DecisionForm(FlaskForm):
    # The decisions are the table's transitions; the table refuses any other name.
    action = StringField(validators=[Length(max=20)])
    reason = TextAreaField(_l("Reason (required when returning)"), validators=[Length(max=500)])

    def validate_reason(self, field: TextAreaField) -> None:
        if self.action.data == "return" and not (field.data or "").strip():
            raise ValidationError(_l("Say why it is returned."))


class DeleteTrainingForm(FlaskForm):
    confirm = confirmation()
