"""The exclusion flags of seed 004 四(四), by credit code: set or cleared by an authority over
the enterprise's region (each change a history row), or imported with the roster."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from flask import abort

from app.clock import utcnow
from app.events import Event
from app.extensions import db
from app.security.access import in_region, region_prefix
from blueprints.roster import importing
from models import (
    EnterpriseExclusion,
    ExclusionEvent,
    ExclusionFlag,
    ExclusionSource,
    Organisation,
    OrgKind,
    User,
)

NOTE_MAX = 1000
CHUNK = 500


def enterprise_or_404(org_id: int, user: User) -> Organisation:
    """An enterprise of the authority's region (a county's or the city's)."""
    prefix = region_prefix(user.organisation.region_code)
    enterprise = (
        db.session.scalar(
            sa.select(Organisation).where(
                Organisation.id == org_id,
                Organisation.kind == OrgKind.ENTERPRISE,
                in_region(prefix),
            )
        )
        if prefix
        else None
    )
    if enterprise is None or enterprise.credit_code is None:
        abort(404)
    return enterprise


def flags_of(credit_code: str) -> dict[ExclusionFlag, EnterpriseExclusion]:
    rows = db.session.scalars(
        sa.select(EnterpriseExclusion).where(EnterpriseExclusion.credit_code == credit_code)
    )
    return {row.flag: row for row in rows}


def history_of(credit_code: str, limit: int = 50) -> list[ExclusionEvent]:
    return list(
        db.session.scalars(
            sa.select(ExclusionEvent)
            .where(ExclusionEvent.credit_code == credit_code)
            .options(sa.orm.joinedload(ExclusionEvent.actor))
            .order_by(ExclusionEvent.id.desc())
            .limit(limit)
        )
    )


def set_flags(enterprise: Organisation, actor: User, wanted: set[ExclusionFlag], note: str) -> int:
    """Raise and clear the flags to match ``wanted``; the number changed."""
    code = enterprise.credit_code
    assert code is not None  # enterprise_or_404 keeps enterprises with a code
    changes = {flag: flag in wanted for flag in ExclusionFlag}
    return _apply({code: changes}, ExclusionSource.AUTHORITY, actor.id, note.strip()[:NOTE_MAX])


def import_flags(rows: Mapping[str, Mapping[ExclusionFlag, bool]]) -> int:
    """The roster's columns: for each credit code, the flags its row states (a column absent
    from the file, or a blank cell, states nothing)."""
    return _apply(rows, ExclusionSource.ROSTER, None, "")


def hear_the_roster(event: Event) -> None:
    """The app.events handler: the flags a roster import states, written as it imports."""
    if event.name == importing.FLAGS_IMPORTED:  # the roster cannot import this feature
        import_flags(event.context["rows"])


def _apply(
    rows: Mapping[str, Mapping[ExclusionFlag, bool]],
    source: ExclusionSource,
    actor_id: int | None,
    note: str,
) -> int:
    existing = set(_existing(rows))
    raise_, clear = [], []
    for code, flags in rows.items():
        for flag, wanted in flags.items():
            if wanted and (code, flag) not in existing:
                raise_.append((code, flag))
            elif not wanted and (code, flag) in existing:
                clear.append((code, flag))
    now = utcnow()
    if raise_:
        db.session.execute(
            sa.insert(EnterpriseExclusion),
            [
                {
                    "credit_code": c,
                    "flag": f,
                    "source": source,
                    "set_by_id": actor_id,
                    "set_at": now,
                }
                for c, f in raise_
            ],
        )
    for code, flag in clear:
        db.session.execute(
            sa.delete(EnterpriseExclusion).where(
                EnterpriseExclusion.credit_code == code, EnterpriseExclusion.flag == flag
            )
        )
    changed = [(c, f, True) for c, f in raise_] + [(c, f, False) for c, f in clear]
    if changed:
        db.session.execute(
            sa.insert(ExclusionEvent),
            [
                {
                    "credit_code": c,
                    "flag": f,
                    "raised": up,
                    "source": source,
                    "actor_id": actor_id,
                    "note": note,
                    "at": now,
                }
                for c, f, up in changed
            ],
        )
    return len(changed)


def _existing(codes: Iterable[str]) -> Iterable[tuple[str, ExclusionFlag]]:
    ordered = sorted(codes)
    for start in range(0, len(ordered), CHUNK):
        yield from db.session.execute(
            sa.select(EnterpriseExclusion.credit_code, EnterpriseExclusion.flag).where(
                EnterpriseExclusion.credit_code.in_(ordered[start : start + CHUNK])
            )
        ).tuples()
