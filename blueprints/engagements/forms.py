"""The engagement's forms: enrolment by the authority, the agreement, a work-group member,
and the comment of a move (withdrawal gives its reason)."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import DateField, confirmation, enum_options, options
from blueprints.engagements import services
from models import EngagementStatus, EngineerTitle


def _programme_choices():
    return options(
        [(key, programme.title.get(_locale())) for key, programme in services.programme_titles()]
    )


def _provider_choices():
    return [
        choice
        for org_id, name, kind in services.provider_choices()
        for choice in options([(str(org_id), name)], optgroup=kind.title)
    ]


def _locale() -> str:
    return str(get_locale() or "zh")


class EnrolForm(FlaskForm):
    programme = SelectField(
        _l("Programme"), choices=_programme_choices, validators=[DataRequired()]
    )
    credit_code = StringField(
        _l("Enterprise's unified social credit code"),
        validators=[DataRequired(), Length(max=40)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    provider = SelectField(_l("Provider"), choices=_provider_choices, validators=[DataRequired()])


class AgreementForm(FlaskForm):
    signed_on = DateField(_l("Signed on"), validators=[InputRequired()])
    scan = FileField(_l("The signed agreement (PDF or photo)"))


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=200)])
    title = SelectField(
        _l("Professional title"),
        choices=lambda: enum_options(EngineerTitle),
        validators=[DataRequired()],
    )
    lead = BooleanField(_l("Leads the work group"))
    expert = BooleanField(_l("An expert with practical experience"))
    pledged_on = DateField(_l("Confidentiality pledge signed on"), validators=[Optional()])


class WithdrawForm(FlaskForm):
    comment = TextAreaField(
        _l("Why the engagement is withdrawn"), validators=[DataRequired(), Length(max=2000)]
    )
    confirm = confirmation(_l("Yes, withdraw the engagement: the provider stops its work."))


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    programme = SelectField(
        _l("Programme"),
        choices=lambda: options(
            [(k, p.title.get(_locale())) for k, p in services.programme_titles()],
            blank=_l("All programmes"),
        ),
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=lambda: enum_options(EngagementStatus, blank=_l("All statuses")),
        validators=[Optional()],
    )
    q = StringField(
        _l("Enterprise, provider or credit code"),
        validators=[Optional(), Length(max=services.SEARCH_MAX)],
    )


class RemoveMemberForm(FlaskForm):
    confirm = confirmation(_l("Yes, remove this member from the work group."))
