"""Running the queued exports and expiring their files (the scheduler's side).

A job is claimed by a conditional UPDATE (``status = 'queued'``) whose row count decides: of
two scheduler processes, one wins and the other moves on — on SQLite and PostgreSQL alike. The
job's export view is then replayed in a request built from its arguments, as its owner and in
their language (app.list_exports): the permission decorator and the view's own checks run
again, so an owner who has lost access gets a failed job, not the rows.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, g
from flask_babel import force_locale
from flask_login import login_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError

from app import list_exports
from app.clock import utcnow
from app.database import rows_affected
from app.events import announce
from app.extensions import db
from app.workflow import SYSTEM
from models import ExportJob, ExportStatus, User

log = logging.getLogger("certpath.exports")
STALE_AFTER = timedelta(hours=2)  # a job running this long died with its process


def claim(job_id: int) -> bool:
    """Take the job if it is still waiting; True for the one process that did."""
    taken = rows_affected(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == ExportStatus.QUEUED)
        .values(status=ExportStatus.RUNNING, started_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return taken == 1


def _error_of(exc: HTTPException) -> str:
    return "not_found" if exc.code == 404 else "forbidden"


@dataclass(frozen=True)
class _Asked:
    """What a job asks, read before its replay (the replay's session only reads)."""

    export: str
    args: dict[str, list[str]]
    locale: str
    owner_id: int


def _replay(app: Flask, asked: _Asked, replay: list_exports.Replay) -> str | None:
    """The job's view, replayed as its owner; None when its file was written, else an error
    code of models.EXPORT_ERRORS."""
    view = app.view_functions.get(asked.export)
    if not list_exports.is_list_export(view):
        return "not_found"
    try:
        path = app.url_map.bind("localhost").build(asked.export)
    except BuildError:
        return "not_found"
    base_url = app.config["BASE_URL"]
    with (
        app.test_request_context(path, base_url=base_url, query_string=asked.args),
        force_locale(asked.locale),
    ):
        owner = db.session.get(User, asked.owner_id)
        if owner is None or not login_user(owner):  # an account closed meanwhile
            return "forbidden"
        setattr(g, list_exports.REPLAY_KEY, replay)
        try:
            response = view()  # type: ignore[misc]
        except HTTPException as exc:
            return _error_of(exc)
        # Redirected to the log-in page, or any answer other than the file written.
        if getattr(response, "status_code", None) != 204 or replay.stored_name is None:
            return "forbidden"
    return None


def run(app: Flask, job_id: int) -> ExportStatus | None:
    """Claim and run one job in an app context of its own (its own session and ``g``); its
    final state, or None when another process had claimed it."""
    with app.app_context():
        if not claim(job_id):
            return None
        job = db.session.get(ExportJob, job_id)
        assert job is not None
        asked = _Asked(job.export, dict(job.args or {}), job.locale, job.owner_id)
        db.session.commit()
        replay = list_exports.Replay(job_id)
        try:
            error = _replay(app, asked, replay)
        except Exception:  # the owner reads a code, the log keeps the traceback
            log.exception("export %s failed", job_id)
            error = "failed"
        # End the replay's reading transaction, then record the outcome in a new one.
        db.session.rollback()
        job = db.session.get(ExportJob, job_id)
        assert job is not None
        now = utcnow()
        job.finished_at = now
        if error is None:
            job.status = ExportStatus.DONE
            job.stored_name, job.size = replay.stored_name, replay.size
            job.rows_total, job.rows_written = replay.rows_total, replay.rows_written
            job.expires_at = now + timedelta(hours=app.config["EXPORT_RETENTION_HOURS"])
        else:
            _unlink(replay.stored_name)
            job.status, job.error = ExportStatus.FAILED, error
        announce(f"export.{job.status.value}", job, SYSTEM, occurrence=f"export:{job.id}")
        db.session.commit()
        return job.status


def run_queued() -> str:
    """The waiting jobs, oldest first, until none is left or the run's budget is spent."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    deadline = time.monotonic() + app.config["EXPORT_RUN_BUDGET_SECONDS"]
    done = failed = 0
    seen: set[int] = set()
    while time.monotonic() < deadline:
        waiting = sa.select(ExportJob.id).where(ExportJob.status == ExportStatus.QUEUED)
        if seen:
            waiting = waiting.where(ExportJob.id.not_in(seen))
        job_id = db.session.scalar(waiting.order_by(ExportJob.created_at, ExportJob.id).limit(1))
        db.session.commit()  # release the snapshot: the job runs in a session of its own
        if job_id is None:
            break
        seen.add(job_id)
        status = run(app, job_id)
        done += status is ExportStatus.DONE
        failed += status is ExportStatus.FAILED
    return f"done {done}, failed {failed}"


def _unlink(stored_name: str | None) -> None:
    list_exports.remove(stored_name)


def expire() -> str:
    """Files past their time are deleted and their jobs marked expired; a job left running by a
    process that died is failed (its owner may ask again). The files go once the jobs say so
    (committed), so that no job that is still done ever lacks its file."""
    now = utcnow()
    expired = db.session.scalars(
        sa.select(ExportJob).where(
            ExportJob.status == ExportStatus.DONE, ExportJob.expires_at <= now
        )
    ).all()
    stale = db.session.scalars(
        sa.select(ExportJob).where(
            ExportJob.status == ExportStatus.RUNNING, ExportJob.started_at <= now - STALE_AFTER
        )
    ).all()
    gone = [job.stored_name for job in (*expired, *stale)]
    for job in expired:
        job.status, job.stored_name = ExportStatus.EXPIRED, None
    for job in stale:
        job.status, job.error, job.finished_at = ExportStatus.FAILED, "failed", now
        job.stored_name = None
    db.session.commit()
    for stored_name in gone:
        _unlink(stored_name)
    return f"expired {len(expired)}, stale {len(stale)}"
