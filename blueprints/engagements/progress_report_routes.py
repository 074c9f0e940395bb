"""The providers' progress reports: the list a provider sends from and an authority receives
in (with where each provider stands: the last period reported, the next one due), one
report's page, and the list in Excel."""

from __future__ import annotations

import functools

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import pages
from app.clock import local_today
from app.excel import xlsx_response
from app.forms import filters_of, options
from app.pagination import paginate
from app.security.permissions import Permission, has_permission, requires
from blueprints.diagnosis import programmes
from blueprints.engagements import exports, forms
from blueprints.engagements import progress_reports as reports
from blueprints.engagements.changes import Refused
from blueprints.engagements.routes import bp
from models import ActivityKind, EngagementStatus

__all__ = ["bp"]


def _party() -> None:
    """Providers and authorities report and read; an enterprise has no reports."""
    if not (
        has_permission(current_user, Permission.DIAGNOSIS_PROVIDE)
        or has_permission(current_user, Permission.DIAGNOSIS_MANAGE)
        or has_permission(current_user, Permission.ALL_ORGS_VIEW)
    ):
        abort(403)


def _filters() -> tuple[forms.ReportFilterForm, dict]:
    form = forms.ReportFilterForm(request.args)
    values = filters_of(form)
    return form, {"programme": values.get("programme") or "", "q": (values.get("q") or "").strip()}


def _targets(standing: list[reports.Standing]) -> list:
    locale = get_locale()
    return options(
        [(s.choice, f"{s.programme.title.get(locale)} · {s.authority}") for s in standing]
    )


def reports_page(conflict: str | None = None, **_view_args: object) -> str:
    _party()
    filter_form, filters = _filters()
    providing = has_permission(current_user, Permission.DIAGNOSIS_PROVIDE)
    org = current_user.organisation_id or 0
    standing = reports.of_provider(org) if providing else reports.of_authority(org)
    form = None
    if providing and standing:
        form = pages.kept("progress_report")
        if form is None:
            # The next period of the report most overdue, from the day after the last one.
            first = min(standing, key=lambda s: s.due)
            form = forms.ProgressReportForm(
                formdata=None,
                target=first.choice,
                period_start=first.next_from,
                period_end=min(local_today(), first.due),
            )
        form.target.choices = _targets(standing)
    return render_template(
        "engagements/progress_reports.html",
        page=paginate(reports.listed(current_user, **filters), rows=True),
        filter_form=filter_form,
        filters=filters,
        standing=standing,
        providing=providing,
        form=form,
        today=local_today(),
        due_now=any(s.due <= local_today() for s in standing),
        programmes=programmes.load_all(),
        conflict=conflict,
    )


@bp.get("/progress-reports")
@requires(Permission.DIAGNOSIS_VIEW)
def progress_reports():
    return reports_page()


@bp.post("/progress-reports")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(reports_page)
def submit_progress_report():
    form = pages.submitted("progress_report", forms.ProgressReportForm())
    form.target.choices = _targets(reports.of_provider(current_user.organisation_id or 0))
    pages.validate(form)
    start, end = form.period_start.data, form.period_end.data
    if start is None or end is None:  # InputRequired refuses them; for the type checker
        pages.refuse(form.period_start, _("Give the period."))
    try:
        report = reports.submit(current_user, form.target.data or "", start, end,
                                form.summary.data or "")  # fmt: skip
    except Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    flash(_("Reported: the authority is told."), "success")
    return redirect(url_for("engagements.progress_report", report_id=report.id))


@bp.get("/progress-reports/<int:report_id>")
@requires(Permission.DIAGNOSIS_VIEW)
def progress_report(report_id: int):
    report = reports.get_or_404(current_user, report_id)
    return render_template(
        "engagements/progress_report.html",
        report=report,
        programme=programmes.programme(report.programme_key),
        statuses=list(EngagementStatus),
        activities=list(ActivityKind),
    )


@bp.get("/progress-reports.xlsx")
@requires(Permission.DIAGNOSIS_VIEW)
def progress_reports_xlsx():
    _party()
    _form, filters = _filters()
    query = reports.listed(current_user, **filters)
    return xlsx_response(functools.partial(exports.reports_xlsx, query), "progress-reports.xlsx")
