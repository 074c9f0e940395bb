"""The city authority's background exports (``authority@``): its organisation list's Excel of
the enterprises, prepared by the real job (so /exports/ offers a file to download), and the
whole list waiting for the scheduler (``make run``'s scheduler prepares it at start)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.clock import local_today
from app.extensions import db
from blueprints.exports import jobs
from models import ExportJob, User

OWNER = "authority@demo.certpath.cn"


def load() -> None:
    """Once: nothing when the authority has exports already. Commits (the job runs in a
    session of its own, which must see its row)."""
    owner = db.session.scalar(sa.select(User).where(User.email == OWNER))
    if owner is None or db.session.scalar(
        sa.select(ExportJob.id).where(ExportJob.owner_id == owner.id).limit(1)
    ):
        return
    with force_locale(owner.locale):
        title = f"{owner.organisation.name} — {_('Organisations')}"
    made = [
        ExportJob(
            owner_id=owner.id,
            export="orgs.export_xlsx",
            args=args,
            locale=owner.locale,
            title=title,
            filename=f"organisations-{local_today().isoformat()}.xlsx",
        )
        for args in ({"kind": ["enterprise"]}, {"sort": ["name"]})
    ]
    db.session.add_all(made)
    db.session.flush()
    ready = made[0].id
    # Committed, and nothing read after it: the job's session must see its row, and on SQLite
    # this session must not hold the write lock meanwhile.
    db.session.commit()
    jobs.run(current_app._get_current_object(), ready)  # type: ignore[attr-defined]
