from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from app.forms import enum_options
from blueprints.roster.services import SEARCH_MAX
from models import EnterpriseTag


class ImportForm(FlaskForm):
    file = FileField(
        _l("Excel file (.xlsx)"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
    )


def tag_filter_choices():
    return enum_options(EnterpriseTag, blank=_l("All tags"))


class RosterFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Name or credit code"), validators=[Optional(), Length(max=SEARCH_MAX)])
    tag = SelectField(_l("Tag"), choices=tag_filter_choices, validators=[Optional()])
    region = StringField(
        _l("Region code (2, 4 or 6 digits)"),
        validators=[Optional(), Regexp(r"^(\d{2}|\d{4}|\d{6})$")],
    )
