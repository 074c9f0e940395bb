from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import BLANK, enum_options, options
from blueprints.audits.services import active_clauses
from models import FindingKind


class FindingForm(FlaskForm):
    kind = SelectField(
        _l("Finding kind"), choices=lambda: enum_options(FindingKind), validators=[DataRequired()]
    )
    clause_code = SelectField(
        _l("Clause of GB/T 23001-2017"),
        validators=[DataRequired()],
        choices=lambda: options(((c.code, c.display) for c in active_clauses()), blank=BLANK),
    )
    description = TextAreaField(
        _l("Description and objective evidence"), validators=[DataRequired(), Length(max=4000)]
    )


class AnswerForm(FlaskForm):
    cause = TextAreaField(_l("Cause analysis"), validators=[DataRequired(), Length(max=4000)])
    correction = TextAreaField(_l("Correction"), validators=[DataRequired(), Length(max=4000)])
    action = TextAreaField(_l("Corrective action"), validators=[DataRequired(), Length(max=4000)])


class DecisionForm(FlaskForm):
    decision = StringField(validators=[Length(max=20)])
    comment = TextAreaField(
        _l("Comment (required when rejecting)"), validators=[Optional(), Length(max=2000)]
    )
