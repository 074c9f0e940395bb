"""An authority's view of the certification projects of its region's enterprises (read only;
the whole country for a national viewer): filtered by state, region below, year started and
enterprise name or credit code; one SELECT of the columns a row shows, the same query paged on
the page and streamed into the Excel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import local_time
from app.input_boundary import enum_arg, int_arg
from app.list_sorting import Sorting
from app.region_lists import Column, RegionFilters, RegionList
from app.search import organisation_matches
from app.security.access import in_region
from blueprints.reference.names import region_name
from models import Certificate, Organisation, Project, ProjectStatus

Consultancy = sa.orm.aliased(Organisation, name="consultancy")
Body = sa.orm.aliased(Organisation, name="body")


@dataclass(frozen=True)
class Filters(RegionFilters):
    status: ProjectStatus | None = None
    year: int | None = None  # the year the project started

    @classmethod
    def from_request(cls, own_prefix: str) -> Filters:
        """What does not parse, or lies outside the viewer's region, is ignored."""
        return cls(
            status=enum_arg("status", ProjectStatus),
            year=int_arg("year", 1990, 2099),
            **cls.common(own_prefix),
        )


def _year_started(year: int) -> sa.ColumnElement[bool]:
    """Started within the year in the business time zone (times are stored in naive UTC)."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    start, end = (
        datetime(y, 1, 1, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        for y in (year, year + 1)
    )
    return sa.and_(Project.created_at >= start, Project.created_at < end)


def of_region(prefix: str, filters: Filters) -> sa.Select:
    """The projects of the enterprises in the region of ``prefix`` ('' for everywhere), with
    their parties' names and the number of the certificate issued (the latest, after a
    reissue) in the same SELECT."""
    certificate = (
        sa.select(Certificate.number)
        .where(Certificate.project_id == Project.id)
        .order_by(Certificate.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        sa.select(
            Project.status,
            Project.self_consulting,
            Project.created_at,
            Project.applied_at,
            Project.stage2_completed_on,
            Project.concluded_at,
            Organisation.name,
            Organisation.credit_code,
            Organisation.region_code,
            Consultancy.name.label("consultancy"),
            Body.name.label("body"),
            certificate.label("certificate"),
        )
        .join(Organisation, Organisation.id == Project.organisation_id)
        .outerjoin(Consultancy, Consultancy.id == Project.consultancy_id)
        .outerjoin(Body, Body.id == Project.body_id)
        .order_by(Project.created_at.desc(), Project.id.desc())
    )
    if prefix:
        query = query.where(in_region(prefix))
    if filters.status:
        query = query.where(Project.status == filters.status)
    if filters.region:
        query = query.where(in_region(filters.region))
    if filters.year:
        query = query.where(_year_started(filters.year))
    if filters.q:
        query = query.where(organisation_matches(filters.q))
    return query


@dataclass(frozen=True)
class Line:
    """A row as the page and the Excel show it: times as days in the business time zone."""

    name: str
    credit_code: str | None
    region_code: str | None
    region: str
    status: ProjectStatus
    consultancy: str | None
    body: str | None
    started: date | None
    applied: date | None
    audited: date | None
    concluded: date | None
    certificate: str | None


def lines(rows: Iterable[Any]) -> Iterator[Line]:
    def day(moment: datetime | None) -> date | None:
        local = local_time(moment)
        return local.date() if local else None

    for row in rows:
        yield Line(
            name=row.name,
            credit_code=row.credit_code,
            region_code=row.region_code,
            region=region_name(row.region_code),
            status=row.status,
            consultancy=row.consultancy or (_("runs it itself") if row.self_consulting else None),
            body=row.body,
            started=day(row.created_at),
            applied=day(row.applied_at),
            audited=row.stage2_completed_on,
            concluded=day(row.concluded_at),
            certificate=row.certificate,
        )


# The Excel's columns; the page shows the same values (some two to a cell).
COLUMNS = (
    Column(_l("Enterprise"), "name"),
    Column(_l("Credit code"), "credit_code"),
    Column(_l("Region code"), "region_code"),
    Column(_l("Region"), "region"),
    Column(_l("State"), "status"),
    Column(_l("Consultancy"), "consultancy"),
    Column(_l("Evaluation body"), "body"),
    Column(_l("Started"), "started"),
    Column(_l("Applied"), "applied"),
    Column(_l("Stage-2 audit completed"), "audited"),
    Column(_l("Concluded"), "concluded"),
    Column(_l("Certificate number"), "certificate"),
)

LIST = RegionList(
    filters=Filters.from_request,
    query=of_region,
    lines=lines,
    columns=COLUMNS,
    sheet=_l("Certification projects"),
    stem="projects",
    sorting=Sorting(
        keys={
            "enterprise": (Organisation.name,),
            "region": (Organisation.region_code,),
            "state": (Project.status,),
            "started": (Project.created_at,),
            "applied": (Project.applied_at,),
            "concluded": (Project.concluded_at,),
        },
        default="-started",  # the query's own order
        tiebreak=Project.id,
    ),
)
