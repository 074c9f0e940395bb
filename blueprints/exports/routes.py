"""One's own background exports: the list, a job's page (its progress, refreshed by a small
script polling the status), the status as JSON and the file — each the owner's only (another
user's id is a 404)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import list_exports, uploads
from app.excel import XLSX_MIMETYPE
from app.extensions import db
from app.pagination import paginate
from app.security.permissions import Permission, requires
from models import ExportJob, ExportStatus

bp = Blueprint("exports", __name__, url_prefix="/exports", template_folder="templates")


def get_own_job_or_404(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.owner_id != current_user.id:
        abort(404)
    return job


@bp.get("/")
@requires(Permission.DASHBOARD_VIEW)
def index():
    query = (
        sa.select(ExportJob)
        .where(ExportJob.owner_id == current_user.id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
    )
    return render_template("exports/index.html", page=paginate(query))


@bp.get("/<int:job_id>")
@requires(Permission.DASHBOARD_VIEW)
def view(job_id: int):
    return render_template("exports/view.html", job=get_own_job_or_404(job_id))


@bp.get("/<int:job_id>/status")
@requires(Permission.DASHBOARD_VIEW)
def status(job_id: int):
    """What the job's page shows while it waits: polled by static/js/export-progress.js."""
    job = get_own_job_or_404(job_id)
    return jsonify(
        status=job.status.value,
        title=job.status.title,
        active=job.active,
        rows_written=job.rows_written,
        rows_total=job.rows_total,
        percent=job.percent,
        rows_text=_(
            "%(written)s of %(total)s rows",
            written=f"{job.rows_written:,}",
            total=f"{job.rows_total:,}",
        ),
        download=url_for("exports.file", job_id=job.id)
        if job.status is ExportStatus.DONE
        else None,
    )


@bp.get("/<int:job_id>/file")
@requires(Permission.DASHBOARD_VIEW)
def file(job_id: int):
    job = get_own_job_or_404(job_id)
    if job.status is not ExportStatus.DONE or not job.stored_name:
        abort(404)
    return uploads.send_key(list_exports.key_of(job.stored_name), job.filename, XLSX_MIMETYPE)
