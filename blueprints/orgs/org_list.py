"""The organisations an authority (its region's) or the alliance (all) sees (/orgs/): searched
by name or credit code, filtered by kind, roster tag and region, sorted by its columns, paged
with the filters kept, and in Excel — exactly the rows the filters give."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.clock import local_time
from app.forms import filters_of
from app.list_sorting import Sorting, enum_order
from app.lists import given_of
from app.region_lists import Column, cells
from blueprints.orgs import services
from blueprints.orgs.forms import OrganisationFilterForm
from blueprints.reference.names import region_label
from models import Organisation, OrgKind

SORTING = Sorting(
    keys={
        "name": (Organisation.name,),
        "kind": (enum_order(Organisation.kind, OrgKind), Organisation.name),
        "region": (Organisation.region_code, Organisation.name),
        "created": (Organisation.created_at,),
    },
    default="kind",
    tiebreak=Organisation.id,
)


@dataclass(frozen=True)
class Asked:
    form: OrganisationFilterForm
    query: sa.Select
    sort: str
    given: dict[str, str]  # the filters and sort as typed, for the pager and the Excel


def asked(args: Any) -> Asked:
    """The organisations the viewer may see (organisation_scope), narrowed by the filters, in
    the sort asked."""
    form = OrganisationFilterForm(args)
    values = filters_of(form)
    query = services.visible_organisations(
        current_user, values["q"], values["kind"] or None, values["tag"] or None
    )
    region = form.region.where(Organisation.region_code)
    if region is not None:
        query = query.where(region)
    sort = SORTING.asked()
    return Asked(form, SORTING.apply(query, sort), sort, given_of(args, form.FILTERS))


@dataclass(frozen=True)
class Line:
    """An organisation as the Excel shows it."""

    name: str
    kind: OrgKind
    credit_code: str | None
    region_code: str | None
    region: str
    active: str
    created: date | None


def lines(organisations: Iterable[Organisation]) -> Iterator[Line]:
    for org in organisations:
        created = local_time(org.created_at)
        yield Line(
            name=org.name,
            kind=org.kind,
            credit_code=org.credit_code,
            region_code=org.region_code,
            region=region_label(org.region_code),
            active=str(_l("Yes")) if org.active else str(_l("No")),
            created=created.date() if created else None,
        )


COLUMNS = (
    Column(_l("Name"), "name"),
    Column(_l("Kind"), "kind"),
    Column(_l("Unified social credit code"), "credit_code"),
    Column(_l("Region code"), "region_code"),
    Column(_l("Region"), "region"),
    Column(_l("Active"), "active"),
    Column(_l("Created"), "created"),
)


def rows_of(organisations: Iterable[Organisation]) -> Iterator[list[Any]]:
    return (cells(line, COLUMNS) for line in lines(organisations))
