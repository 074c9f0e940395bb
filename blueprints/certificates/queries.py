"""Read-side queries of the certificate pages: the public register (search by number or its
prefix, or the holder's credit code; name, region, body, status and dates; paginated with a
bounded count), one certificate, a holder's certificates."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.clock import local_today
from app.extensions import db
from app.public_cache import read_first
from app.search import name_matches, prefix_of
from app.security.access import in_region
from blueprints.certificates import standing
from blueprints.certificates.standing import Standing
from models import (
    Certificate,
    CertificateStatus,
    Organisation,
    OrgKind,
)

# The public never sees a certificate superseded by its reissue: the new one stands for it.
PUBLIC_STATUSES = [s for s in CertificateStatus if s != CertificateStatus.SUPERSEDED]
# The register counts its matches up to this many and says "more than" beyond: a count of a
# national register's 公司 would read every row.
REGISTER_COUNT_AT_MOST = 1000
# A number is 40 characters at most; the page that says one is unknown shows no more.
NUMBER_SHOWN_AT_MOST = 40


def register_query(
    *,
    number: str = "",
    name: str = "",
    regions: Sequence[str] = (),
    body_id: int | None,
    status: str = "",
    since: date | None,
    until: date | None,
) -> sa.Select:
    today = local_today()
    query = sa.select(Certificate).where(Certificate.status != CertificateStatus.SUPERSEDED)
    if number.strip():
        query = query.where(number_or_credit_code(number))
    if name.strip():
        query = query.where(
            name_matches(
                Certificate.enterprise_name,
                Certificate.name_tokens,
                name,
                initials=Certificate.name_initials,
            )
        )
    if regions:  # code prefixes: one region typed, or every region of the name typed
        query = query.where(sa.or_(*(in_region(r, Certificate.region_code) for r in regions)))
    if body_id:
        query = query.where(Certificate.body_id == body_id)
    if since:
        query = query.where(Certificate.effective_on >= since)
    if until:
        query = query.where(Certificate.effective_on <= until)
    live = live_status(status, today)
    if live is not None:
        query = query.where(live)
    return query.options(sa.orm.joinedload(Certificate.body)).order_by(
        Certificate.effective_on.desc(), Certificate.id.desc()
    )


# A credit code's first 8 characters name its registrar, kind and county: from there on, its
# beginning picks out a few organisations (a shorter one, most of a province's).
CREDIT_CODE_PREFIX_AT_LEAST = 8


def number_or_credit_code(term: str) -> sa.ColumnElement[bool]:
    """Certificates whose number begins with the term (CSAIII-931…), or whose holder's
    unified social credit code does (91440300…, at least CREDIT_CODE_PREFIX_AT_LEAST
    characters): the register's one box for both."""
    by_number = prefix_of(Certificate.number, term)
    if len(term.strip()) < CREDIT_CODE_PREFIX_AT_LEAST:
        return by_number
    holders = sa.select(Organisation.id).where(prefix_of(Organisation.credit_code, term))
    return sa.or_(by_number, Certificate.organisation_id.in_(holders))


def live_status(status: str, today: date) -> sa.ColumnElement[bool] | None:
    """Certificates whose live status (Certificate.status_on) is ``status`` today; None for a
    value that names no status."""
    live = {
        # "Expired" is live: valid or suspended past the expiry date, or already marked.
        "expired": sa.or_(
            Certificate.status == CertificateStatus.EXPIRED,
            sa.and_(
                Certificate.status.in_([CertificateStatus.VALID, CertificateStatus.SUSPENDED]),
                Certificate.expires_on < today,
            ),
        ),
        "valid": sa.and_(
            Certificate.status == CertificateStatus.VALID, Certificate.expires_on >= today
        ),
        "suspended": sa.and_(
            Certificate.status == CertificateStatus.SUSPENDED, Certificate.expires_on >= today
        ),
        "revoked": Certificate.status == CertificateStatus.REVOKED,
        "cancelled": Certificate.status == CertificateStatus.CANCELLED,
        "superseded": Certificate.status == CertificateStatus.SUPERSEDED,
    }
    return live.get(status)


