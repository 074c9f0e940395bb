"""The pool's forms: the application, a product, a qualification file, the experts and their
opinions, the authority's decisions, an objection and an enterprise's survey."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import DecimalField, enum_options, options
from blueprints.pool.ratings import COMMENT_MAX, SCORE_MAX, SCORE_MIN
from blueprints.pool.services import TEXT_MAX
from blueprints.publicity.services import CONTACT_MAX, NAME_MAX, REASON_MAX
from models import SolutionOrigin
from models.demand import PRICE_MAX


class ApplyForm(FlaskForm):
    pool = SelectField(_l("Programme pool"), validators=[DataRequired()], choices=[])
    qualifications = TextAreaField(
        _l("Qualifications and references"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
        description=_l("Licences, certifications, staff and the enterprises you have served."),
    )


_PRICE = [InputRequired(), NumberRange(min=0, max=PRICE_MAX)]


class ProductForm(FlaskForm):
    name = StringField(_l("Product or solution"), validators=[DataRequired(), Length(max=200)])
    scenario = SelectField(_l("Third-level scenario"), validators=[DataRequired()], choices=[])
    price_low = DecimalField(_l("Lowest price (10,000 yuan)"), places=2, validators=_PRICE)
    price_high = DecimalField(_l("Highest price (10,000 yuan)"), places=2, validators=_PRICE)
    origin = SelectField(
        _l("Existing or new"),
        choices=lambda: enum_options(SolutionOrigin),
        validators=[DataRequired()],
    )


class FileForm(FlaskForm):
    file = FileField(
        _l("Qualification document"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
    )


class ActionForm(FlaskForm):
    """A move without more to say (submitting, applying again)."""


class AssignForm(FlaskForm):
    expert = SelectField(_l("Expert"), validators=[DataRequired()], choices=[])


class OpinionForm(FlaskForm):
    recommends = RadioField(
        _l("Recommendation"),
        choices=options([("yes", _l("Admit")), ("no", _l("Do not admit"))]),
        validators=[DataRequired()],
    )
    opinion = TextAreaField(_l("Opinion"), validators=[DataRequired(), Length(max=TEXT_MAX)])


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=TEXT_MAX)])


class ObjectionForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    contact = StringField(
        _l("How to contact you"), validators=[DataRequired(), Length(max=CONTACT_MAX)]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX)])


class ObjectionDecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=TEXT_MAX)])


SCORES = options((str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1))


def survey_form(keys: list[str], *, blank: bool = False) -> FlaskForm:
    """A survey with a 1–5 choice per criterion of the programme (fields ``score_<key>``)."""

    class SurveyForm(FlaskForm):
        comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=COMMENT_MAX)])

    for key in keys:
        setattr(
            SurveyForm,
            f"score_{key}",
            RadioField(
                choices=SCORES,
                validators=[DataRequired(message=_l("Give a score from 1 to 5."))],
            ),
        )
    return SurveyForm(formdata=None) if blank else SurveyForm()
