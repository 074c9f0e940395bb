"""The reform project's forms: the project, a contract, the filing and the authorities'
decisions, the three in step, and the authority's exclusion flags."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import DateField, DecimalField
from blueprints.reform.exclusions import NOTE_MAX
from blueprints.reform.services import MAX_SCENARIOS, TEXT_MAX
from models.reform import AMOUNT_MAX

_AMOUNT = [InputRequired(), NumberRange(min=0.01, max=AMOUNT_MAX)]


class ProjectFields(FlaskForm):
    """The project's own fields: drafted with them, revised with them while a draft or
    returned."""

    name = StringField(_l("Project name"), validators=[DataRequired(), Length(max=200)])
    scenarios = SelectMultipleField(
        _l("Scenarios"),
        validators=[DataRequired(), Length(max=MAX_SCENARIOS)],
        choices=[],
    )
    starts_on = DateField(_l("Planned start"), validators=[InputRequired()])
    ends_on = DateField(_l("Planned end"), validators=[InputRequired()])
    budget = DecimalField(_l("Total budget (yuan)"), places=2, validators=_AMOUNT)


class ProjectForm(ProjectFields):
    engagement = SelectField(_l("Programme enrolment"), validators=[DataRequired()], choices=[])


class RevisionForm(ProjectFields):
    """The same fields on a draft or a returned project (the enrolment stays)."""


class ContractForm(FlaskForm):
    provider = SelectField(_l("Provider"), validators=[DataRequired()], choices=[])
    product = SelectField(_l("Product of the pool"), validators=[Optional()], choices=[])
    products = TextAreaField(
        _l("Products and services"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("Choose a product of the pool, describe them, or both."),
    )
    price = DecimalField(_l("Price (yuan)"), places=2, validators=_AMOUNT)
    starts_on = DateField(_l("Term from"), validators=[InputRequired()])
    ends_on = DateField(_l("Term until"), validators=[InputRequired()])
    file = FileField(
        _l("Signed contract"), validators=[FileRequired(message=_l("Choose a file to upload."))]
    )


class ActionForm(FlaskForm):
    """A move without more to say (filing, declaring implemented)."""


class DecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Opinion"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("Required when you return the project."),
    )


class TrainingForm(FlaskForm):
    plan = TextAreaField(_l("Training plan"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    on = DateField(_l("Date"), validators=[InputRequired()])


class DeliveryForm(FlaskForm):
    on = DateField(_l("Date"), validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    file = FileField(_l("File (optional)"))


class EvaluationForm(FlaskForm):
    evaluation = TextAreaField(_l("Evaluation"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    on = DateField(_l("Date"), validators=[InputRequired()])


class ExclusionForm(FlaskForm):
    central_fund_giant = BooleanField(_l("Funded as a little giant by the central SME fund"))
    national_pilot_2022 = BooleanField(_l("In the 2022 national reform pilot"))
    note = TextAreaField(_l("Basis"), validators=[DataRequired(), Length(max=NOTE_MAX)])
