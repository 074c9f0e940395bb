"""Certificates as the machine interface gives them: what the public register and the
verification page show, with the live status of the day and the holder's credit code.

Every read is one statement whatever the number of rows: a page of the register, one number,
a bulk check of a hundred numbers and credit codes (two statements: numbers, then codes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from stdnum.cn import uscc

from app.clock import local_today
from app.extensions import db
from app.security.access import in_region
from app.urls import external_url
from blueprints.api import cursors
from blueprints.certificates.queries import live_status
from models import Certificate, CertificateStatus, Organisation

# At most this many items in one bulk check, and this many certificates on one page.
BULK_AT_MOST = 100
PAGE_AT_MOST = 100


_HOLDER = sa.orm.aliased(Organisation, name="holder")
_BODY = sa.orm.aliased(Organisation, name="body")
_SUCCESSOR = sa.orm.aliased(Certificate, name="successor")


def _columns() -> sa.Select:
    holder, body, successor = _HOLDER, _BODY, _SUCCESSOR
    return (
        sa.select(
            Certificate.id,
            Certificate.number,
            Certificate.status,
            Certificate.expires_on,
            Certificate.effective_on,
            Certificate.enterprise_name,
            Certificate.region_code,
            Certificate.scope,
            Certificate.standard,
            holder.credit_code,
            body.body_code,
            body.name.label("body_name"),
            sa.select(successor.number)
            .where(successor.supersedes_id == Certificate.id)
            .scalar_subquery()
            .label("successor_number"),
        )
        .join(holder, holder.id == Certificate.organisation_id)
        .join(body, body.id == Certificate.body_id)
    )


def as_item(row: sa.Row[Any], today: date) -> dict[str, Any]:
    return {
        "number": row.number,
        "status": Certificate.live_status(row.status, row.expires_on, today).value,
        "enterprise_name": row.enterprise_name,
        "credit_code": row.credit_code,
        "region_code": row.region_code,
        "scope": row.scope,
        "standard": row.standard,
        "effective_on": row.effective_on,
        "expires_on": row.expires_on,
        "body": {"code": row.body_code, "name": row.body_name},
        "successor_number": row.successor_number,
        "url": external_url("certificates.verify", number=row.number),
    }


def by_number(number: str) -> dict[str, Any] | None:
    row = db.session.execute(_columns().where(Certificate.number == number.strip().upper())).first()
    return as_item(row, local_today()) if row else None


@dataclass(frozen=True)
class Filters:
    credit_code: str | None = None
    region: str | None = None
    body: str | None = None
    status: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None


def page(
    filters: Filters, *, after: tuple[date, int] | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the register, newest first, and the cursor of the next (None at the end).
    Keyset pagination: a page deep in a national register costs what the first one does."""
    today = local_today()
    query = _columns().where(Certificate.status != CertificateStatus.SUPERSEDED)
    if filters.credit_code:
        query = query.where(_HOLDER.credit_code == filters.credit_code)
    if filters.region:
        query = query.where(in_region(filters.region, Certificate.region_code))
    if filters.body:
        query = query.where(_BODY.body_code == filters.body)
    if filters.status:
        live = live_status(filters.status, today)
        if live is not None:
            query = query.where(live)
    if filters.effective_from:
        query = query.where(Certificate.effective_on >= filters.effective_from)
    if filters.effective_to:
        query = query.where(Certificate.effective_on <= filters.effective_to)
    query = cursors.start_after(query, Certificate.effective_on, Certificate.id, after)
    rows = db.session.execute(
        query.order_by(Certificate.effective_on.desc(), Certificate.id.desc()).limit(limit + 1)
    ).all()
    page_rows, next_cursor = cursors.cut(rows, limit, lambda row: (row.effective_on, row.id))
    return [as_item(row, today) for row in page_rows], next_cursor


def verify(queries: list[str]) -> list[dict[str, Any]]:
    """A result per query, in the order asked: a certificate number (any status: a superseded
    number names its successor) or a credit code (the holder's certificates of record)."""
    cleaned = [query.strip().upper() for query in queries]
    codes = {query for query in cleaned if uscc.is_valid(query)}
    numbers = set(cleaned) - codes
    today = local_today()
    by_number: dict[str, dict[str, Any]] = {}
    if numbers:
        for row in db.session.execute(_columns().where(Certificate.number.in_(numbers))):
            by_number[row.number] = as_item(row, today)
    by_code: dict[str, list[dict[str, Any]]] = {code: [] for code in codes}
    if codes:
        rows = db.session.execute(
            _columns()
            .where(_HOLDER.credit_code.in_(codes))
            .where(Certificate.status != CertificateStatus.SUPERSEDED)
            .order_by(Certificate.effective_on.desc(), Certificate.id.desc())
        )
        for row in rows:
            by_code[row.credit_code].append(as_item(row, today))
    results = []
    for asked, query in zip(queries, cleaned, strict=True):
        if query in codes:
            found = by_code[query]
            results.append(
                {"query": asked, "kind": "credit_code", "found": bool(found), "certificates": found}
            )
        else:
            certificate = by_number.get(query)
            results.append(
                {
                    "query": asked,
                    "kind": "number",
                    "found": certificate is not None,
                    "certificates": [certificate] if certificate else [],
                }
            )
    return results
