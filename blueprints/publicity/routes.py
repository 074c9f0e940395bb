"""Publicity: the public announcement page with objections, and the staff's batch desk."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import workflow
from app.clock import local_today
from app.errors import WorkflowError
from app.extensions import db
from app.forms import first_error
from app.input_boundary import version_field
from app.pagination import paginate
from app.security.permissions import Permission, public_rate_limited, requires
from blueprints.publicity import forms, queries, services
from models import Objection, PublicityBatch

bp = Blueprint("publicity", __name__, url_prefix="/publicity", template_folder="templates")


@bp.get("/")
@public_rate_limited
def index():
    page = paginate(queries.announced_batches())
    return render_template("publicity/index.html", page=page, today=local_today())


@bp.post("/entries/<int:entry_id>/objection")
@public_rate_limited
def object_to(entry_id: int):
    entry = queries.entry_open_to_objections(entry_id)
    if entry is None:
        abort(404)
    form = forms.ObjectionForm()
    if not form.validate():
        raise WorkflowError(first_error(form))
    services.lodge_objection(entry, **form.inputs(), address=request.remote_addr or "")
    flash(_("Your objection has been received. The alliance will examine it."), "success")
    return redirect(url_for("publicity.index"))


@bp.get("/desk")
@requires(Permission.ALLIANCE_REVIEW)
def desk():
    return render_template(
        "publicity/desk.html",
        waiting=queries.waiting_projects(),
        batches=queries.open_batches(),
        objections=queries.open_objections(),
        today=local_today(),
    )


@bp.post("/desk/batches")
@requires(Permission.ALLIANCE_REVIEW)
def create_batch():
    form = forms.BatchForm()
    if not form.validate() or form.starts_on.data is None:
        raise WorkflowError(first_error(form))
    batch = services.create_batch(
        current_user, form.title.data or "", form.starts_on.data, form.project_ids.data or []
    )
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
    workflow.expect_version(objection, version_field())
    form = forms.DecisionForm()
    if not form.validate():
        abort(400)
    services.decide_objection(
        objection, current_user, (form.decision.data or ""), form.reason.data or ""
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
