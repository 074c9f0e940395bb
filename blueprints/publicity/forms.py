"""Forms of the publicity pages: the public objection, the staff's batch and decision. The
forms check types and lengths; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import DateField
from blueprints.publicity.services import REASON_MAX


class ObjectionForm(FlaskForm):
    # Lengths are checked by the service with its own message: the public sees one wording.
    name = StringField(_l("Your name"), validators=[Optional()])
    contact = StringField(_l("Phone or email"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[Optional()])

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
    # The projects waiting are checked by the service; here only that they are ids.
    project_ids = SelectMultipleField(coerce=int, validate_choice=False)


class DecisionForm(FlaskForm):
    # The decisions are the objection's transitions; the table refuses any other name.
    decision = StringField(validators=[DataRequired(), Length(max=20)])
    reason = TextAreaField(
        _l("Reason for the decision"), validators=[Optional(), Length(max=REASON_MAX)]
    )
