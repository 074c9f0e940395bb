"""Publicity: the public announcement page with objections, and the staff's batch desk."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, workflow
from app.clock import local_today
from app.extensions import db
from app.input_boundary import version_field
from app.lists import list_xlsx
from app.pagination import paginate
from app.public_cache import kept_under_generation
from app.security.permissions import Permission, public_rate_limited, requires
from blueprints.publicity import entry_list, forms, queries, services, transitions
from models import PUBLICITY_GENERATION, Objection, PublicityBatch

bp = Blueprint("publicity", __name__, url_prefix="/publicity", template_folder="templates")


def index_page(conflict: str | None = None, **_view_args: object) -> str:
    """The public announcement, an enterprise a row; during its period each entry links to
    its objection form. No Excel: the public reads it here, the alliance keeps the record."""
    listed = entry_list.asked(request.args)
    return render_template(
        "publicity/index.html",
        page=paginate(listed.query),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        period_state=entry_list.period_state,
        today=local_today(),
        conflict=conflict,
    )


@bp.get("/")
@public_rate_limited
def index():
    """An anonymous visitor's page is kept rendered under the announcement's generation, which
    any write to a batch or an entry raises (app/public_cache.py)."""
    return kept_under_generation(PUBLICITY_GENERATION, index_page)


def objection_page(entry_id: int, conflict: str | None = None, **_view_args: object) -> str:
    """One announced enterprise and the form to object to it, while its period runs."""
    entry = queries.entry_open_to_objections(entry_id)
    if entry is None:
        abort(404)
    return render_template(
        "publicity/objection.html",
        entry=entry,
        form=pages.kept(f"objection-{entry.id}") or forms.ObjectionForm(formdata=None),
        closed=services.closed_to_objections(entry),
        conflict=conflict,
    )


@bp.get("/entries/<int:entry_id>/objection")
@public_rate_limited
def objection(entry_id: int):
    return objection_page(entry_id)


@bp.post("/entries/<int:entry_id>/objection")
@public_rate_limited
@pages.on_page(objection_page)
def object_to(entry_id: int):
    entry = queries.entry_open_to_objections(entry_id)
    if entry is None:
        abort(404)
    form = pages.submitted(f"objection-{entry.id}", forms.ObjectionForm())
    pages.validate(form)
    services.lodge_objection(entry, **form.inputs(), address=request.remote_addr or "")
    flash(_("Your objection has been received. The alliance will examine it."), "success")
    return redirect(url_for("publicity.index"))


def desk_page(conflict: str | None = None, **_view_args: object) -> str:
    """The staff's desk: projects waiting for a batch, open objections, batches to close."""
    objections = queries.open_objections()
    return render_template(
        "publicity/desk.html",
        waiting=queries.waiting_projects(),
        batches=queries.open_batches(),
        objections=objections,
        decisions_of={
            o.id: workflow.options(transitions.TRANSITIONS, o, o.status, current_user)
            for o in objections
        },
        batch_form=pages.kept("batch") or forms.BatchForm(formdata=None, starts_on=local_today()),
        decision_form=lambda objection_id: (
            pages.kept(f"objection-{objection_id}") or forms.DecisionForm(formdata=None)
        ),
        today=local_today(),
        conflict=conflict,
    )


@bp.get("/desk")
@requires(Permission.ALLIANCE_REVIEW)
def desk():
    return desk_page()


@bp.get("/desk/entries")
@requires(Permission.ALLIANCE_REVIEW)
def entries():
    """Every enterprise announced, an entry removed after an objection included."""
    listed = entry_list.asked(request.args, removed_too=True)
    return render_template(
        "publicity/entries.html",
        page=paginate(listed.query),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        period_state=entry_list.period_state,
        today=local_today(),
    )


@bp.get("/desk/entries.xlsx")
@requires(Permission.ALLIANCE_REVIEW)
def entries_xlsx():
    """The announced enterprises in Excel: the rows the filters give, across all pages."""
    return list_xlsx(
        entry_list.asked(request.args, removed_too=True).query,
        header=[column.title for column in entry_list.COLUMNS],
        rows=entry_list.rows_of,
        sheet=_("Announced enterprises"),
        title=f"{current_user.organisation.name} — {_('Announced enterprises')}",
        filename=f"publicity-{local_today().isoformat()}.xlsx",
    )


@bp.post("/desk/batches")
@requires(Permission.ALLIANCE_REVIEW)
@pages.on_page(desk_page)
def create_batch():
    form = pages.submitted("batch", forms.BatchForm())
    pages.validate(form)
    assert form.starts_on.data is not None  # required by the form
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
@pages.on_page(desk_page)
def decide(objection_id: int):
    objection = db.get_or_404(Objection, objection_id)
    form = pages.submitted(f"objection-{objection.id}", forms.DecisionForm())
    workflow.expect_version(objection, version_field())
    decision = form.decision.data or ""
    # The state and who first: an impossible decision is a 409 whatever the form holds.
    workflow.begin(transitions.TRANSITIONS, objection, decision, objection.status, current_user)
    pages.validate(form)
    services.decide_objection(objection, current_user, decision, form.reason.data or "")
    flash(_("The objection has been decided."), "success")
    return redirect(url_for("publicity.desk"))


@bp.post("/desk/batches/<int:batch_id>/close")
@requires(Permission.ALLIANCE_REVIEW)
@pages.on_page(desk_page)
def close(batch_id: int):
    batch = db.get_or_404(PublicityBatch, batch_id)
    moved = services.close_batch(batch, current_user)
    flash(_("%(n)d projects are ready for their certificates.", n=moved), "success")
    return redirect(url_for("publicity.desk"))
