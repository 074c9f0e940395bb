"""The rule every audit conclusion obeys (DOMAIN.md §3): every major nonconformity verified
closed and every minor one with an accepted action plan. Stage audits and surveillance audits
apply the same guard to their own set of audits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.workflow import Guard
from models import Finding, FindingKind, FindingStatus

UNRESOLVED = sa.or_(
    sa.and_(Finding.kind == FindingKind.MAJOR, Finding.status != FindingStatus.CLOSED),
    sa.and_(
        Finding.kind == FindingKind.MINOR,
        Finding.status.notin_([FindingStatus.ACCEPTED, FindingStatus.CLOSED]),
    ),
)


def unresolved(audit_ids: sa.Select[tuple[int]]) -> tuple[int, int]:
    """(majors not verified closed, minors without an accepted action plan) among the
    findings of the audits ``audit_ids`` selects: one grouped count."""
    counts = dict(
        db.session.execute(
            sa.select(Finding.kind, sa.func.count())
            .where(Finding.audit_id.in_(audit_ids), UNRESOLVED)
            .group_by(Finding.kind)
        )
        .tuples()
        .all()
    )
    return counts.get(FindingKind.MAJOR, 0), counts.get(FindingKind.MINOR, 0)


def resolved(audits_of: Callable[[Any], sa.Select[tuple[int]]]) -> Guard:
    """The guard "every nonconformity of these audits is resolved"."""

    def nonconformities_resolved(obj: Any, _actor: Any) -> str | None:
        majors, minors = unresolved(audits_of(obj))
        if majors or minors:
            return _(
                "The conclusion cannot be submitted yet: %(majors)d major nonconformities are "
                "not verified closed and %(minors)d minor ones have no accepted action plan.",
                majors=majors,
                minors=minors,
            )
        return None

    return nonconformities_resolved
