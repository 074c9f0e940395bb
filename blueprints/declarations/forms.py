"""The declaration's forms: sign the yearly pledge, declare a conflict, end one; the alliance's
list filters."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import DateField, IntegerField, confirmation, enum_options, options
from models import ConflictRelation, Role


class SignForm(FlaskForm):
    year = SelectField(_l("Year"), coerce=int, validators=[DataRequired()])
    pledge = confirmation(
        _l("I have read this declaration and pledge to abide by it."),
        _l("Tick the box to sign the declaration."),
    )

    def __init__(self, years: list[int], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.year.choices = [(y, str(y)) for y in years]


class ConflictForm(FlaskForm):
    # An enterprise on Certpath (found by the search above the form), or none: then its name
    # and credit code are typed.
    organisation_id = IntegerField(
        _l("Enterprise on Certpath"),
        validators=[Optional(), NumberRange(min=1, max=2**31 - 1)],
    )
    name = StringField(_l("Organisation's name"), validators=[Optional(), Length(max=200)])
    credit_code = StringField(
        _l("Unified social credit code"), validators=[Optional(), Length(max=18)]
    )
    relation = SelectField(
        _l("Relation"),
        validators=[DataRequired()],
        choices=lambda: enum_options(ConflictRelation, blank=_l("Choose…")),
    )
    starts_on = DateField(_l("From"), validators=[DataRequired()])
    ends_on = DateField(_l("Until (empty: still current)"), validators=[Optional()])


class EndConflictForm(FlaskForm):
    ends_on = DateField(_l("Ended on"), validators=[DataRequired()])


YES, NO = "yes", "no"


class DeclarationFilterForm(FlaskForm):
    """The alliance's list of people and their declarations (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    body = SelectField(_l("Organisation"), validators=[Optional()])
    role = SelectField(
        _l("Role"),
        validators=[Optional()],
        choices=lambda: enum_options((Role.EVALUATOR, Role.ALLIANCE_STAFF), blank=_l("All")),
    )
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=1990, max=2099)])
    declared = SelectField(
        _l("Declared"),
        validators=[Optional()],
        choices=lambda: options(((YES, _l("Declared")), (NO, _l("Not declared"))), blank=_l("All")),
    )

    FILTERS = ("q", "body", "role", "year", "declared", "sort")
