"""The forms of the webhooks pages: a new endpoint, the confirmed actions (the log's filters:
delivery_list)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length, ValidationError

from app.forms import confirmation, enum_options
from blueprints.webhooks.sending import check_url
from models import SUBSCRIBABLE, WebhookEvent


class EndpointForm(FlaskForm):
    url = StringField(
        _l("URL"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("Where Certpath posts the events, e.g. https://example.com/certpath"),
    )
    events = SelectMultipleField(
        _l("Events"),
        choices=lambda: enum_options(SUBSCRIBABLE),
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[DataRequired(message=_l("Choose at least one event."))],
    )

    def validate_url(self, field):
        refusal = check_url((field.data or "").strip())
        if refusal:
            raise ValidationError(refusal)

    def chosen_events(self) -> list[WebhookEvent]:
        return [WebhookEvent(value) for value in self.events.data or []]


class DeleteForm(FlaskForm):
    confirm = confirmation(_l("The endpoint and its delivery log are deleted. Delete it."))


class SecretForm(FlaskForm):
    confirm = confirmation(
        _l("The current secret stops working at once: receivers need the new one. Renew it.")
    )


class ActionForm(FlaskForm):
    """Enable, disable, ping, deliver again: a button (the CSRF token only)."""
