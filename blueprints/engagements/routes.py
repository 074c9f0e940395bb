"""Diagnosis engagements: the list (the parties' own; an authority enrols there), one
engagement with its agreement, work group, actions and history, and the list in Excel."""

from __future__ import annotations

import functools

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, uploads, workflow
from app.excel import xlsx_response
from app.forms import filters_of
from app.input_boundary import version_field
from app.pagination import paginate
from app.security.permissions import Permission, has_permission, requires
from blueprints.diagnosis import programmes, rules
from blueprints.engagements import exports, forms, services, team
from blueprints.engagements.transitions import ACTION_TITLES, TEAM_OPEN, TRANSITIONS
from models import EngagementStatus, EngineerTitle

bp = Blueprint("engagements", __name__, url_prefix="/engagements", template_folder="templates")


def _filters() -> tuple[forms.FilterForm, dict]:
    form = forms.FilterForm(request.args)
    values = filters_of(form)
    status = values.get("status")
    return form, {
        "programme": values.get("programme") or "",
        "status": EngagementStatus(status) if status else None,
        "q": (values.get("q") or "").strip(),
    }


def index_page(conflict: str | None = None, **_view_args: object) -> str:
    filter_form, filters = _filters()
    enrols = has_permission(current_user, Permission.DIAGNOSIS_MANAGE)
    form = (pages.kept("enrol") or forms.EnrolForm(formdata=None)) if enrols else None
    return render_template(
        "engagements/index.html",
        page=paginate(services.listed(current_user, **filters), rows=True),
        filter_form=filter_form,
        filters=filters,
        form=form,
        programmes=dict(services.programme_titles()),
        conflict=conflict,
    )


@bp.get("/")
@requires(Permission.DIAGNOSIS_VIEW)
def index():
    return index_page()


@bp.get("/export.xlsx")
@requires(Permission.DIAGNOSIS_VIEW)
def export():
    _form, filters = _filters()
    write = functools.partial(exports.list_xlsx, services.listed(current_user, **filters))
    return xlsx_response(write, "diagnosis-engagements.xlsx")


@bp.post("/")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(index_page)
def enrol():
    form = pages.submitted("enrol", forms.EnrolForm())
    pages.validate(form)
    programme = programmes.programme(form.programme.data or "")
    if programme is None:
        pages.refuse(form.programme, _("Choose a programme."))
    try:
        engagement = services.enrol(
            current_user, programme, form.credit_code.data or "", int(form.provider.data)
        )
    except services.Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    flash(_("Enrolled: the provider and the enterprise are told."), "success")
    return redirect(url_for("engagements.view", engagement_id=engagement.id))


def view_page(engagement_id: int, conflict: str | None = None, **_view_args: object) -> str:
    engagement = services.get_or_404(engagement_id)
    programme = team.programme_of(engagement)
    provider = current_user.organisation_id == engagement.provider_id
    return render_template(
        "engagements/view.html",
        engagement=engagement,
        programme=programme,
        options=workflow.options(TRANSITIONS, engagement, engagement.status, current_user),
        titles=ACTION_TITLES,
        agreement=services.agreement_file(engagement),
        team_problems=rules.team_problems(programme, team.members_of(engagement)),
        team_editable=provider and engagement.status in TEAM_OPEN,
        agreement_form=pages.kept("agreement") or forms.AgreementForm(formdata=None),
        member_form=pages.kept("member") or forms.MemberForm(formdata=None),
        remove_form=pages.kept("remove") or forms.RemoveMemberForm(formdata=None),
        withdraw_form=pages.kept("withdraw") or forms.WithdrawForm(formdata=None),
        conflict=conflict,
    )


@bp.get("/<int:engagement_id>")
@requires(Permission.DIAGNOSIS_VIEW)
def view(engagement_id: int):
    return view_page(engagement_id)


def _back(engagement_id: int, anchor: str = ""):
    return redirect(url_for("engagements.view", engagement_id=engagement_id) + anchor)


@bp.post("/<int:engagement_id>/agreement")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def file_agreement(engagement_id: int):
    engagement = services.get_or_404(engagement_id)
    workflow.expect_version(engagement, version_field())
    form = pages.submitted("agreement", forms.AgreementForm())
    pages.validate(form)
    signed_on = form.signed_on.data
    if signed_on is None:  # InputRequired refuses it; this tells the type checker
        pages.refuse(form.signed_on, _("Give the date the agreement was signed."))
    try:
        services.file_agreement(engagement, current_user, signed_on, form.scan.data)
    except services.Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    flash(_("The agreement is filed with the authority."), "success")
    return _back(engagement_id)


@bp.get("/<int:engagement_id>/agreement")
@requires(Permission.DIAGNOSIS_VIEW)
def agreement(engagement_id: int):
    found = services.agreement_file(services.get_or_404(engagement_id))
    if found is None:
        return redirect(url_for("engagements.view", engagement_id=engagement_id))
    return uploads.send(found.stored_name, found.original_name, found.content_type)


@bp.post("/<int:engagement_id>/members")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def add_member(engagement_id: int):
    engagement = services.get_or_404(engagement_id)
    workflow.expect_version(engagement, version_field())
    form = pages.submitted("member", forms.MemberForm())
    pages.validate(form)
    try:
        services.add_member(
            engagement,
            current_user,
            name=(form.name.data or "").strip(),
            unit=(form.unit.data or "").strip(),
            title=EngineerTitle(form.title.data),
            lead=bool(form.lead.data),
            expert=bool(form.expert.data),
            pledged_on=form.pledged_on.data,
        )
    except services.Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    return _back(engagement_id, "#team")


@bp.post("/<int:engagement_id>/members/<int:member_id>/remove")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def remove_member(engagement_id: int, member_id: int):
    engagement = services.get_or_404(engagement_id)
    workflow.expect_version(engagement, version_field())
    pages.validate(pages.submitted("remove", forms.RemoveMemberForm()))
    services.remove_member(engagement, current_user, member_id)
    return _back(engagement_id, "#team")


@bp.post("/<int:engagement_id>/start")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def start(engagement_id: int):
    engagement = services.get_or_404(engagement_id)
    workflow.expect_version(engagement, version_field())
    services.perform(engagement, "start", current_user)
    flash(_("The work group is on site; the enterprise and the authority are told."), "success")
    return _back(engagement_id)


@bp.post("/<int:engagement_id>/withdraw")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(view_page)
def withdraw(engagement_id: int):
    engagement = services.get_or_404(engagement_id)
    workflow.expect_version(engagement, version_field())
    form = pages.submitted("withdraw", forms.WithdrawForm())
    pages.validate(form)
    services.perform(engagement, "withdraw", current_user, form.comment.data or "")
    flash(_("The engagement is withdrawn; the provider and the enterprise are told."), "success")
    return _back(engagement_id)
