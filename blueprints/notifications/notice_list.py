"""The user's notifications (/notifications/): searched by title, filtered by category, unread
only and the days they came, newest or oldest first, paged with the filters kept."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.forms import DateField, enum_options, filters_of, options
from app.list_sorting import Sorting
from app.lists import given_of, within_days
from blueprints.notifications import services
from blueprints.notifications.table import NOTICES, Category
from models import Notification, User

SEARCH_MAX = 100


class NoticeFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); a value that does not parse is left out."""

    class Meta:
        csrf = False

    q = StringField(_l("Title"), validators=[Optional(), Length(max=SEARCH_MAX)])
    category = SelectField(
        _l("Category"),
        validators=[Optional()],
        choices=lambda: enum_options(Category, blank=_l("All")),
    )
    unread = BooleanField(_l("Unread only"))
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
    sort = SelectField(
        _l("Order"),
        validators=[Optional()],
        choices=lambda: options(
            [("-created", _l("Newest first")), ("created", _l("Oldest first"))]
        ),
    )

    FILTERS = ("q", "category", "unread", "since", "until", "sort")


SORTING = Sorting(
    keys={"created": (Notification.created_at,)},
    default="-created",
    tiebreak=Notification.id,
)


@cache
def _events_of(category: Category) -> tuple[str, ...]:
    return tuple(sorted(name for name, notice in NOTICES.items() if notice.category is category))


def _of_category(category: Category) -> sa.ColumnElement[bool]:
    """A notice's key starts with its event's name (delivery: event:occurrence:user)."""
    names = _events_of(category)
    if not names:
        return sa.false()
    return sa.or_(*(Notification.key.startswith(name + ":", autoescape=True) for name in names))


@dataclass(frozen=True)
class Asked:
    form: NoticeFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]


def asked(user: User, args: Any) -> Asked:
    form = NoticeFilterForm(args)
    values = filters_of(form)
    query = services.of_user(user)
    term = (values["q"] or "").strip()
    if term:
        query = query.where(Notification.title.icontains(term, autoescape=True))
    if values["category"]:
        query = query.where(_of_category(Category(values["category"])))
    if values["unread"]:
        query = query.where(Notification.read_at.is_(None))
    query = query.where(*within_days(Notification.created_at, values["since"], values["until"]))
    sort = SORTING.asked()
    form.sort.data = sort
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))
