"""The projects a party takes part in (/projects/): searched by enterprise name or credit code,
filtered by state, region and start date, sorted by its columns, paged with the filters kept,
and in Excel — exactly the rows the filters give, read from the same query in chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.clock import local_time
from app.forms import DateField, enum_options, filters_of
from app.list_sorting import Sorting
from app.lists import given_of, within_days
from app.region_lists import Column, cells
from app.search import organisation_matches
from blueprints.projects.queries import visible_projects, waiting_on
from blueprints.reference.fields import RegionSearchField
from blueprints.reference.names import region_label
from models import Organisation, Project, ProjectStatus

SEARCH_MAX = 100
CHUNK = 500  # projects read at a time into the Excel


class ListForm(FlaskForm):
    """The list's filters (GET, no CSRF). A value that does not parse is left out, as a
    search box does; a region that is none is said beside its field."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Enterprise name or credit code"), validators=[Optional(), Length(max=SEARCH_MAX)]
    )
    status = SelectField(
        _l("State"), choices=lambda: enum_options(ProjectStatus, blank=_l("All states"))
    )
    region = RegionSearchField()
    since = DateField(_l("Started from"), validators=[Optional()])
    until = DateField(_l("Started until"), validators=[Optional()])

    FILTERS = ("q", "status", "region", "since", "until", "sort")


SORTING = Sorting(
    keys={
        "enterprise": (Organisation.name,),
        "state": (Project.status,),
        "started": (Project.created_at,),
        "since": (Project.status_changed_at,),
    },
    default="-since",
    tiebreak=Project.id,
)


@dataclass(frozen=True)
class Asked:
    form: ListForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def asked(args: Any) -> Asked:
    """The list as the request asks for it: the viewer's projects (project_scope) narrowed by
    the filters, in the sort asked."""
    form = ListForm(args)
    values = filters_of(form)
    query = visible_projects(current_user, values["status"] or None)
    if values["q"] and values["q"].strip():
        query = query.where(organisation_matches(values["q"].strip()))
    region = form.region.where(Organisation.region_code)
    if region is not None:
        query = query.where(region)
    query = query.where(*within_days(Project.created_at, values["since"], values["until"]))
    sort = SORTING.asked()
    given = given_of(args, ListForm.FILTERS)
    return Asked(form, SORTING.apply(query, sort), sort, given)


@dataclass(frozen=True)
class Line:
    """A project as the Excel shows it (the page shows the same values)."""

    enterprise: str
    credit_code: str | None
    region: str
    status: ProjectStatus
    waiting_on: str
    consultancy: str
    body: str
    started: date | None
    since: date | None


def lines(projects: Iterable[Project]) -> Iterator[Line]:
    def day(moment: datetime | None) -> date | None:
        local = local_time(moment)
        return local.date() if local else None

    for p in projects:
        yield Line(
            enterprise=p.organisation.name,
            credit_code=p.organisation.credit_code,
            region=region_label(p.organisation.region_code),
            status=p.status,
            waiting_on=waiting_on(p),
            consultancy=p.consultancy.name
            if p.consultancy
            else (str(_l("runs it itself")) if p.self_consulting else ""),
            body=p.body.name if p.body else "",
            started=day(p.created_at),
            since=day(p.status_changed_at),
        )


COLUMNS = (
    Column(_l("Enterprise"), "enterprise"),
    Column(_l("Credit code"), "credit_code"),
    Column(_l("Region"), "region"),
    Column(_l("State"), "status"),
    Column(_l("Waiting on"), "waiting_on"),
    Column(_l("Consultancy"), "consultancy"),
    Column(_l("Evaluation body"), "body"),
    Column(_l("Started"), "started"),
    Column(_l("Since"), "since"),
)


def rows_of(projects: Iterable[Project]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(projects))
