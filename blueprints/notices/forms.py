"""The notice form: lengths and choices here, the attachments' checks in app.uploads."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import enum_options
from models import NoticeAudience

BODY_MAX = 20_000


class NoticeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    audience = SelectField(
        _l("Addressed to"),
        # Read per request: the titles in the reader's language.
        choices=lambda: enum_options(NoticeAudience),
        default=NoticeAudience.EVERYONE.value,
        validators=[DataRequired()],
    )
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=BODY_MAX)])
    files = MultipleFileField(_l("Attachments (PDF, Word, Excel; up to 5)"))

    def chosen_audience(self) -> NoticeAudience:
        return NoticeAudience(self.audience.data)
