"""Forms of the staff queues: the decision on a holder's request. Declining needs a reason;
carrying it out takes the holder's own (the note is optional)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class CarryOutForm(FlaskForm):
    reason = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for declining"),
        validators=[
            DataRequired(_l("Give the reason for declining the request.")),
            Length(max=2000),
        ],
    )


FORMS: dict[str, type[FlaskForm]] = {"carry_out": CarryOutForm, "decline": DeclineForm}
