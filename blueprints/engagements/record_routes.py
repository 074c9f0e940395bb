"""The engagement's record and close, on the engagement blueprint: meetings and visits with
their photos, the 24 indicators, the on-site SME grading, the report and its PDF, the
presentation, the survey and the acceptance; removing what was recorded by mistake."""

from __future__ import annotations

from flask import abort, flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, uploads, workflow
from app.input_boundary import version_field
from app.pages import status_of
from app.pdf_layout import pdf_response
from app.security.permissions import Permission, requires
from blueprints.diagnosis import forms as sme_forms
from blueprints.diagnosis import services as evaluations
from blueprints.diagnosis import sme_level
from blueprints.engagements import conclusion, forms, grading, indicators, record, services, team
from blueprints.engagements import report_pdf as report
from blueprints.engagements.changes import Refused
from blueprints.engagements.routes import back_to, bp, view_page
from models import ActivityKind, Adoption, SurveyRating, SurveyVerdict

__all__ = ["bp"]


def at_version(engagement_id: int):
    engagement = services.get_or_404(engagement_id)
    workflow.expect_version(engagement, version_field())
    return engagement


@bp.post("/<int:engagement_id>/activities")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def record_activity(engagement_id: int):
    engagement = at_version(engagement_id)
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
    return back_to(engagement_id, "#record")


@bp.post("/<int:engagement_id>/activities/<int:activity_id>/photos")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def add_photo(engagement_id: int, activity_id: int):
    engagement = at_version(engagement_id)
    g.photo_activity = activity_id
    form = pages.submitted("photo", forms.PhotoForm())
    form.category.choices = forms.photo_categories(team.programme_of(engagement))
    pages.validate(form)
    try:
        record.add_photo(engagement, current_user, activity_id, form.category.data or "",
                         form.photo.data)  # fmt: skip
    except Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    return back_to(engagement_id, f"#activity-{activity_id}")


@bp.get("/<int:engagement_id>/files/<int:file_id>")
@requires(Permission.DIAGNOSIS_VIEW)
def download(engagement_id: int, file_id: int):
    found = services.file_of(services.get_or_404(engagement_id), file_id)
    return uploads.send(found.stored_name, found.original_name, found.content_type)


@bp.post("/<int:engagement_id>/report")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def save_report(engagement_id: int):
    engagement = at_version(engagement_id)
    programme = team.programme_of(engagement)
    form = pages.submitted("report", forms.report_form_class(programme)())
    pages.validate(form)
    sections = {
        s.key: (form[forms.section_field(s.key)].data or "").strip()
        for s in programme.report.sections
    }
    record.save_report(engagement, current_user, sections)
    flash(_("The report is saved."), "success")
    return back_to(engagement_id, "#report")


@bp.post("/<int:engagement_id>/submit")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def submit_report(engagement_id: int):
    conclusion.submit_report(at_version(engagement_id), current_user)
    flash(_("The report is submitted; the enterprise and the authority are told."), "success")
    return back_to(engagement_id)


@bp.post("/<int:engagement_id>/present")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def present(engagement_id: int):
    engagement = at_version(engagement_id)
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
    return back_to(engagement_id)


@bp.post("/<int:engagement_id>/survey")
@requires(Permission.DIAGNOSIS_VIEW)
@pages.on_page(view_page)
def survey(engagement_id: int):
    engagement = at_version(engagement_id)
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
    return back_to(engagement_id)


@bp.post("/<int:engagement_id>/decide")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(view_page)
def decide(engagement_id: int):
    engagement = at_version(engagement_id)
    form = pages.submitted("decision", forms.DecisionForm())
    pages.validate(form)
    conclusion.decide(engagement, current_user, form.decision.data or "", form.opinion.data or "")
    flash(_("The decision is recorded; the provider and the enterprise are told."), "success")
    return back_to(engagement_id)


@bp.post("/<int:engagement_id>/indicators")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def verify_indicators(engagement_id: int):
    engagement = at_version(engagement_id)
    form = pages.submitted("indicators", forms.indicator_form(indicators.rows(engagement), True))
    pages.validate(form)
    indicators.save(engagement, current_user, form.values())
    flash(_("The verified indicators are saved."), "success")
    return back_to(engagement_id, "#indicators")


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
        return back_to(engagement_id, "#sme-level")
    return render_template(
        "diagnosis/sme_level_form.html",
        form=form,
        table=table,
        points_field=sme_forms.points_field,
        level_field=sme_forms.level_field,
        heading=_("On-site evaluation of %(org)s", org=engagement.enterprise.name),
        cancel_url=url_for("engagements.view", engagement_id=engagement_id),
    ), status_of(form)


@bp.get("/<int:engagement_id>/report.pdf")
@requires(Permission.DIAGNOSIS_VIEW)
def report_pdf(engagement_id: int):
    engagement = services.get_or_404(engagement_id)
    return pdf_response(report.report_pdf(engagement), f"diagnosis-report-{engagement_id}.pdf")


@bp.post("/<int:engagement_id>/activities/<int:activity_id>/remove")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def remove_activity(engagement_id: int, activity_id: int):
    engagement = at_version(engagement_id)
    pages.validate(pages.submitted("removal", forms.RemoveRecordForm()))
    record.remove_activity(engagement, current_user, activity_id)
    flash(_("Removed from the record."), "success")
    return back_to(engagement_id, "#record")


@bp.post("/<int:engagement_id>/files/<int:file_id>/remove")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(view_page)
def remove_file(engagement_id: int, file_id: int):
    engagement = at_version(engagement_id)
    pages.validate(pages.submitted("removal", forms.RemoveRecordForm()))
    record.remove_file(engagement, current_user, file_id)
    flash(_("Removed from the record."), "success")
    return back_to(engagement_id, "#record")
