"""Surveillance on the certificate page: the schedule panel (a template hook of the
certificate page), planning and concluding the evaluation body's audits, and the alliance's
review of a recommended recertification."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app import pages, workflow
from app.clock import local_today
from app.errors import WorkflowError
from app.extensions import db
from app.input_boundary import version_field
from app.security.permissions import Permission, has_permission, requires
from app.templating import register_template_hook, render_panel
from blueprints.audits import impartiality
from blueprints.certificates.queries import by_number
from blueprints.certificates.routes import certificate_page
from blueprints.certificates.schedule import schedule_of
from blueprints.surveillance import forms, services
from blueprints.surveillance.transitions import CONCLUSION_TITLES, CONCLUSIONS, TRANSITIONS
from models import PENDING_SCHEDULE_STATUSES, Certificate, CertificateStatus, ScheduleItem

bp = Blueprint("surveillance", __name__, url_prefix="/certificates", template_folder="templates")


def schedule_panel(certificate: Certificate, live: CertificateStatus) -> Markup:
    """The schedule with the actions the viewer may take (those a guard refuses shown
    disabled with the reason): for the holder, the evaluation body and alliance staff;
    nothing (and no query) for the public. A form this request submitted is shown with its
    input and errors (the certificate page is where this panel's forms answer)."""
    user_org = getattr(current_user, "organisation_id", None)
    body_member = user_org == certificate.body_id and has_permission(
        current_user, Permission.PROJECT_EVALUATE
    )
    manage = has_permission(current_user, Permission.CERTIFICATES_MANAGE)
    if not (body_member or manage or user_org == certificate.organisation_id):
        return Markup("")
    schedule = schedule_of(certificate)
    if not schedule:
        return Markup("")
    # A certificate has a fixed handful of schedule items: the guards run per item.
    offered = {
        item.id: {
            option.name: option
            for option in workflow.options(TRANSITIONS, item, item.status, current_user)
        }
        for item in schedule
    }
    evaluators, coverage = (
        impartiality.labelled(services.evaluators_of(certificate), certificate.organisation)
        if body_member
        else ([], "")
    )
    plan_forms, conclusion_forms = {}, {}
    for item in schedule:
        if "plan" in offered[item.id]:
            form = pages.kept(f"plan-{item.id}") or forms.PlanForm(formdata=None)
            form.member_ids.choices = [
                (uid, name) for uid, name in evaluators if uid != current_user.id
            ]
            form.member_ids.description = coverage
            plan_forms[item.id] = form
        if any(name in offered[item.id] for name in CONCLUSIONS):
            conclusion_forms[item.id] = pages.kept(f"conclude-{item.id}") or forms.ConclusionForm(
                formdata=None
            )
    return render_panel(
        "surveillance/_panel.html",
        certificate=certificate,
        schedule=schedule,
        offered=offered,
        pending=PENDING_SCHEDULE_STATUSES,
        conclusions=CONCLUSIONS,
        conclusion_titles=CONCLUSION_TITLES,
        plan_forms=plan_forms,
        conclusion_forms=conclusion_forms,
        today=local_today(),
    )


@bp.record_once
def _plug_into_the_certificate_page(state: BlueprintSetupState) -> None:
    register_template_hook(state.app, "certificate-page", schedule_panel)


def _item_or_404(number: str, item_id: int) -> tuple[Certificate, ScheduleItem]:
    """The item of the certificate, as the submitted form saw it (its version)."""
    certificate = by_number(number)
    item = db.session.get(ScheduleItem, item_id) if certificate else None
    if certificate is None or item is None or item.certificate_id != certificate.id:
        abort(404)
    workflow.expect_version(item, version_field())
    return certificate, item


def _body_member_or_404(certificate: Certificate) -> None:
    if current_user.organisation_id != certificate.body_id:
        abort(404)


@bp.post("/<number>/schedule/<int:item_id>/plan")
@requires(Permission.PROJECT_EVALUATE)
@pages.on_page(certificate_page)
def plan(number: str, item_id: int):
    form = pages.submitted(f"plan-{item_id}", forms.PlanForm())
    certificate, item = _item_or_404(number, item_id)
    _body_member_or_404(certificate)
    # The state, party and guards first: an impossible move is a 409 whatever the form holds.
    workflow.begin(TRANSITIONS, item, "plan", item.status, current_user)
    pages.validate(form)
    services.perform(
        item,
        "plan",
        current_user,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        member_ids=form.member_ids.data or [],
        scope=form.scope.data or "",
    )
    flash(_("The surveillance audit is planned."), "success")
    return redirect(url_for("audits.view", audit_id=item.audit_id))


@bp.post("/<number>/schedule/<int:item_id>/conclude")
@requires(Permission.PROJECT_EVALUATE)
@pages.on_page(certificate_page)
def conclude(number: str, item_id: int):
    form = pages.submitted(f"conclude-{item_id}", forms.ConclusionForm())
    certificate, item = _item_or_404(number, item_id)
    _body_member_or_404(certificate)
    decision = form.decision.data or ""
    if decision not in CONCLUSIONS:
        raise WorkflowError(_("Unknown action."))
    workflow.begin(TRANSITIONS, item, decision, item.status, current_user)
    pages.validate(form)
    services.perform(
        item,
        decision,
        current_user,
        completed_on=form.completed_on.data,
        reason=form.reason.data or "",
    )
    flash(_("The surveillance audit is concluded."), "success")
    return redirect(url_for("certificates.verify", number=certificate.number))


@bp.post("/<number>/schedule/<int:item_id>/recertification/<step>")
@requires(Permission.CERTIFICATES_MANAGE)
@pages.on_page(certificate_page)
def recertification(number: str, item_id: int, step: str):
    certificate, item = _item_or_404(number, item_id)
    if step == "review":
        services.perform(item, "pass_review", current_user)
        flash(_("Compliance review passed: another staff member re-reviews and issues."), "success")
        return redirect(url_for("certificates.verify", number=certificate.number))
    if step != "issue":
        abort(404)
    new = services.perform(item, "issue", current_user)
    number = new.number if new else certificate.number
    flash(_("The new certificate %(number)s has been issued.", number=number), "success")
    return redirect(url_for("certificates.verify", number=number))
