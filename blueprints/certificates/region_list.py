"""An authority's view of the certificates of its region's enterprises (read only; the whole
country for a national viewer): filtered by live status, region below, expiry within 90 days
and a search by enterprise name, credit code or number; one SELECT with each certificate's next
evaluation due, the same query paged on the page and streamed into the Excel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import request
from flask_babel import lazy_gettext as _l

from app.clock import local_today
from app.input_boundary import enum_arg
from app.list_sorting import Sorting
from app.region_lists import Column, RegionFilters, RegionList
from app.search import name_matches, prefix_of
from app.security.access import in_region
from blueprints.certificates.queries import live_status
from blueprints.reference.names import region_name
from models import (
    PENDING_SCHEDULE_STATUSES,
    Certificate,
    CertificateStatus,
    Organisation,
    ScheduleItem,
)

EXPIRING_DAYS = 90
IN_FORCE = (CertificateStatus.VALID, CertificateStatus.SUSPENDED)


@dataclass(frozen=True)
class Filters(RegionFilters):
    status: CertificateStatus | None = None  # the live status
    expiring: bool = False  # in force and expiring within EXPIRING_DAYS

    @classmethod
    def from_request(cls, own_prefix: str) -> Filters:
        """What does not parse, or lies outside the viewer's region, is ignored."""
        return cls(
            status=enum_arg("status", CertificateStatus),
            expiring=request.args.get("expiring") == "1",
            **cls.common(own_prefix),
        )


def of_region(prefix: str, filters: Filters) -> sa.Select:
    """The certificates held in the region of ``prefix`` ('' for everywhere), superseded ones
    included, each with the holder's credit code and its earliest evaluation still to work."""
    today = local_today()
    next_due = (
        sa.select(sa.func.min(ScheduleItem.due_on))
        .where(
            ScheduleItem.certificate_id == Certificate.id,
            ScheduleItem.status.in_(PENDING_SCHEDULE_STATUSES),
        )
        .scalar_subquery()
    )
    query = sa.select(Certificate, Organisation.credit_code, next_due.label("next_due")).join(
        Organisation, Organisation.id == Certificate.organisation_id
    )
    if prefix:
        query = query.where(in_region(prefix, Certificate.region_code))
    live = live_status(filters.status.value, today) if filters.status else None
    if live is not None:
        query = query.where(live)
    if filters.region:
        query = query.where(in_region(filters.region, Certificate.region_code))
    if filters.expiring:
        query = query.where(
            Certificate.status.in_(IN_FORCE),
            Certificate.expires_on.between(today, today + timedelta(days=EXPIRING_DAYS)),
        ).order_by(Certificate.expires_on, Certificate.id)
    else:
        query = query.order_by(Certificate.effective_on.desc(), Certificate.id.desc())
    if filters.q:
        query = query.where(
            sa.or_(
                name_matches(
                    Certificate.enterprise_name,
                    Certificate.name_tokens,
                    filters.q,
                    initials=Certificate.name_initials,
                ),
                prefix_of(Organisation.credit_code, filters.q),
                Certificate.number.contains(filters.q.upper(), autoescape=True),
            )
        )
    return query


@dataclass(frozen=True)
class Line:
    """A row as the page and the Excel show it: the status live, the next evaluation of a
    certificate in force."""

    number: str
    name: str
    credit_code: str | None
    region_code: str | None
    region: str
    status: CertificateStatus
    effective_on: date
    expires_on: date
    next_due: date | None


def lines(rows: Iterable[Any]) -> Iterator[Line]:
    today = local_today()
    for row in rows:
        certificate: Certificate = row.Certificate
        status = certificate.status_on(today)
        yield Line(
            number=certificate.number,
            name=certificate.enterprise_name,
            credit_code=row.credit_code,
            region_code=certificate.region_code,
            region=region_name(certificate.region_code),
            status=status,
            effective_on=certificate.effective_on,
            expires_on=certificate.expires_on,
            next_due=row.next_due if status in IN_FORCE else None,
        )


# The Excel's columns; the page shows the same values (some two to a cell).
COLUMNS = (
    Column(_l("Certificate number"), "number"),
    Column(_l("Enterprise"), "name"),
    Column(_l("Credit code"), "credit_code"),
    Column(_l("Region code"), "region_code"),
    Column(_l("Region"), "region"),
    Column(_l("Status"), "status"),
    Column(_l("Effective"), "effective_on"),
    Column(_l("Expires"), "expires_on"),
    Column(_l("Next evaluation due"), "next_due"),
)

LIST = RegionList(
    filters=Filters.from_request,
    query=of_region,
    lines=lines,
    columns=COLUMNS,
    sheet=_l("Certificates of the region"),
    stem="certificates",
    sorting=Sorting(
        keys={
            "number": (Certificate.number,),
            "enterprise": (Certificate.enterprise_name,),
            "region": (Certificate.region_code,),
            "effective": (Certificate.effective_on,),
            "expires": (Certificate.expires_on,),
        },
        default="-effective",  # the query's own order (expiring ones: by expiry)
        tiebreak=Certificate.id,
    ),
)
