"""The forms of the API keys page: make a key, revoke one."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length, ValidationError

from app.clock import local_today
from app.forms import DateField, confirmation, enum_options
from blueprints.api.keys import MAX_LIFETIME_DAYS
from models import ApiScope


def _default_expiry():
    return local_today() + timedelta(days=365)


class KeyForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What the key is for, e.g. the provincial platform's nightly check."),
    )
    scopes = SelectMultipleField(
        _l("May be used for"),
        choices=lambda: enum_options(ApiScope),
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[DataRequired(message=_l("Choose at least one use."))],
    )
    expires_on = DateField(_l("Valid until"), validators=[DataRequired()], default=_default_expiry)

    def validate_expires_on(self, field):
        today = local_today()
        if field.data <= today:
            raise ValidationError(_l("Give a day after today."))
        if field.data > today + timedelta(days=MAX_LIFETIME_DAYS):
            raise ValidationError(
                _l("A key may be valid for %(days)s days at most.", days=MAX_LIFETIME_DAYS)
            )

    def chosen_scopes(self) -> list[ApiScope]:
        return [ApiScope(value) for value in self.scopes.data or []]


class RevokeForm(FlaskForm):
    confirm = confirmation(
        _l("Programs using this key stop working at once. Revoke it."),
    )
