"""The notice form: lengths and the audiences the sender may address here, the attachments'
checks in app.uploads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import options
from models import NoticeAudience

BODY_MAX = 20_000


class NoticeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    audience = SelectField(_l("Addressed to"), validators=[DataRequired()])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=BODY_MAX)])
    files = MultipleFileField(_l("Attachments (PDF, Word, Excel; up to 5)"))

    def __init__(self, audiences: Sequence[NoticeAudience], *args: Any, **kwargs: Any) -> None:
        """``audiences``: those the sender may address (services.audiences_for); any other
        value posted is refused beside the field."""
        super().__init__(*args, **kwargs)
        self.audience.choices = options((a.value, a.title) for a in audiences)
        if self.audience.data is None and audiences:
            regional = [a for a in audiences if a.regional]
            self.audience.data = (NoticeAudience.EVERYONE if regional else audiences[0]).value

    def chosen_audience(self) -> NoticeAudience:
        return NoticeAudience(self.audience.data)
