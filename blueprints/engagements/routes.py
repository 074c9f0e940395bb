"""Diagnosis engagements: the list (the parties' own; an authority enrols there), one
engagement with its agreement, work group, actions and history, and the list in Excel."""

from __future__ import annotations

import functools

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, uploads, workflow
from app.clock import local_today
from app.excel import xlsx_response
from app.input_boundary import version_field
from app.list_exports import list_export
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, has_permission, requires
from blueprints.diagnosis import programmes, rules
from blueprints.engagements import (
    engagement_list,
    exports,
    forms,
    grading,
    indicators,
    paperwork,
    progress,
    record,
    services,
    team,
    transitions,
)
from blueprints.engagements.changes import Refused
from blueprints.engagements.transitions import ACTION_TITLES, TEAM_OPEN, TRANSITIONS
from models import (
    EngagementStatus,
    EngineerTitle,
    SurveyRating,
)

bp = Blueprint("engagements", __name__, url_prefix="/engagements", template_folder="templates")


def index_page(conflict: str | None = None, **_view_args: object) -> str:
    listed = engagement_list.asked(current_user, request.args)
    enrols = has_permission(current_user, Permission.DIAGNOSIS_MANAGE)
    # From the roster: the enterprise's credit code given, the form open.
    given = request.args.get("credit_code", "")[:40]
    form = (
        (pages.kept("enrol") or forms.EnrolForm(formdata=None, credit_code=given))
        if enrols
        else None
    )
    return render_template(
        "engagements/index.html",
        page=paginate(listed.query, rows=True),
        filter_form=listed.form,
        sort=listed.sort,
        given=listed.given,
        form=form,
        enrol_open=bool(given),
        programmes=dict(services.programme_titles()),
        conflict=conflict,
    )


@bp.get("/")
@requires(Permission.DIAGNOSIS_VIEW)
def index():
    return index_page()


