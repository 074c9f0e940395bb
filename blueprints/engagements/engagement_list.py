"""The diagnosis engagements list (/engagements/): the engagements the viewer's organisation is
a party to (services.visible_to), searched by enterprise, provider or credit code (pinyin
initials too), filtered by programme, provider, state and the day enrolled, sorted by its
columns, paged with the filters kept, and in Excel — exactly the rows the filters give."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_time
from app.extensions import db
from app.forms import DateField, enum_options, filters_of, options
from app.list_sorting import Sorting, enum_order
from app.lists import given_of, within_days
from app.region_lists import Column, cells
from app.search import name_matches, prefix_of
from blueprints.engagements import services
from blueprints.engagements.forms import FilterForm
from blueprints.engagements.services import Enterprise, Provider
from models import DiagnosisEngagement, EngagementStatus, User

SEARCH_MAX = services.SEARCH_MAX
# No agreement yet sorts last, on SQLite and PostgreSQL alike.
NO_AGREEMENT = date(9999, 12, 31)


class EngagementFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); a value that does not parse is left out — a provider
    none of the viewer's engagements has among them."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Enterprise, provider or credit code"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_l("Names can also be found by their pinyin initials."),
    )
    programme = FilterForm.programme
    provider = SelectField(_l("Provider"), validators=[Optional()], choices=[])
    status = SelectField(
        _l("Status"),
        choices=lambda: enum_options(EngagementStatus, blank=_l("All statuses")),
        validators=[Optional()],
    )
    since = DateField(_l("Enrolled from"), validators=[Optional()])
    until = DateField(_l("Enrolled until"), validators=[Optional()])

    FILTERS = ("q", "programme", "provider", "status", "since", "until", "sort")


SORTING = Sorting(
    keys={
        "enterprise": (Enterprise.name,),
        "programme": (DiagnosisEngagement.programme_key,),
        "provider": (Provider.name,),
        "status": (enum_order(DiagnosisEngagement.status, EngagementStatus),),
        "since": (DiagnosisEngagement.status_changed_at,),
        "enrolled": (DiagnosisEngagement.created_at,),
        "agreement": (sa.func.coalesce(DiagnosisEngagement.agreement_ends_on, NO_AGREEMENT),),
    },
    default="-since",  # the latest move first
    tiebreak=DiagnosisEngagement.id,
)


@dataclass(frozen=True)
class Asked:
    form: EngagementFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def provider_choices(user: User) -> list[Any]:
    """The providers of the engagements ``user`` sees, by name (one query)."""
    rows = db.session.execute(
        sa.select(Provider.id, Provider.name)
        .join(DiagnosisEngagement, DiagnosisEngagement.provider_id == Provider.id)
        .where(services.visible_to(user))
        .distinct()
        .order_by(Provider.name, Provider.id)
    )
    return options(((str(r.id), r.name) for r in rows), blank=_l("All providers"))


def asked(user: User, args: Any) -> Asked:
    """The engagements ``user`` sees (services.listed), narrowed by the filters, in the sort
    asked."""
    form = EngagementFilterForm(args)
    form.provider.choices = provider_choices(user)
    values = filters_of(form)
    query = services.listed(user)
    term = (values["q"] or "").strip()
    if term:
        query = query.where(
            sa.or_(
                name_matches(
                    Enterprise.name, Enterprise.name_tokens, term, initials=Enterprise.name_initials
                ),
                name_matches(
                    Provider.name, Provider.name_tokens, term, initials=Provider.name_initials
                ),
                prefix_of(Enterprise.credit_code, term),
            )
        )
    if values["programme"]:
        query = query.where(DiagnosisEngagement.programme_key == values["programme"])
    if values["provider"]:
        query = query.where(DiagnosisEngagement.provider_id == int(values["provider"]))
    if values["status"]:
        query = query.where(DiagnosisEngagement.status == EngagementStatus(values["status"]))
    query = query.where(
        *within_days(DiagnosisEngagement.created_at, values["since"], values["until"])
    )
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """An engagement as the Excel shows it."""

    id: int
    programme: str
    enterprise: str
    credit_code: str | None
    provider: str
    status: EngagementStatus
    since: Any
    enrolled: Any
    agreement_ends: date | None


def lines(rows: Iterable[Any]) -> Iterator[Line]:
    locale = str(get_locale() or "zh")
    titles = {key: p.title.get(locale) for key, p in services.programme_titles()}
    for r in rows:
        yield Line(
            id=r.id,
            programme=titles.get(r.programme_key, r.programme_key),
            enterprise=r.enterprise,
            credit_code=r.credit_code,
            provider=r.provider,
            status=r.status,
            since=local_time(r.status_changed_at),
            enrolled=local_time(r.created_at),
            agreement_ends=r.agreement_ends_on,
        )


COLUMNS = (
    Column(_l("No."), "id"),
    Column(_l("Programme"), "programme"),
    Column(_l("Enterprise"), "enterprise"),
    Column(_l("Unified social credit code"), "credit_code"),
    Column(_l("Provider"), "provider"),
    Column(_l("Status"), "status"),
    Column(_l("Since"), "since"),
    Column(_l("Enrolled"), "enrolled"),
    Column(_l("Agreement ends"), "agreement_ends"),
)


def rows_of(rows: Iterable[Any]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(rows))
