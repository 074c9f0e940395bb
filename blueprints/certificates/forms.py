"""Forms of the certificate pages: the public register's search, the staff's lifecycle
actions, the holder's request. The forms check types, lengths and the fields a rule requires
(so that the page says it beside the field); the transition table and the services the
rules, again for callers without a form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.forms import DateField, IntegerField, confirmation, enum_options
from blueprints.certificates.transitions import NEEDS_REASON
from blueprints.reference.fields import RegionSearchField
from models import RequestKind

GIVE_THE_REASON = _l("Give the reason for this change.")
# Destructive: the certificate ends for good.
CONFIRMED_ACTIONS = frozenset({"revoke", "cancel"})


class RegisterSearchForm(FlaskForm):
    """The public register's filters (GET, no CSRF): a value that does not parse is ignored,
    as a search box should, rather than refused."""

    class Meta:
        csrf = False

    number = StringField(
        _l("Certificate number or credit code"),
        description=_l("The whole or its beginning"),
        validators=[Optional(), Length(max=40)],
    )
    name = StringField(_l("Enterprise name"), validators=[Optional(), Length(max=100)])
    region = RegionSearchField()
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
    """A lifecycle action of the staff; ``action`` says whether a reason is required."""

    reason = StringField(_l("Reason"), validators=[Length(max=500)])
    # The ids the page has always used (one reissue form per page).
    new_name = StringField(
        _l("New enterprise name (if changed)"),
        id="new-name",
        validators=[Optional(), Length(max=200)],
    )
    new_address = StringField(
        _l("New address (if changed)"), id="new-address", validators=[Optional(), Length(max=300)]
    )

    def __init__(self, action: str, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.action = action

    def validate_reason(self, field: StringField) -> None:
        if self.action in NEEDS_REASON and not (field.data or "").strip():
            raise ValidationError(GIVE_THE_REASON)


class ConfirmedChangeForm(ChangeForm):
    confirm = confirmation()


def change_form(action: str, **kwargs: Any) -> ChangeForm:
    return (ConfirmedChangeForm if action in CONFIRMED_ACTIONS else ChangeForm)(action, **kwargs)


class RequestForm(FlaskForm):
    # An unknown kind is refused by the service with its own message.
    kind = SelectField(
        _l("Request"), choices=lambda: enum_options(RequestKind), validate_choice=False
    )
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(message=GIVE_THE_REASON), Length(max=2000)]
    )
    # The ids the page has always used.
    new_name = StringField(
        _l("New enterprise name (if changed)"),
        id="name",
        validators=[Optional(), Length(max=200)],
    )
    new_address = StringField(
        _l("New address (if changed)"), id="address", validators=[Optional(), Length(max=300)]
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        printed = (self.new_name.data or "").strip() or (self.new_address.data or "").strip()
        if self.kind.data == RequestKind.REISSUE.value and not printed:
            self.new_name.errors = [
                *self.new_name.errors,
                str(_l("Give the new name or the new address to be printed.")),
            ]
            return False
        return valid
