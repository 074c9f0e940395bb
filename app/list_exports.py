"""A list's Excel, inline or in the background.

Every list export view ends in ``app.lists.list_xlsx``, which describes the workbook as a
``ListExport`` and hands it to ``deliver``. Up to ``EXPORT_INLINE_ROWS`` rows (a bounded count:
it stops at the limit + 1) the workbook is streamed in the response, as always. Beyond it, the
GET shows a small confirmation page whose button POSTs (with CSRF) to the same URL, which
queues an ``ExportJob`` and redirects to its page: nothing is written on a GET.

The export views are the registry: a view wearing ``@list_export`` may be replayed. The
scheduler (blueprints/exports/jobs.py) replays the job's view in a request built from its
arguments, as its owner and in their language, with the job in ``g``: the permission
decorators and the view's own checks run again, and ``deliver`` then writes the job's file
instead of a response, recording its progress chunk by chunk.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

import sqlalchemy as sa
from flask import Response, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as WerkzeugResponse

from app import storage
from app.excel import Sheet, write_xlsx, xlsx_response
from app.extensions import db
from models import ExportJob, ExportStatus

CHUNK = 500  # rows read at a time into an Excel
EXPORT_ATTRIBUTE = "_certpath_list_export"
REPLAY_KEY = "certpath_export_replay"  # in g while the scheduler replays a job's view
# A job keeps the filters as typed, within bounds (a list has a handful of short filters):
# at most 20 × 5 × 200 characters.
ARGS_MAX_KEYS = 20
ARG_MAX_VALUES = 5
ARG_MAX_CHARS = 200

V = TypeVar("V", bound=Callable[..., Any])


def list_export(view: V) -> V:
    """Mark a list's Excel view as one the scheduler may replay in the background; it must
    take no URL arguments (the filters are query arguments) and end in ``list_xlsx``. Place it
    under the route decorator, which then registers it for GET (the file, or the confirmation)
    and POST (the job)."""
    setattr(view, EXPORT_ATTRIBUTE, True)
    return view


def is_list_export(view: Callable[..., Any] | None) -> bool:
    return bool(getattr(view, EXPORT_ATTRIBUTE, False))


@dataclass(frozen=True)
class ListExport:
    """What a list's Excel is made of: the page's query (unpaged), read ``chunk`` rows at a
    time, each row turned into cells by ``rows``; objects with ``scalars``, else result rows."""

    query: sa.Select
    header: Sequence[Any]
    rows: Callable[[Iterable[Any]], Iterator[Sequence[Any]]]
    sheet: str
    title: str
    filename: str
    scalars: bool = True
    chunk: int = CHUNK
    formats: Mapping[int, str] = field(default_factory=dict)

    def write(self, out: IO[bytes], counted: Callable[[Iterator[Any]], Iterator[Any]] = iter):
        chunked = self.query.execution_options(yield_per=self.chunk)
        result = db.session.scalars(chunked) if self.scalars else db.session.execute(chunked)
        cells = counted(iter(self.rows(result)))
        header = [str(h) for h in self.header]
        write_xlsx([Sheet(self.sheet, header, cells, self.formats)], out, title=self.title)


class ConfirmForm(FlaskForm):
    """The confirmation's button: only the CSRF token."""


def count_at_most(query: sa.Select, limit: int) -> int:
    """The query's rows, counted no further than ``limit`` + 1 (enough to know it is more)."""
    bounded = query.order_by(None).limit(limit + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(bounded)) or 0


def deliver(export: ListExport) -> Response | WerkzeugResponse:
    """The workbook, the confirmation of a background export, the job queued (a POST), or —
    replayed by the scheduler — the job's file written."""
    replay = g.get(REPLAY_KEY)
    if replay is not None:
        write_job_file(replay, export)
        return Response(status=204)
    limit = current_app.config["EXPORT_INLINE_ROWS"]
    view = current_app.view_functions.get(request.endpoint or "")
    if not is_list_export(view) or count_at_most(export.query, limit) <= limit:
        return xlsx_response(export.write, export.filename)
    form = ConfirmForm()
    if form.validate_on_submit():
        job = queue_job(export)
        return redirect(url_for("exports.view", job_id=job.id), 303)
    return Response(
        render_template("layouts/list_export_confirm.html", form=form, export=export, limit=limit),
        status=400 if request.method == "POST" else 200,  # a POST without a valid token
    )


