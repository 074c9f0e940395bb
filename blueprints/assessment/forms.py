"""Forms of the self-assessment pages around the questionnaire (whose answers the scoring
module reads): the submission's confirmation and the authority's decision. The forms check
what must be given, so that the page says it beside the field; the transition table and the
services check the rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import confirmation

# The review's decisions: the names of the assessment table's transitions.
DECISIONS = ("approve", "return")


class SubmitForm(FlaskForm):
    confirm = confirmation(
        _l(
            "I confirm that these answers are true and complete. After submission they cannot "
            "be changed unless an authority returns the assessment."
        ),
        _l("Tick the confirmation box to submit."),
    )


class ReviewForm(FlaskForm):
    decision = StringField(validators=[DataRequired(), Length(max=20)])
    comment = TextAreaField(_l("Comment (required when returning)"), validators=[Length(max=2000)])

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        if self.decision.data == "return" and not (self.comment.data or "").strip():
            self.comment.errors = [
                *self.comment.errors,
                str(_l("Say what must be corrected when returning a self-assessment.")),
            ]
        return not self.errors


class BenchmarkForm(FlaskForm):
    note = TextAreaField(
        _l("What makes it an example (shown in the other enterprises' reports)"),
        validators=[Optional(), Length(max=500)],
    )
