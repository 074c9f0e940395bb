"""The notification preferences: which categories also come by email."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets

from app.forms import enum_options
from blueprints.notifications.table import MUTABLE_CATEGORIES


class PreferencesForm(FlaskForm):
    emailed = SelectMultipleField(
        _l("Also send me an email about"),
        choices=lambda: enum_options(MUTABLE_CATEGORIES),
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )

    def muted(self) -> list[str]:
        """The categories left unticked: read in the app only."""
        chosen = set(self.emailed.data or [])
        return [c.value for c in MUTABLE_CATEGORIES if c.value not in chosen]