def _bounded_args(args: MultiDict[str, str]) -> dict[str, list[str]]:
    """The query arguments as given, every value of each (a region picker sends several)."""
    return {
        key[:ARG_MAX_CHARS]: [value[:ARG_MAX_CHARS] for value in values[:ARG_MAX_VALUES]]
        for key, values in list(args.lists())[:ARGS_MAX_KEYS]
    }


def queue_job(export: ListExport) -> ExportJob:
    """A job for the current request's list, as its user; the same list with the same filters
    already waiting for them is that job (a double submit queues one)."""
    args = _bounded_args(request.args)
    waiting = db.session.scalars(
        sa.select(ExportJob).where(
            ExportJob.owner_id == current_user.id,
            ExportJob.export == request.endpoint,
            ExportJob.status.in_((ExportStatus.QUEUED, ExportStatus.RUNNING)),
        )
    ).all()
    for job in waiting:
        if job.args == args:
            return job
    job = ExportJob(
        owner_id=current_user.id,
        export=request.endpoint,
        args=args,
        locale=str(get_locale()),
        title=export.title[:300],
        filename=export.filename[:200],
    )
    db.session.add(job)
    db.session.flush()
    return job


# --- the scheduler's side: the file of a job --------------------------------------------------


KEY_PREFIX = "exports/"


def key_of(stored_name: str) -> str:
    """The file's key in the upload store (app.storage): beside the uploads, so that the node
    that serves the download needs not be the scheduler's that wrote it."""
    return KEY_PREFIX + stored_name


def remove(stored_name: str | None) -> None:
    if stored_name:
        storage.current().delete(key_of(stored_name))


def record_progress(job_id: int, **values: int) -> None:
    """Progress in a short transaction of its own, on another connection: the job's session is
    in the middle of streaming the query (a commit there would end its cursor), and the owner's
    page reads the row meanwhile. Inside a test's outer transaction, a savepoint of it."""
    statement = sa.update(ExportJob).where(ExportJob.id == job_id).values(**values)
    bind = db.session.get_bind()
    if isinstance(bind, sa.engine.Connection):
        with bind.begin_nested():
            bind.execute(statement)
    else:
        with bind.begin() as connection:
            connection.execute(statement)


@dataclass
class Replay:
    """What the scheduler puts in ``g`` to replay a job's view, and what the view leaves: the
    file written (its stored name, rows and size)."""

    job_id: int
    stored_name: str | None = None
    rows_total: int = 0
    rows_written: int = 0
    size: int = 0


def write_job_file(replay: Replay, export: ListExport) -> None:
    """The workbook into a new file of a random name, the job's progress recorded as it goes.

    Only reads go through the session: the runner records the outcome after the replay, in a
    transaction of its own (SQLite could not write from the replay's read snapshot, and on
    PostgreSQL a flush here would lock the row that ``record_progress`` updates)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(export.query.subquery()))
    replay.rows_total = total or 0
    record_progress(replay.job_id, rows_total=replay.rows_total, rows_written=0)
    stored_name = f"{secrets.token_urlsafe(24)}.xlsx"

    def counted(rows: Iterator[Any]) -> Iterator[Any]:
        for row in rows:
            yield row
            replay.rows_written += 1
            if replay.rows_written % export.chunk == 0:
                record_progress(replay.job_id, rows_written=replay.rows_written)

    # Written to a temporary file (the writer seeks), then into the store in one piece.
    with tempfile.TemporaryFile(suffix=".xlsx") as out:
        export.write(out, counted)
        out.seek(0)
        replay.size, _sha256 = storage.current().put(key_of(stored_name), out)
    replay.stored_name = stored_name
