from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.forms import NOT_AN_EMAIL, confirmation, enum_options
from blueprints.auth.forms import language_choices
from blueprints.reference.fields import RegionSearchField
from models import EnterpriseTag, OrgKind


class OrganisationContactForm(FlaskForm):
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    contact_email = EmailField(
        _l("Contact email"), validators=[Optional(), Email(message=NOT_AN_EMAIL), Length(max=254)]
    )


class InviteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(message=NOT_AN_EMAIL), Length(max=254)]
    )
    locale = SelectField(_l("Language of the invitation"), choices=language_choices, default="zh")
    make_admin = BooleanField(_l("Can manage the organisation and invite others"))


def kind_filter_choices():
    return enum_options(OrgKind, blank=_l("All kinds"))


def tag_filter_choices():
    return enum_options(EnterpriseTag, blank=_l("All tags"))


class OrganisationFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(
        _l("Name or credit code"),
        validators=[Optional(), Length(max=100)],
        description=_l("Names can also be found by their pinyin initials."),
    )
    kind = SelectField(_l("Kind"), choices=kind_filter_choices, validators=[Optional()])
    tag = SelectField(_l("Roster tag"), choices=tag_filter_choices, validators=[Optional()])
    region = RegionSearchField()

    FILTERS = ("q", "kind", "tag", "region", "sort")


# Account recovery by an authority: each action asks first (the box is checked on the server).
class ResetLinkForm(FlaskForm):
    confirm = confirmation(_l("This person asked for it, and I have checked who they are."))


class OneTimePasswordForm(FlaskForm):
    confirm = confirmation(
        _l(
            "I have checked who is asking (in person, or by calling the enterprise's registered "
            "number) and will give the password to this person only."
        )
    )
