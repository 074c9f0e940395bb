"""Forms of the audit page: log a finding, answer a nonconformity, decide an answer. The forms
check what must be given (so that the page says it beside the field); the transition table
and the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from app.forms import BLANK, enum_options, options
from blueprints.audits.services import active_clauses
from models import FindingKind

# Photos and documents of evidence: stored and checked (type, size) by the upload service.
EVIDENCE_LABEL = _l("Evidence (optional)")


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
    evidence = MultipleFileField(EVIDENCE_LABEL)


class AnswerForm(FlaskForm):
    cause = TextAreaField(_l("Cause analysis"), validators=[DataRequired(), Length(max=4000)])
    correction = TextAreaField(_l("Correction"), validators=[DataRequired(), Length(max=4000)])
    action = TextAreaField(_l("Corrective action"), validators=[DataRequired(), Length(max=4000)])
    evidence = MultipleFileField(EVIDENCE_LABEL)


class DecisionForm(FlaskForm):
    # The decisions are the findings' transitions; the table refuses any other name.
    decision = StringField(validators=[Length(max=20)])
    comment = TextAreaField(_l("Comment (required when rejecting)"), validators=[Length(max=2000)])

    def validate_comment(self, field: TextAreaField) -> None:
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_l("Say why the corrective action is rejected."))
