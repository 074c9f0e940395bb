from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from blueprints.reference.loader import CLAUSE_CODE, CLAUSE_CODE_MAX, CLAUSE_TITLE_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ClauseForm(FlaskForm):
    title = StringField(
        _l("Title (Chinese)"),
        filters=[_strip],
        validators=[DataRequired(), Length(max=CLAUSE_TITLE_MAX)],
    )
    title_en = StringField(
        _l("Title (English)"),
        filters=[_strip],
        validators=[DataRequired(), Length(max=CLAUSE_TITLE_MAX)],
    )
    active = BooleanField(_l("Active: auditors can cite this clause in new findings"))


class NewClauseForm(ClauseForm):
    code = StringField(
        _l("Clause number"),
        filters=[_strip],
        validators=[
            DataRequired(),
            Length(max=CLAUSE_CODE_MAX),
            Regexp(
                rf"^{CLAUSE_CODE.pattern}$",
                message=_l(
                    "A clause number is numbers of up to three digits joined by dots, "
                    "such as 9.3 or 4.4.3.1."
                ),
            ),
        ],
    )
    active = BooleanField(_l("Active: auditors can cite this clause in new findings"), default=True)


class ClauseFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Clause number or title"), validators=[Optional(), Length(max=100)])
