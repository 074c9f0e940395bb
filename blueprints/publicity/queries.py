"""Read-side queries of the publicity pages: each list is one SELECT with what it shows."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from models import (
    Objection,
    ObjectionStatus,
    Project,
    ProjectStatus,
    PublicityBatch,
    PublicityEntry,
)


def open_batches() -> list[PublicityBatch]:
    return list(
        db.session.scalars(
            sa.select(PublicityBatch)
            .where(PublicityBatch.closed_at.is_(None))
            .order_by(PublicityBatch.ends_on)
            .options(sa.orm.selectinload(PublicityBatch.entries))
        )
    )


def open_objections() -> list[Objection]:
    return list(
        db.session.scalars(
            sa.select(Objection)
            .where(Objection.status == ObjectionStatus.OPEN)
            .options(sa.orm.joinedload(Objection.entry))
            .order_by(Objection.created_at)
        )
    )


def waiting_projects() -> list[Project]:
    """Re-reviewed projects waiting to be announced, the longest-waiting first."""
    return list(
        db.session.scalars(
            sa.select(Project)
            .where(Project.status == ProjectStatus.READY_FOR_PUBLICITY)
            .options(sa.orm.joinedload(Project.organisation), sa.orm.joinedload(Project.body))
            .order_by(Project.status_changed_at)
        )
    )


def entry_open_to_objections(entry_id: int) -> PublicityEntry | None:
    entry = db.session.get(PublicityEntry, entry_id)
    return entry if entry is not None and entry.removed_at is None else None
