"""Account forms. Labels are lazy so they translate per request."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.forms import BLANK, NOT_AN_EMAIL, enum_options, options
from blueprints.reference.fields import IndustryField, RegionFields
from models import SUPPORTED_LOCALES, EnterpriseSize

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}  # each in its own language: never translated
assert set(LANGUAGE_NAMES) == set(SUPPORTED_LOCALES)


def language_choices():
    return options(LANGUAGE_NAMES.items())


def _size_choices():
    return enum_options(EnterpriseSize, blank=BLANK)


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me signed in on this computer"))


class PasswordFields:
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class RegistrationForm(PasswordFields, RegionFields, FlaskForm):
    org_name = StringField(_l("Enterprise name"), validators=[DataRequired(), Length(max=200)])
    credit_code = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(max=40)]
    )
    industry = IndustryField(_l("Industry (GB/T 4754-2017)"))
    size = SelectField(_l("Enterprise size"), choices=_size_choices, validators=[DataRequired()])
    address = StringField(_l("Registered address"), validators=[DataRequired(), Length(max=300)])
    contact_phone = StringField(_l("Contact phone"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(message=NOT_AN_EMAIL), Length(max=254)]
    )
    # The language the visitor is reading in: the activation email arrives in it.
    locale = SelectField(
        _l("Preferred language"), choices=language_choices, default=lambda: str(get_locale())
    )
    accept_terms = BooleanField(
        _l("I confirm that I am authorised to register this enterprise"),
        validators=[
            DataRequired(message=_l("Please confirm that you may register this enterprise."))
        ],
    )


class ConfirmForm(FlaskForm):
    """A button and its CSRF token: confirms what the page shows."""


class EmailOnlyForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(message=NOT_AN_EMAIL), Length(max=254)]
    )


class SetPasswordForm(PasswordFields, FlaskForm):
    pass


class ChangePasswordForm(PasswordFields, FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    locale = SelectField(_l("Preferred language"), choices=language_choices)