def body_choices() -> list[sa.Row[tuple[int, str | None, str]]]:
    """The evaluation bodies for the register's filter, by code."""
    return list(
        db.session.execute(
            sa.select(Organisation.id, Organisation.body_code, Organisation.name)
            .where(Organisation.kind == OrgKind.EVALUATION_BODY)
            .order_by(Organisation.body_code)
        ).all()
    )


def by_number(number: str) -> Certificate | None:
    """The certificate with its evaluation body (every page of a certificate names it)."""
    return db.session.scalar(
        sa.select(Certificate)
        .options(sa.orm.joinedload(Certificate.body))
        .where(Certificate.number == number.strip().upper())
    )


@dataclass(frozen=True)
class PublicBody:
    body_code: str | None
    name: str


@dataclass(frozen=True)
class PublicCertificate:
    """A certificate as its page shows the public (the page's template reads the same names
    from a Certificate for signed-in viewers): frozen and comparable, so that it is also the
    key of the rendered page."""

    id: int
    number: str
    status: CertificateStatus
    enterprise_name: str
    region_code: str | None
    scope: str
    standard: str
    effective_on: date
    expires_on: date
    organisation_id: int
    body_id: int
    body: PublicBody
    successor_number: str | None
    standing: Standing

    def status_on(self, day: date) -> CertificateStatus:
        return Certificate.live_status(self.status, self.expires_on, day)


@functools.cache
def _public_query() -> sa.Select:
    # Built once, of the tables (not the mapped classes): this query runs on every visit of
    # the most requested page, and the ORM's compilation would cost more than the lookup.
    certificates = Certificate.__table__
    body = Organisation.__table__.alias("body")
    successor = certificates.alias("successor")
    return (
        sa.select(
            certificates.c.id,
            certificates.c.number,
            certificates.c.status,
            certificates.c.enterprise_name,
            certificates.c.region_code,
            certificates.c.scope,
            certificates.c.standard,
            certificates.c.effective_on,
            certificates.c.expires_on,
            certificates.c.organisation_id,
            certificates.c.body_id,
            body.c.body_code,
            body.c.name.label("body_name"),
            sa.select(successor.c.number)
            .where(successor.c.supersedes_id == certificates.c.id)
            .scalar_subquery()
            .label("successor_number"),
            *standing.columns(certificates),
        )
        .join(body, body.c.id == certificates.c.body_id)
        .where(certificates.c.number == sa.bindparam("number"))
    )


def public_certificate(number: str) -> PublicCertificate | None:
    """Everything a certificate's page shows the public, in one query: its fields, its body,
    the number of the certificate that replaced it. A field the public page shows must be
    read here: the rendered page is kept under this value (app/public_cache.py)."""
    row = read_first(_public_query(), {"number": number.strip().upper()})
    if row is None:
        return None
    fields = dict(row._mapping)
    body = PublicBody(fields.pop("body_code"), fields.pop("body_name"))
    return PublicCertificate(body=body, standing=Standing.of_row(fields), **fields)


def standing_of(certificate: Certificate) -> Standing:
    """The certificate's standing (its page's plain words), in one query."""
    certificates = Certificate.__table__
    row = db.session.execute(
        sa.select(*standing.columns(certificates)).where(certificates.c.id == certificate.id)
    ).one()
    return Standing.of_row(dict(row._mapping))


def successor_of(certificate: Certificate) -> Certificate | None:
    """The certificate that replaced a superseded one (old QR codes lead to it)."""
    if certificate.status != CertificateStatus.SUPERSEDED:
        return None
    return db.session.scalar(
        sa.select(Certificate).where(Certificate.supersedes_id == certificate.id)
    )
