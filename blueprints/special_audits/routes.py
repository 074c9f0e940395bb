"""Special audits: the handler orders one from the case page; the evaluation body's page of
the special audit, where it is scheduled with a team and completed; the handler cancels an
order not scheduled yet. Findings are logged on the audit's own page like every audit's."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, workflow
from app.clock import local_today
from app.errors import WorkflowError
from app.input_boundary import version_field
from app.security.permissions import Permission, has_permission, requires
from blueprints.audits import impartiality
from blueprints.cases import services as cases
from blueprints.cases.routes import case_page
from blueprints.special_audits import forms, panels, services, transitions
from blueprints.surveillance.services import evaluators_of
from models import ComplaintVerdict, SpecialAudit

bp = Blueprint(
    "special_audits", __name__, url_prefix="/special-audits", template_folder="templates"
)
panels.plug_in(bp)


def special_page(special_id: int, conflict: str | None = None, **_view_args: object) -> str:
    special = services.special_audit_or_404(special_id, current_user)
    moves = {
        option.name: option
        for option in workflow.options(
            transitions.TRANSITIONS, special, special.status, current_user
        )
    }
    schedule_form = None
    if "schedule" in moves:
        schedule_form = pages.kept("schedule") or forms.ScheduleForm(formdata=None)
        evaluators, coverage = impartiality.labelled(
            evaluators_of(special.certificate), special.certificate.organisation
        )
        schedule_form.member_ids.choices = [
            (uid, name) for uid, name in evaluators if uid != current_user.id
        ]
        schedule_form.member_ids.description = coverage
    return render_template(
        "special_audits/view.html",
        special=special,
        moves=moves,
        handling=has_permission(current_user, Permission.CASES_HANDLE),
        conclusions=[moves[name] for name in transitions.CONCLUSIONS if name in moves],
        titles=transitions.ACTION_TITLES,
        schedule_form=schedule_form,
        complete_form=pages.kept("complete") or forms.CompleteForm(formdata=None),
        cancel_form=pages.kept("cancel") or forms.CancelForm(formdata=None),
        today=local_today(),
        conflict=conflict,
    )


@bp.get("/<int:special_id>")
@requires(Permission.DASHBOARD_VIEW)
def view(special_id: int):
    return special_page(special_id)


def _back(special: SpecialAudit):
    return redirect(url_for("special_audits.view", special_id=special.id))


@bp.post("/case/<int:case_id>")
@requires(Permission.CASES_HANDLE)
@pages.on_page(case_page)
def order(case_id: int):
    case = cases.case_to_handle_or_404(case_id, current_user)
    form = pages.submitted("special-audit", forms.OrderForm())
    # Whether it may be ordered at all first: a refused order is a 409 whatever the form holds.
    refusal = services.ordering_refusal(case, current_user)
    if refusal:
        raise WorkflowError(refusal)
    pages.validate(form)
    special = services.order(
        case, current_user, form.reason.data or "", form.scope.data or "", version_field()
    )
    flash(_("The special audit is ordered; the evaluation body is told."), "success")
    return _back(special)


@bp.post("/<int:special_id>/schedule")
@requires(Permission.PROJECT_EVALUATE)
@pages.on_page(special_page)
def schedule(special_id: int):
    special = services.special_audit_or_404(special_id, current_user)
    form = pages.submitted("schedule", forms.ScheduleForm())
    workflow.begin(transitions.TRANSITIONS, special, "schedule", special.status, current_user)
    pages.validate(form)
    services.perform(
        special,
        "schedule",
        current_user,
        version_field(),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        member_ids=form.member_ids.data or [],
    )
    flash(_("The special audit is scheduled; the enterprise is told."), "success")
    return _back(special)


@bp.post("/<int:special_id>/complete")
@requires(Permission.PROJECT_EVALUATE)
@pages.on_page(special_page)
def complete(special_id: int):
    special = services.special_audit_or_404(special_id, current_user)
    form = pages.submitted("complete", forms.CompleteForm())
    decision = form.decision.data or ""
    if decision not in transitions.CONCLUSIONS:
        raise WorkflowError(_("Unknown action."))
    workflow.begin(transitions.TRANSITIONS, special, decision, special.status, current_user)
    pages.validate(form)
    services.perform(
        special,
        decision,
        current_user,
        version_field(),
        verdict=ComplaintVerdict(form.verdict.data),
        summary=form.summary.data or "",
        completed_on=form.completed_on.data,
    )
    flash(_("The special audit is completed; the case's handler is told."), "success")
    return _back(special)


@bp.post("/<int:special_id>/cancel")
@requires(Permission.CASES_HANDLE)
@pages.on_page(special_page)
def cancel(special_id: int):
    special = services.special_audit_or_404(special_id, current_user)
    form = pages.submitted("cancel", forms.CancelForm())
    workflow.begin(transitions.TRANSITIONS, special, "cancel", special.status, current_user)
    pages.validate(form)
    services.perform(special, "cancel", current_user, version_field())
    flash(_("The special audit is cancelled; the evaluation body is told."), "success")
    return redirect(url_for("cases.view", case_id=special.case_id))
