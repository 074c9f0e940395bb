"""Read-side queries of the certificate pages: the public register (search by number or its
prefix, name, region, body, status and dates; paginated with a bounded count), one
certificate, a holder's certificates."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.clock import local_today
from app.extensions import db
from app.search import name_matches, prefix_of
from app.security.access import in_region
from models import Certificate, CertificateStatus, Organisation, OrgKind

# The public never sees a certificate superseded by its reissue: the new one stands for it.
PUBLIC_STATUSES = [s for s in CertificateStatus if s != CertificateStatus.SUPERSEDED]
# The register counts its matches up to this many and says "more than" beyond: a count of a
# national register's 公司 would read every row.
REGISTER_COUNT_AT_MOST = 1000


def register_query(
    *,
    number: str = "",
    name: str = "",
    region: str = "",
    body_id: int | None,
    status: str = "",
    since: date | None,
    until: date | None,
) -> sa.Select:
    today = local_today()
    query = sa.select(Certificate).where(Certificate.status != CertificateStatus.SUPERSEDED)
    if number.strip():  # a whole number or its beginning (CSAIII-931…)
        query = query.where(prefix_of(Certificate.number, number))
    if name.strip():
        query = query.where(
            name_matches(Certificate.enterprise_name, Certificate.name_tokens, name)
        )
    if region and region.isdigit() and len(region) in (2, 4, 6):
        query = query.where(in_region(region, Certificate.region_code))
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


def successor_of(certificate: Certificate) -> Certificate | None:
    """The certificate that replaced a superseded one (old QR codes lead to it)."""
    if certificate.status != CertificateStatus.SUPERSEDED:
        return None
    return db.session.scalar(
        sa.select(Certificate).where(Certificate.supersedes_id == certificate.id)
    )


def held_by(organisation_id: int | None) -> list[Certificate]:
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.organisation_id == organisation_id)
            .order_by(Certificate.issued_at.desc())
        )
    )
