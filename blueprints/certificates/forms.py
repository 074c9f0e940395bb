"""Forms of the certificate pages: the public register's search, the staff's lifecycle
actions, the holder's request. The forms check types and lengths; the services the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from app.forms import DateField, IntegerField, enum_options
from models import RequestKind


class RegisterSearchForm(FlaskForm):
    """The public register's filters (GET, no CSRF): a value that does not parse is ignored,
    as a search box should, rather than refused."""

    class Meta:
        csrf = False

    number = StringField(_l("Certificate number"), validators=[Optional(), Length(max=40)])
    name = StringField(_l("Enterprise name"), validators=[Optional(), Length(max=100)])
    region = StringField(
        _l("Region code (2, 4 or 6 digits)"), validators=[Optional(), Length(max=6)]
    )
    body = IntegerField(
        _l("Evaluation body"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    status = StringField(_l("Status"), validators=[Optional(), Length(max=20)])
    since = DateField(_l("Effective from"), validators=[Optional()])
    until = DateField(_l("Effective until"), validators=[Optional()])

    FILTERS = ("number", "name", "region", "body", "status", "since", "until")

    def given(self) -> dict[str, str]:
        """The filters as typed, to carry over to the next page's links."""
        return {name: self[name].raw_data[0] for name in self.FILTERS if self[name].raw_data}


class ChangeForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
    new_name = StringField(
        _l("New enterprise name (if changed)"), validators=[Optional(), Length(max=200)]
    )
    new_address = StringField(
        _l("New address (if changed)"), validators=[Optional(), Length(max=300)]
    )


class RequestForm(FlaskForm):
    # An unknown kind is refused by the service with its own message.
    kind = SelectField(
        _l("Request"), choices=lambda: enum_options(RequestKind), validate_choice=False
    )
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    new_name = StringField(
        _l("New enterprise name (if changed)"), validators=[Optional(), Length(max=200)]
    )
    new_address = StringField(
        _l("New address (if changed)"), validators=[Optional(), Length(max=300)]
    )
