"""Publicity: the public announcement page with objections, and the staff's batch desk."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.clock import local_today
from app.errors import WorkflowError
from app.extensions import db
from app.security.permissions import Permission, public_rate_limited, requires
from blueprints.publicity import services
from models import Objection, ObjectionStatus, PublicityBatch, PublicityEntry

bp = Blueprint("publicity", __name__, url_prefix="/publicity", template_folder="templates")


@bp.get("/")
@public_rate_limited
def index():
    page = db.paginate(
        sa.select(PublicityBatch)
        .order_by(PublicityBatch.starts_on.desc(), PublicityBatch.id.desc())
        .options(sa.orm.selectinload(PublicityBatch.entries)),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template("publicity/index.html", page=page, today=local_today())


@bp.post("/entries/<int:entry_id>/objection")
@public_rate_limited
def object_to(entry_id: int):
    entry = db.session.get(PublicityEntry, entry_id)
    if entry is None or entry.removed_at is not None:
        abort(404)
    services.lodge_objection(
        entry,
        request.form.get("name", ""),
        request.form.get("contact", ""),
        request.form.get("reason", ""),
        request.remote_addr or "",
    )
    flash(_("Your objection has been received. The alliance will examine it."), "success")
    return redirect(url_for("publicity.index"))


@bp.get("/desk")
@requires(Permission.ALLIANCE_REVIEW)
def desk():
    batches = db.session.scalars(
        sa.select(PublicityBatch)
        .where(PublicityBatch.closed_at.is_(None))
        .order_by(PublicityBatch.ends_on)
        .options(sa.orm.selectinload(PublicityBatch.entries))
    ).all()
    objections = db.session.scalars(
        sa.select(Objection)
        .where(Objection.status == ObjectionStatus.OPEN)
        .options(sa.orm.joinedload(Objection.entry))
        .order_by(Objection.created_at)
    ).all()
    return render_template(
        "publicity/desk.html",
        waiting=services.waiting_projects(),
        batches=batches,
        objections=objections,
        today=local_today(),
    )


@bp.post("/desk/batches")
@requires(Permission.ALLIANCE_REVIEW)
def create_batch():
    try:
        starts_on = date.fromisoformat(request.form.get("starts_on", ""))
    except ValueError as exc:
        raise WorkflowError(_("Give the first day of the publicity period.")) from exc
    ids = [int(v) for v in request.form.getlist("project_ids") if v.isdigit()]
    batch = services.create_batch(current_user, request.form.get("title", ""), starts_on, ids)
    flash(
        _(
            "Publicity batch created: %(start)s – %(end)s.",
            start=batch.starts_on.isoformat(),
            end=batch.ends_on.isoformat(),
        ),
        "success",
    )
    if batch.estimated:
        flash(
            _(
                "The official holiday calendar does not cover this period yet: Monday to Friday "
                "were counted as working days. Check the end date."
            ),
            "warning",
        )
    return redirect(url_for("publicity.desk"))


@bp.post("/desk/objections/<int:objection_id>")
@requires(Permission.ALLIANCE_REVIEW)
def decide(objection_id: int):
    objection = db.get_or_404(Objection, objection_id)
    decision = request.form.get("decision")
    if decision not in {"uphold", "dismiss"}:
        abort(400)
    services.decide_objection(
        objection, current_user, decision == "uphold", request.form.get("reason", "")
    )
    flash(_("The objection has been decided."), "success")
    return redirect(url_for("publicity.desk"))


@bp.post("/desk/batches/<int:batch_id>/close")
@requires(Permission.ALLIANCE_REVIEW)
def close(batch_id: int):
    batch = db.get_or_404(PublicityBatch, batch_id)
    moved = services.close_batch(batch, current_user)
    flash(_("%(n)d projects are ready for their certificates.", n=moved), "success")
    return redirect(url_for("publicity.desk"))
