"""Diagnosis engagements: the list (the parties' own; an authority enrols there), one
engagement with its agreement, work group, actions and history, and the list in Excel."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, uploads, workflow
from app.clock import local_today
from app.excel import xlsx_response
from app.forms import filters_of
from app.input_boundary import version_field
from app.pages import status_of
from app.pagination import paginate
from app.pdf_layout import pdf_response
from app.security.permissions import Permission, has_permission, requires
from blueprints.diagnosis import forms as sme_forms
from blueprints.diagnosis import programmes, rules, sme_level
from blueprints.diagnosis import services as evaluations
from blueprints.engagements import (
    conclusion,
    exports,
    forms,
    grading,
    indicators,
    progress,
    record,
    services,
    team,
    transitions,
)
from blueprints.engagements import report_pdf as report
from blueprints.engagements.changes import Refused
from blueprints.engagements.transitions import ACTION_TITLES, TEAM_OPEN, TRANSITIONS
from models import (
    ActivityKind,
    Adoption,
    EngagementStatus,
    EngineerTitle,
    SurveyRating,
    SurveyVerdict,
)

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
    # From the roster: the enterprise's credit code given, the form open.
    given = request.args.get("credit_code", "")[:40]
    form = (
        (pages.kept("enrol") or forms.EnrolForm(formdata=None, credit_code=given))
        if enrols
        else None
    )
    return render_template(
        "engagements/index.html",
        page=paginate(services.listed(current_user, **filters), rows=True),
        filter_form=filter_form,
        filters=filters,
        form=form,
        enrol_open=bool(given),
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
    indicator_rows = (
        indicators.rows(engagement) if indicators.graded_by_indicators(engagement) else []
    )
    return render_template(
        "engagements/view.html",
        engagement=engagement,
        programme=programme,
        options=workflow.options(TRANSITIONS, engagement, engagement.status, current_user),
        titles=ACTION_TITLES,
        agreement=services.agreement_file(engagement),
        team_problems=rules.team_problems(programme, team.members_of(engagement)),
        team_editable=provider and engagement.status in TEAM_OPEN,
        record_editable=provider and engagement.status in record.RECORD_OPEN,
        visits=record.visit_photos(engagement, programme),
        done=record.done(engagement, with_reports=True),
        submission_problems=transitions.submission_problems(engagement),
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
    except Refused as refused:
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
    except Refused as refused:
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


# --- the record ------------------------------------------------------------------------------


def _at_version(engagement_id: int):
    engagement = services.get_or_404(engagement_id)
    workflow.expect_version(engagement, version_field())
    return engagement


@bp.post("/<int:engagement_id>/activities")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def record_activity(engagement_id: int):
    engagement = _at_version(engagement_id)
    form = pages.submitted("activity", forms.ActivityForm())
    pages.validate(form)
    started, ended = form.started_at.data, form.ended_at.data
    if started is None or ended is None:  # InputRequired refuses them; for the type checker
        pages.refuse(form.started_at, _("Give the start and the end."))
    try:
        record.record_activity(
            engagement,
            current_user,
            kind=ActivityKind(form.kind.data),
            started_at=started,
            ended_at=ended,
            topic=(form.topic.data or "").strip(),
            outcome=(form.outcome.data or "").strip(),
            attendees=(form.attendees.data or "").strip(),
            sign_in=form.sign_in.data,
        )
    except Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    flash(_("Recorded."), "success")
    return _back(engagement_id, "#record")


@bp.post("/<int:engagement_id>/activities/<int:activity_id>/photos")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def add_photo(engagement_id: int, activity_id: int):
    engagement = _at_version(engagement_id)
    g.photo_activity = activity_id
    form = pages.submitted("photo", forms.PhotoForm())
    form.category.choices = forms.photo_categories(team.programme_of(engagement))
    pages.validate(form)
    try:
        record.add_photo(engagement, current_user, activity_id, form.category.data or "",
                         form.photo.data)  # fmt: skip
    except Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    return _back(engagement_id, f"#activity-{activity_id}")


@bp.get("/<int:engagement_id>/files/<int:file_id>")
@requires(Permission.DIAGNOSIS_VIEW)
def download(engagement_id: int, file_id: int):
    found = services.file_of(services.get_or_404(engagement_id), file_id)
    return uploads.send(found.stored_name, found.original_name, found.content_type)


@bp.post("/<int:engagement_id>/report")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def save_report(engagement_id: int):
    engagement = _at_version(engagement_id)
    programme = team.programme_of(engagement)
    form = pages.submitted("report", forms.report_form_class(programme)())
    pages.validate(form)
    sections = {
        s.key: (form[forms.section_field(s.key)].data or "").strip()
        for s in programme.report.sections
    }
    record.save_report(engagement, current_user, sections)
    flash(_("The report is saved."), "success")
    return _back(engagement_id, "#report")


@bp.post("/<int:engagement_id>/submit")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def submit_report(engagement_id: int):
    conclusion.submit_report(_at_version(engagement_id), current_user)
    flash(_("The report is submitted; the enterprise and the authority are told."), "success")
    return _back(engagement_id)


@bp.post("/<int:engagement_id>/present")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def present(engagement_id: int):
    engagement = _at_version(engagement_id)
    form = pages.submitted("present", forms.PresentForm())
    pages.validate(form)
    started, ended = form.started_at.data, form.ended_at.data
    if started is None or ended is None:
        pages.refuse(form.started_at, _("Give the start and the end."))
    try:
        conclusion.present(
            engagement,
            current_user,
            started_at=started,
            ended_at=ended,
            attendees=(form.attendees.data or "").strip(),
            outcome=(form.outcome.data or "").strip(),
        )
    except Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    flash(_("Presented; the enterprise is asked for its survey."), "success")
    return _back(engagement_id)


@bp.post("/<int:engagement_id>/survey")
@requires(Permission.DIAGNOSIS_VIEW)
@pages.on_page(view_page)
def survey(engagement_id: int):
    engagement = _at_version(engagement_id)
    programme = team.programme_of(engagement)
    form = pages.submitted("survey", forms.survey_form_class(programme)())
    pages.validate(form)
    conclusion.survey(
        engagement,
        current_user,
        ratings={
            c.key: SurveyRating(form[forms.rating_field(c.key)].data)
            for c in programme.satisfaction.criteria
        },
        verdict=SurveyVerdict(form["verdict"].data),
        adoption=Adoption(form["adoption"].data),
        comment=(form["comment"].data or "").strip(),
    )
    flash(_("Thank you: the survey is sent to the authority."), "success")
    return _back(engagement_id)


@bp.post("/<int:engagement_id>/decide")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(view_page)
def decide(engagement_id: int):
    engagement = _at_version(engagement_id)
    form = pages.submitted("decision", forms.DecisionForm())
    pages.validate(form)
    conclusion.decide(engagement, current_user, form.decision.data or "", form.opinion.data or "")
    flash(_("The decision is recorded; the provider and the enterprise are told."), "success")
    return _back(engagement_id)


@bp.post("/<int:engagement_id>/indicators")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def verify_indicators(engagement_id: int):
    engagement = _at_version(engagement_id)
    form = pages.submitted("indicators", forms.indicator_form(indicators.rows(engagement), True))
    pages.validate(form)
    indicators.save(engagement, current_user, form.values())
    flash(_("The verified indicators are saved."), "success")
    return _back(engagement_id, "#indicators")


@bp.route("/<int:engagement_id>/sme-level", methods=["GET", "POST"])
@requires(Permission.DIAGNOSIS_PROVIDE)
def grade_on_site(engagement_id: int):
    """The SME digital level graded at the enterprise, from the self-evaluation's figures."""
    engagement = services.get_or_404(engagement_id)
    record.editable(engagement, current_user)
    if not grading.graded_by_sme_level(engagement):
        abort(404)
    table = sme_level.table(evaluations.TABLE_KEY)
    first_visit = request.method == "GET"
    start_from = (grading.on_site(engagement) or evaluations.latest_of(engagement.enterprise_id)
                  if first_visit else None)  # fmt: skip
    form = sme_forms.evaluation_form(table, previous=start_from)
    del form.pledge  # the evaluator signs by recording; the pledge is the enterprise's
    if first_visit:
        form.after_number.data = str(grading.latest_number(engagement))
    if form.validate_on_submit():
        grading.record_on_site(engagement, current_user, form.points(), form.levels(),
                               form.after())  # fmt: skip
        flash(_("The on-site evaluation is recorded."), "success")
        return _back(engagement_id, "#sme-level")
    return render_template(
        "diagnosis/sme_level_form.html",
        form=form,
        table=table,
        points_field=sme_forms.points_field,
        level_field=sme_forms.level_field,
        heading=_("On-site evaluation of %(org)s", org=engagement.enterprise.name),
        cancel_url=url_for("engagements.view", engagement_id=engagement_id),
    ), status_of(form)


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


@bp.get("/<int:engagement_id>/report.pdf")
@requires(Permission.DIAGNOSIS_VIEW)
def report_pdf(engagement_id: int):
    engagement = services.get_or_404(engagement_id)
    return pdf_response(report.report_pdf(engagement), f"diagnosis-report-{engagement_id}.pdf")


@bp.post("/<int:engagement_id>/activities/<int:activity_id>/remove")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def remove_activity(engagement_id: int, activity_id: int):
    engagement = _at_version(engagement_id)
    pages.validate(pages.submitted("removal", forms.RemoveRecordForm()))
    record.remove_activity(engagement, current_user, activity_id)
    flash(_("Removed from the record."), "success")
    return _back(engagement_id, "#record")


@bp.post("/<int:engagement_id>/files/<int:file_id>/remove")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def remove_file(engagement_id: int, file_id: int):
    engagement = _at_version(engagement_id)
    pages.validate(pages.submitted("removal", forms.RemoveRecordForm()))
    record.remove_file(engagement, current_user, file_id)
    flash(_("Removed from the record."), "success")
    return _back(engagement_id, "#record")
