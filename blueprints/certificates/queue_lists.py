"""The sorting and the Excel of the certificate queues (queues.py): the alliance's holder
requests and the evaluation body's issued certificates. Each list keeps the filters it had
(holder_requests.queue, issued.issued_by); the Excel reads the page's query unpaged, exactly
its rows, in its sort."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.clock import local_time, local_today
from app.list_exports import CHUNK
from app.list_sorting import Sorting, enum_order
from app.region_lists import Column, cells
from blueprints.certificates.issued import next_items
from blueprints.certificates.request_transitions import RequestState, state_of
from models import (
    PENDING_SCHEDULE_STATUSES,
    Certificate,
    CertificateRequest,
    CertificateStatus,
    RequestKind,
    ScheduleItem,
)

# Holder requests ---------------------------------------------------------------------------

_REQUEST_KEYS = {
    "asked": (CertificateRequest.created_at,),
    "decided": (CertificateRequest.handled_at,),
    "kind": (enum_order(CertificateRequest.kind, RequestKind), CertificateRequest.created_at),
    "number": (Certificate.number,),
    "enterprise": (Certificate.enterprise_name,),
}
# Open requests the longest waiting first, decided ones the latest first (as before).
REQUEST_SORTING = {
    "open": Sorting(_REQUEST_KEYS, default="asked", tiebreak=CertificateRequest.id),
    "decided": Sorting(_REQUEST_KEYS, default="-decided", tiebreak=CertificateRequest.id),
}


@dataclass(frozen=True)
class RequestLine:
    kind: RequestKind
    number: str
    enterprise: str
    certificate_status: CertificateStatus
    reason: str
    new_name: str
    new_address: str
    asked_by: str
    asked: datetime | None
    state: RequestState
    decided_by: str
    decided: datetime | None
    decision_reason: str


def request_lines(requests: Iterable[CertificateRequest]) -> Iterator[RequestLine]:
    for r in requests:
        yield RequestLine(
            kind=r.kind,
            number=r.certificate.number,
            enterprise=r.certificate.enterprise_name,
            certificate_status=r.certificate.status,
            reason=r.reason,
            new_name=r.new_name,
            new_address=r.new_address,
            asked_by=r.created_by.name,
            asked=local_time(r.created_at),
            state=state_of(r),
            decided_by=r.handled_by.name if r.handled_by else "",
            decided=local_time(r.handled_at),
            decision_reason=r.decision_reason,
        )


REQUEST_COLUMNS = (
    Column(_l("Request"), "kind"),
    Column(_l("Certificate number"), "number"),
    Column(_l("Enterprise"), "enterprise"),
    Column(_l("Certificate status"), "certificate_status"),
    Column(_l("Reason"), "reason"),
    Column(_l("New enterprise name"), "new_name"),
    Column(_l("New address"), "new_address"),
    Column(_l("Asked by"), "asked_by"),
    Column(_l("Asked on"), "asked"),
    Column(_l("State"), "state"),
    Column(_l("Decided by"), "decided_by"),
    Column(_l("Decided on"), "decided"),
    Column(_l("Reason for the decision"), "decision_reason"),
)


def request_rows(requests: Iterable[CertificateRequest]) -> Iterator[list[Any]]:
    return (cells(line, REQUEST_COLUMNS) for line in request_lines(requests))


# Issued certificates -----------------------------------------------------------------------


def _next_due() -> sa.ColumnElement[date]:
    """The due day of a certificate's earliest pending evaluation; none sorts last ascending,
    on SQLite and PostgreSQL alike."""
    earliest = (
        sa.select(sa.func.min(ScheduleItem.due_on))
        .where(
            ScheduleItem.certificate_id == Certificate.id,
            ScheduleItem.status.in_(PENDING_SCHEDULE_STATUSES),
        )
        .scalar_subquery()
    )
    return sa.func.coalesce(earliest, date(9999, 12, 31))


ISSUED_SORTING = Sorting(
    keys={
        "number": (Certificate.number,),
        "enterprise": (Certificate.enterprise_name,),
        "effective": (Certificate.effective_on,),
        "expires": (Certificate.expires_on,),
        "due": (_next_due(),),
    },
    default="-effective",  # as the register, newest first
    tiebreak=Certificate.id,
)


@dataclass(frozen=True)
class IssuedLine:
    number: str
    enterprise: str
    effective: date
    expires: date
    status: CertificateStatus
    next_evaluation: str
    next_status: str
    due: date | None
    overdue: str


def issued_lines(certificates: Iterable[Certificate]) -> Iterator[IssuedLine]:
    """Each certificate with its next evaluation, read for CHUNK certificates at a time."""
    today = local_today()
    yes = str(_l("Yes"))
    rows = iter(certificates)
    while batch := list(islice(rows, CHUNK)):
        items = next_items(batch)
        for c in batch:
            item = items.get(c.id)
            yield IssuedLine(
                number=c.number,
                enterprise=c.enterprise_name,
                effective=c.effective_on,
                expires=c.expires_on,
                status=c.status_on(today),
                next_evaluation=str(item.kind.title) if item else "",
                next_status=str(item.status.title) if item else "",
                due=item.due_on if item else None,
                overdue=yes if item and item.due_on < today else "",
            )


ISSUED_COLUMNS = (
    Column(_l("Certificate number"), "number"),
    Column(_l("Enterprise"), "enterprise"),
    Column(_l("Effective"), "effective"),
    Column(_l("Expires"), "expires"),
    Column(_l("Status"), "status"),
    Column(_l("Next evaluation"), "next_evaluation"),
    Column(_l("State of the evaluation"), "next_status"),
    Column(_l("Due"), "due"),
    Column(_l("Overdue"), "overdue"),
)


def issued_rows(certificates: Iterable[Certificate]) -> Iterator[list[Any]]:
    return (cells(line, ISSUED_COLUMNS) for line in issued_lines(certificates))
