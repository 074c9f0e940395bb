"""The holder's own certificates (/certificates/mine): searched by certificate number or the
name on the certificate (pinyin initials too), filtered by live status, evaluation body and the
effective date, sorted by its columns, paged with the filters kept, and in Excel — exactly the
rows the filters give. Superseded ones are listed too: the holder keeps its history."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_today
from app.extensions import db
from app.forms import DateField, enum_options, filters_of, options
from app.list_sorting import Sorting, enum_order
from app.lists import given_of
from app.region_lists import Column, cells
from app.search import name_matches
from blueprints.certificates.queries import live_status
from models import Certificate, CertificateStatus, Organisation

SEARCH_MAX = 100


class HeldFilterForm(FlaskForm):
    """The list's filters (GET, no CSRF); a value that does not parse is left out — a body
    that issued none of the holder's certificates."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Certificate number or name"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_l("Names can also be found by their pinyin initials."),
    )
    status = SelectField(
        _l("Status"),
        validators=[Optional()],
        choices=lambda: enum_options(CertificateStatus, blank=_l("All")),
    )
    body = SelectField(_l("Evaluation body"), validators=[Optional()], choices=[])
    since = DateField(_l("Effective from"), validators=[Optional()])
    until = DateField(_l("Effective until"), validators=[Optional()])

    FILTERS = ("q", "status", "body", "since", "until", "sort")


SORTING = Sorting(
    keys={
        "issued": (Certificate.issued_at,),
        "number": (Certificate.number,),
        "body": (Organisation.name,),
        "effective": (Certificate.effective_on,),
        "expires": (Certificate.expires_on,),
        "status": (enum_order(Certificate.status, CertificateStatus), Certificate.expires_on),
    },
    default="-issued",  # the latest issued first
    tiebreak=Certificate.id,
)


@dataclass(frozen=True)
class Asked:
    form: HeldFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def body_choices(organisation_id: int | None) -> list[Any]:
    """The evaluation bodies that issued the holder's certificates, by name (one query)."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .join(Certificate, Certificate.body_id == Organisation.id)
        .where(Certificate.organisation_id == organisation_id)
        .distinct()
        .order_by(Organisation.name, Organisation.id)
    )
    return options(((str(r.id), r.name) for r in rows), blank=_l("All"))


def asked(organisation_id: int | None, args: Any) -> Asked:
    """The certificates held by ``organisation_id``, each with its evaluation body, narrowed by
    the filters, in the sort asked."""
    form = HeldFilterForm(args)
    form.body.choices = body_choices(organisation_id)
    values = filters_of(form)
    query = (
        sa.select(Certificate)
        .join(Organisation, Organisation.id == Certificate.body_id)
        .where(Certificate.organisation_id == organisation_id)
        .options(sa.orm.contains_eager(Certificate.body))
    )
    term = (values["q"] or "").strip()
    if term:
        query = query.where(
            sa.or_(
                Certificate.number.contains(term.upper(), autoescape=True),
                name_matches(
                    Certificate.enterprise_name,
                    Certificate.name_tokens,
                    term,
                    initials=Certificate.name_initials,
                ),
            )
        )
    if values["status"]:
        live = live_status(values["status"], local_today())
        if live is not None:
            query = query.where(live)
    if values["body"]:
        query = query.where(Certificate.body_id == int(values["body"]))
    if values["since"]:
        query = query.where(Certificate.effective_on >= values["since"])
    if values["until"]:
        query = query.where(Certificate.effective_on <= values["until"])
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """A certificate as the Excel shows it, its status live."""

    number: str
    name: str
    body: str
    status: CertificateStatus
    effective_on: date
    expires_on: date
    standard: str
    scope: str


def lines(certificates: Iterable[Certificate]) -> Iterator[Line]:
    today = local_today()
    for c in certificates:
        yield Line(
            number=c.number,
            name=c.enterprise_name,
            body=c.body.name,
            status=c.status_on(today),
            effective_on=c.effective_on,
            expires_on=c.expires_on,
            standard=c.standard,
            scope=c.scope,
        )


COLUMNS = (
    Column(_l("Certificate number"), "number"),
    Column(_l("Enterprise"), "name"),
    Column(_l("Evaluation body"), "body"),
    Column(_l("Status"), "status"),
    Column(_l("Effective"), "effective_on"),
    Column(_l("Expires"), "expires_on"),
    Column(_l("Standard"), "standard"),
    Column(_l("Scope"), "scope"),
)


def rows_of(certificates: Iterable[Certificate]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(certificates))
