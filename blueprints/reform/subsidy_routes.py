"""A reform project's subsidy and outcomes, signed in: the enterprise records its outcomes and
applies; the city authority approves or refuses, then records the payment; the subsidy list
with its totals and its Excel. The forms live on the project's page (reform.view)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app import pages
from app.forms import RemoveForm, enum_options
from app.input_boundary import version_field
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.reform import services, subsidy, subsidy_forms, subsidy_list, subsidy_page
from blueprints.reform.routes import back_to, view_page
from models.reform_subsidy import OutcomeCategory

bp = Blueprint("reform_subsidy", __name__, url_prefix="/reform", template_folder="templates")


def _page_of_project(conflict: str | None = None, **_view_args: object) -> str | None:
    project_id = g.get("reform_project")
    return view_page(project_id, conflict) if project_id else None


# --- the list --------------------------------------------------------------------------------


@bp.get("/subsidies/")
@requires(Permission.DIAGNOSIS_MANAGE)
def index():
    listed = subsidy_list.asked(request.args, current_user)
    return render_template(
        "reform/subsidies.html",
        page=paginate(listed.query, rows=True),
        totals=listed.totals(),
        filter_form=listed.form,
        given=listed.given,
    )


@bp.get("/subsidies/export.xlsx")
@requires(Permission.DIAGNOSIS_MANAGE)
def export():
    return subsidy_list.xlsx(current_user)


# --- the enterprise: outcomes and the application --------------------------------------------


def _outcome(form: subsidy_forms.OutcomeForm) -> subsidy.Outcome:
    return subsidy.Outcome(
        category=OutcomeCategory(form.category.data),
        indicator=form.indicator.data or "",
        unit=form.unit.data or "",
        before=form.before.data if form.before.data is not None else Decimal(0),
        after=form.after.data if form.after.data is not None else Decimal(0),
    )


def _submitted_outcome(key: str) -> subsidy_forms.OutcomeForm:
    form = pages.submitted(key, subsidy_forms.OutcomeForm())
    form.category.choices = enum_options(OutcomeCategory)
    pages.validate(form)
    return form


@bp.post("/<int:project_id>/outcomes")
@requires(Permission.REFORM_FILE)
@pages.on_page(view_page)
def add_outcome(project_id: int):
    project = services.project_or_404(project_id, current_user)
    subsidy.add_outcome(project, current_user, _outcome(_submitted_outcome("outcome")))
    flash(_("The outcome is recorded."), "success")
    return back_to(project_id, "#outcomes")


def edit_page(outcome_id: int, conflict: str | None = None, **_view_args: object) -> str:
    outcome = subsidy.outcome_or_404(outcome_id, current_user)
    form = subsidy_page.outcome_form(
        "outcome_edit",
        category=outcome.category.value,
        indicator=outcome.indicator,
        unit=outcome.unit,
        before=outcome.before,
        after=outcome.after,
    )
    return render_template(
        "reform/outcome_edit.html",
        outcome=outcome,
        project=services.project_or_404(outcome.project_id, current_user),
        form=form,
        conflict=conflict,
    )


@bp.get("/outcomes/<int:outcome_id>/edit")
@requires(Permission.REFORM_FILE)
def edit_outcome(outcome_id: int):
    return edit_page(outcome_id)


@bp.post("/outcomes/<int:outcome_id>/edit")
@requires(Permission.REFORM_FILE)
@pages.on_page(edit_page)
def change_outcome(outcome_id: int):
    outcome = subsidy.outcome_or_404(outcome_id, current_user)
    form = _submitted_outcome("outcome_edit")
    subsidy.change_outcome(outcome, current_user, _outcome(form))
    flash(_("The outcome is changed."), "success")
    return back_to(outcome.project_id, "#outcomes")


@bp.post("/outcomes/<int:outcome_id>/remove")
@requires(Permission.REFORM_FILE)
@pages.on_page(_page_of_project)
def remove_outcome(outcome_id: int):
    outcome = subsidy.outcome_or_404(outcome_id, current_user)
    g.reform_project = project_id = outcome.project_id
    pages.validate(pages.submitted("outcome_remove", RemoveForm()))
    subsidy.remove_outcome(outcome, current_user)
    flash(_("The outcome is removed."), "success")
    return back_to(project_id, "#outcomes")


@bp.post("/<int:project_id>/subsidy")
@requires(Permission.REFORM_FILE)
@pages.on_page(view_page)
def apply(project_id: int):
    project = services.project_or_404(project_id, current_user)
    form = pages.submitted("apply", subsidy_forms.ApplyForm())
    pages.validate(form)
    subsidy.apply(project, current_user, form.amount.data or Decimal(0))
    flash(_("The subsidy is applied for: the city authority decides."), "success")
    return back_to(project_id, "#subsidy")


# --- the city: decision and payment ----------------------------------------------------------


@bp.post("/subsidies/<int:subsidy_id>/decide")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(_page_of_project)
def decide(subsidy_id: int):
    found = subsidy.subsidy_or_404(subsidy_id, current_user)
    g.reform_project = found.project_id
    form = pages.submitted("subsidy_decision", subsidy_forms.SubsidyDecisionForm())
    pages.validate(form)
    if request.form.get("action") == "approve":
        if form.amount.data is None:
            pages.refuse(form.amount, _("Give the amount approved."))
        note = form.note.data or ""
        subsidy.approve(found, current_user, form.amount.data, note, version_field())
        flash(_("The subsidy is approved: record the payment once it is made."), "success")
    elif request.form.get("action") == "refuse":
        subsidy.refuse(found, current_user, form.note.data or "", version_field())
        flash(_("The subsidy is refused: the enterprise is told why."), "success")
    else:
        pages.refuse(form.note, _("Choose to approve or to refuse."))
    return back_to(found.project_id, "#subsidy")


@bp.post("/subsidies/<int:subsidy_id>/pay")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(_page_of_project)
def pay(subsidy_id: int):
    found = subsidy.subsidy_or_404(subsidy_id, current_user)
    g.reform_project = found.project_id
    form = pages.submitted("payment", subsidy_forms.PaymentForm())
    pages.validate(form)
    assert form.paid_on.data is not None
    subsidy.pay(
        found,
        current_user,
        subsidy.Payment(
            amount=form.paid_amount.data or Decimal(0),
            paid_on=form.paid_on.data,
            reference=form.reference.data or "",
        ),
        version_field(),
    )
    flash(_("The payment is recorded."), "success")
    return back_to(found.project_id, "#subsidy")
