"""A reform project's review, on the reform blueprint: the city names the evaluation body and
the audit firm, the body grades on site (its own page: the SME level table) and its expert
group records the acceptance opinion, the county adds its opinion, the audit firm files the
special audit report; and the files of each."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, uploads
from app.input_boundary import version_field
from app.security.permissions import Permission, requires
from blueprints.diagnosis import forms as sme_forms
from blueprints.diagnosis import services as evaluations
from blueprints.diagnosis import sme_level
from blueprints.reform import review, review_forms, review_page, services
from blueprints.reform.routes import _day, _int_or_none, back_to, bp, view_page
from models import AcceptanceVerdict

__all__ = ["bp"]


@bp.post("/<int:project_id>/third-parties")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(view_page)
def appoint(project_id: int):
    project = services.project_or_404(project_id, current_user)
    form = pages.submitted("appoint", review_forms.AppointForm())
    review_page.fill_appoint_choices(form)
    pages.validate(form)
    review.appoint(
        project,
        current_user,
        _int_or_none(form.body.data),
        _int_or_none(form.firm.data),
        version_field(),
    )
    flash(_("The third parties are named and told."), "success")
    return back_to(project_id, "#review")


# --- the grading -----------------------------------------------------------------------------


def grading_page(project_id: int, conflict: str | None = None, **_view_args: object) -> str:
    project = services.project_or_404(project_id, current_user)
    table = sme_level.table(evaluations.TABLE_KEY)
    form = pages.kept("grading")
    if form is None:
        before = review.grade_before(project)
        form = review_forms.grading_form(table, previous=before)
        form.after_number.data = str(review.latest_reform_number(project))
    return render_template(
        "reform/grading.html",
        project=project,
        form=form,
        table=table,
        points_field=sme_forms.points_field,
        level_field=sme_forms.level_field,
        refusal=review.grading_refusal(project, current_user),
        conflict=conflict,
    )


@bp.get("/<int:project_id>/grading")
@requires(Permission.REFORM_GRADE)
def grading(project_id: int):
    return grading_page(project_id)


@bp.post("/<int:project_id>/grading")
@requires(Permission.REFORM_GRADE)
@pages.on_page(grading_page)
def grade(project_id: int):
    project = services.project_or_404(project_id, current_user)
    table = sme_level.table(evaluations.TABLE_KEY)
    form = pages.submitted("grading", review_forms.grading_class(table)())
    del form.pledge
    pages.validate(form)
    review.record_grading(
        project,
        current_user,
        form.points(),
        form.levels(),
        review.GradingFacts(_day(form.graded_on), form.systems_checked.data or ""),
        form.report.data,
        after=form.after(),
        version=version_field(),
    )
    flash(_("The grading is recorded; the enterprise and the authorities are told."), "success")
    return back_to(project_id, "#review")


# --- the acceptance --------------------------------------------------------------------------


@bp.post("/<int:project_id>/acceptance")
@requires(Permission.REFORM_GRADE)
@pages.on_page(view_page)
def acceptance(project_id: int):
    project = services.project_or_404(project_id, current_user)
    form = pages.submitted("acceptance", review_forms.AcceptanceForm())
    pages.validate(form)
    review.record_acceptance(
        project,
        current_user,
        review.AcceptanceFacts(
            members=review.members_of(form.members.data or ""),
            reviewed_on=_day(form.reviewed_on),
            site_checked_on=_day(form.site_checked_on),
            verdict=AcceptanceVerdict(form.verdict.data),
            opinion=form.opinion.data or "",
            corrections=form.corrections.data or "",
        ),
        form.signed.data,
        version_field(),
    )
    flash(_("The acceptance opinion is recorded: the county authority gives its own."), "success")
    return back_to(project_id, "#review")


@bp.post("/<int:project_id>/acceptance/county")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(view_page)
def county_opinion(project_id: int):
    project = services.project_or_404(project_id, current_user)
    form = pages.submitted("county", review_forms.CountyOpinionForm())
    pages.validate(form)
    review.record_county_opinion(
        project,
        current_user,
        form.opinion.data or "",
        version_field(),
        agrees=form.agrees.data != review_forms.DISAGREE,
    )
    flash(_("The county authority's opinion is recorded and every party is told."), "success")
    return back_to(project_id, "#review")


# --- the special audit report ----------------------------------------------------------------


@bp.post("/<int:project_id>/audit-reports")
@requires(Permission.REFORM_AUDIT)
@pages.on_page(view_page)
def audit_report(project_id: int):
    project = services.project_or_404(project_id, current_user)
    form = pages.submitted("audit", review_forms.AuditReportForm())
    pages.validate(form)
    review.file_audit_report(
        project,
        current_user,
        review.AuditFacts(
            _day(form.reported_on),
            form.eligible_cost.data or Decimal(0),
            form.conclusion.data or "",
        ),
        form.report.data,
        version_field(),
    )
    flash(_("The special audit report is filed; the city and the enterprise are told."), "success")
    return back_to(project_id, "#review")


# --- the files -------------------------------------------------------------------------------


@bp.get("/gradings/<int:grading_id>/report")
@requires(Permission.REFORM_VIEW)
def grading_report(grading_id: int):
    found = review.grading_or_404(grading_id, current_user)
    return uploads.send(found.stored_name, found.original_name, found.content_type)


@bp.get("/acceptances/<int:acceptance_id>/file")
@requires(Permission.REFORM_VIEW)
def acceptance_file(acceptance_id: int):
    found = review.acceptance_or_404(acceptance_id, current_user)
    return uploads.send(found.stored_name, found.original_name, found.content_type)


@bp.get("/audit-reports/<int:report_id>/file")
@requires(Permission.REFORM_VIEW)
def audit_report_file(report_id: int):
    found = review.audit_or_404(report_id, current_user)
    return uploads.send(found.stored_name, found.original_name, found.content_type)