@bp.route("/export.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.DIAGNOSIS_VIEW)
def export():
    """The engagements in Excel: the rows the filters give, in their sort, across all pages."""
    return list_xlsx(
        engagement_list.asked(current_user, request.args).query,
        header=[column.title for column in engagement_list.COLUMNS],
        rows=engagement_list.rows_of,
        sheet=_("Diagnosis engagements"),
        title=f"{current_user.organisation.name} — {_('Diagnosis engagements')}",
        filename=f"diagnosis-engagements-{local_today().isoformat()}.xlsx",
        scalars=False,
    )


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
    except Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    flash(_("Enrolled: the provider and the enterprise are told."), "success")
    return redirect(url_for("engagements.view", engagement_id=engagement.id))


def view_page(engagement_id: int, conflict: str | None = None, **_view_args: object) -> str:
    engagement = services.get_or_404(engagement_id)
    programme = team.programme_of(engagement)
    provider = current_user.organisation_id == engagement.provider_id
    # One photo form per visit: the one submitted comes back with its errors and input.
    kept_photo, kept_visit = pages.kept("photo"), g.get("photo_activity")
    photo_forms = {}
    for activity in engagement.activities:
        form = (
            kept_photo
            if kept_photo and activity.id == kept_visit
            else forms.PhotoForm(formdata=None)
        )
        form.category.choices = forms.photo_categories(programme)
        photo_forms[activity.id] = form
    report_form = pages.kept("report") or forms.report_form_class(programme)(
        formdata=None, data={forms.section_field(k): v for k, v in engagement.report.items()}
    )
    entries = paperwork.entries_of(engagement)
    problems = transitions.submission_problems(engagement, entries)
    before_start = paperwork.problems(engagement, "start", entries)
    indicator_rows = (
        indicators.rows(engagement) if indicators.graded_by_indicators(engagement) else []
    )
    return render_template(
        "engagements/view.html",
        engagement=engagement,
        programme=programme,
        # The submit guard is the list the page shows: counted once, not again by the table.
        options=workflow.options(
            TRANSITIONS,
            engagement,
            engagement.status,
            current_user,
            {
                transitions.record_complete: problems[0] if problems else None,
                transitions.forms_filed: before_start[0] if before_start else None,
            },
        ),
        paperwork_status=[
            (form, rows, paperwork.form_problems(form, rows))
            for form in programme.fillable_forms
            for rows in [entries.get(form.key, [])]
        ],
        titles=ACTION_TITLES,
        agreement=services.agreement_file(engagement),
        team_problems=rules.team_problems(programme, team.members_of(engagement)),
        team_editable=provider and engagement.status in TEAM_OPEN,
        record_editable=provider and engagement.status in record.RECORD_OPEN,
        visits=record.visit_photos(engagement, programme),
        done=record.done(engagement, with_reports=True),
        submission_problems=problems,
        indicator_rows=indicator_rows,
        indicator_form=pages.kept("indicators") or forms.indicator_form(indicator_rows),
        sme=grading.comparison(engagement, str(get_locale() or "zh"))
        if grading.graded_by_sme_level(engagement)
        else None,
        graded_by_sme_level=grading.graded_by_sme_level(engagement),
        verified_field=forms.verified_field,
        note_field=forms.note_field,
        report_characters=rules.characters(record.report_text(engagement)),
        agreement_form=pages.kept("agreement") or forms.AgreementForm(formdata=None),
        member_form=pages.kept("member") or forms.MemberForm(formdata=None),
        remove_form=pages.kept("remove") or forms.RemoveMemberForm(formdata=None),
        withdraw_form=pages.kept("withdraw") or forms.WithdrawForm(formdata=None),
        removal_form=pages.kept("removal") or forms.RemoveRecordForm(formdata=None),
        activity_form=pages.kept("activity") or forms.ActivityForm(formdata=None),
        photo_forms=photo_forms,
        report_form=report_form,
        present_form=pages.kept("present") or forms.PresentForm(formdata=None),
        survey_form=pages.kept("survey") or forms.survey_form_class(programme)(formdata=None),
        decision_form=pages.kept("decision") or forms.DecisionForm(formdata=None),
        section_field=forms.section_field,
        photo_titles={c.value: c.label for c in forms.photo_categories(programme)},
        rating_titles={r.value: r.title for r in SurveyRating},
        rating_field=forms.rating_field,
        conflict=conflict,
    )


@bp.get("/<int:engagement_id>")
@requires(Permission.DIAGNOSIS_VIEW)
def view(engagement_id: int):
    return view_page(engagement_id)


def back_to(engagement_id: int, anchor: str = ""):
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
    except Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    flash(_("The agreement is filed with the authority."), "success")
    return back_to(engagement_id)


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
    except Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    return back_to(engagement_id, "#team")


@bp.post("/<int:engagement_id>/members/<int:member_id>/remove")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def remove_member(engagement_id: int, member_id: int):
    engagement = services.get_or_404(engagement_id)
    workflow.expect_version(engagement, version_field())
    pages.validate(pages.submitted("remove", forms.RemoveMemberForm()))
    services.remove_member(engagement, current_user, member_id)
    return back_to(engagement_id, "#team")


@bp.post("/<int:engagement_id>/start")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def start(engagement_id: int):
    engagement = services.get_or_404(engagement_id)
    workflow.expect_version(engagement, version_field())
    services.perform(engagement, "start", current_user)
    flash(_("The work group is on site; the enterprise and the authority are told."), "success")
    return back_to(engagement_id)


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
    return back_to(engagement_id)


# --- the programme's progress ----------------------------------------------------------------


def _progress() -> progress.Progress:
    titles = dict(services.programme_titles())
    key = request.args.get("programme", "")
    chosen = titles.get(key) or next(iter(titles.values()))
    return progress.of(current_user, chosen, local_today())


@bp.get("/progress")
@requires(Permission.DIAGNOSIS_MANAGE)
def progress_page():
    return render_template(
        "engagements/progress.html",
        progress=_progress(),
        programmes=services.programme_titles(),
        statuses=list(EngagementStatus),
        definitions=indicators.definitions(),
    )


@bp.get("/progress.xlsx")
@requires(Permission.DIAGNOSIS_MANAGE)
def progress_xlsx():
    shown = _progress()
    write = functools.partial(exports.progress_xlsx, shown, indicators.definitions())
    return xlsx_response(write, f"diagnosis-progress-{shown.programme.id}.xlsx")
