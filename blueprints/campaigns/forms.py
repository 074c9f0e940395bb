"""Forms of the campaign pages: launching a round, the quotas of the units, the units that
report on their own. Types, lengths and ranges here; the rules (windows, overlaps, whose units)
in the services."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from app.forms import NOT_AN_EMAIL, DateField, IntegerField, enum_options
from models import EnterpriseTag

# A unit's target: a province's 1,000 enterprises, a city's few hundred; beyond this, a typo.
MOST_ENTERPRISES = 1_000_000


class LaunchForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    opens_on = DateField(_l("Window opens on"), validators=[DataRequired()])
    closes_on = DateField(_l("Window closes on"), validators=[DataRequired()])
    report_due_on = DateField(_l("Region's report due on"), validators=[DataRequired()])
    target_tag = SelectField(_l("Target population"), validators=[Optional()])
    notice = TextAreaField(
        _l("Notice to enterprises and authorities"), validators=[Length(max=5000)]
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.target_tag.choices = enum_options(
            EnterpriseTag, blank=_l("Every enterprise on the roster")
        )

    def tag(self) -> EnterpriseTag | None:
        return EnterpriseTag(self.target_tag.data) if self.target_tag.data else None


class QuotaEntry(Form):
    """One unit's row (no CSRF of its own: the enclosing form has it)."""

    code = HiddenField(validators=[DataRequired(), Regexp(r"^\d{6}$")])
    absolute = IntegerField(
        _l("Number of enterprises"),
        validators=[Optional(), NumberRange(min=0, max=MOST_ENTERPRISES)],
    )
    share_percent = IntegerField(
        _l("Share of the roster, per cent"), validators=[Optional(), NumberRange(min=1, max=100)]
    )


class QuotasForm(FlaskForm):
    units = FieldList(FormField(QuotaEntry), min_entries=0, max_entries=400)

    def targets(self) -> dict[str, tuple[int | None, int | None]]:
        return {
            entry.form.code.data or "": (entry.form.absolute.data, entry.form.share_percent.data)
            for entry in self.units
        }


class SeparateUnitForm(FlaskForm):
    code = StringField(
        _l("County-level unit code"),
        validators=[DataRequired(), Regexp(r"^\d{6}$", message=_l("Give a six-digit code."))],
    )


class ContactEntry(Form):
    """One person of seed 001's annex; leave the name empty to name nobody in this role."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    department_title = StringField(
        _l("Department and title"), validators=[Optional(), Length(max=200)]
    )
    phone = StringField(_l("Telephone"), validators=[Optional(), Length(max=40)])
    fax = StringField(_l("Fax"), validators=[Optional(), Length(max=40)])
    mobile = StringField(_l("Mobile"), validators=[Optional(), Length(max=40)])
    email = StringField(
        _l("Email"), validators=[Optional(), Email(message=NOT_AN_EMAIL), Length(max=254)]
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """Someone named must be reachable (a check of three fields together: the empty ones'
        Optional() would stop a validator of their own)."""
        valid = super().validate(extra_validators)
        reachable = self.phone.data or self.mobile.data or self.email.data
        if (self.name.data or "").strip() and not reachable:
            message = _l("Give a telephone, a mobile or an email address.")
            self.mobile.errors = [*self.mobile.errors, message]
            return False
        return valid


class ContactsForm(FlaskForm):
    lead = FormField(ContactEntry, label=_l("Person in charge"))
    liaison = FormField(ContactEntry, label=_l("Liaison"))
    platform_admin = FormField(ContactEntry, label=_l("Sub-platform administrator"))
