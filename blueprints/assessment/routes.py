"""Self-assessment pages: list, fill in (one page per section), submit, report, review."""

from __future__ import annotations

import functools
from itertools import groupby

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, workflow
from app.clock import local_today
from app.excel import xlsx_response
from app.input_boundary import version_field
from app.list_exports import list_export
from app.lists import list_xlsx
from app.pagination import paginate
from app.pdf_layout import pdf_response
from app.security.access import get_assessment_or_404, region_prefix
from app.security.permissions import Permission, has_permission, requires
from blueprints.assessment import (
    benchmarks,
    exports,
    forms,
    own_list,
    queue_list,
    region_list,
    score_counts,
    services,
)
from blueprints.assessment.report import build_report
from blueprints.assessment.scoring import FIELD_PREFIX, validate_all
from models import AssessmentStatus, EnterpriseTag

bp = Blueprint("assessment", __name__, url_prefix="/assessments", template_folder="templates")
# The reports compare against counts that every flush keeps in step with the assessments.
bp.record_once(lambda _state: score_counts.listen())


def index_page(conflict: str | None = None, **_view_args: object) -> str:
    org = current_user.organisation
    # Whether one may start reads every assessment of the enterprise (a few a year); the
    # table shows the page the filters give.
    can_start, campaign = services.may_start(org, services.assessments_of(org))
    listed = own_list.asked(org, request.args)
    return render_template(
        "assessment/index.html",
        page=paginate(listed.query),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        year=services.current_year(),
        can_start=can_start,
        campaign=campaign,
        gate=services.has_valid_assessment(org.id),
        conflict=conflict,
    )


@bp.get("/")
@requires(Permission.ASSESSMENT_FILL)
def index():
    return index_page()


@bp.get("/export.xlsx")
@requires(Permission.ASSESSMENT_FILL)
def index_xlsx():
    """The enterprise's own list in Excel: the rows its filters give, across all pages."""
    return list_xlsx(
        own_list.asked(current_user.organisation, request.args).query,
        header=[column.title for column in own_list.COLUMNS],
        rows=own_list.rows_of,
        sheet=_("Self-assessments"),
        title=f"{current_user.organisation.name} — {_('Self-assessments')}",
        filename=f"self-assessments-{local_today().isoformat()}.xlsx",
    )


@bp.post("/start")
@requires(Permission.ASSESSMENT_FILL)
@pages.on_page(index_page)
def start():
    assessment = services.start(current_user.organisation, current_user)
    first = services.questionnaire_of(assessment).sections[0].key
    return redirect(url_for("assessment.fill", assessment_id=assessment.id, section_key=first))


def _raw_values(questionnaire, answers) -> dict:
    """Stored answers as the strings a form shows (so one template serves both cases)."""
    raw: dict[str, str | list[str]] = {}
    for question in questionnaire.questions:
        if question.key not in answers:
            continue
        value = answers[question.key]
        if isinstance(value, bool):
            raw[question.key] = "yes" if value else "no"
        elif isinstance(value, list):
            raw[question.key] = [str(v) for v in value]
        elif isinstance(value, float) and value.is_integer() and question.type == "number":
            raw[question.key] = str(int(value))
        else:
            raw[question.key] = str(value)
    return raw


def _submitted_values(section) -> dict:
    values = {}
    for question in section.questions:
        name = FIELD_PREFIX + question.key
        values[question.key] = (
            request.form.getlist(name)
            if question.type == "multiple"
            else request.form.get(name, "")
        )
    return values


@bp.route("/<int:assessment_id>/fill/<section_key>", methods=["GET", "POST"])
@requires(Permission.ASSESSMENT_FILL)
def fill(assessment_id: int, section_key: str):
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_FILL)
    if not assessment.is_editable:
        return redirect(url_for("assessment.report", assessment_id=assessment.id))
    questionnaire = services.questionnaire_of(assessment)
    keys = [s.key for s in questionnaire.sections]
    if section_key not in keys:
        abort(404)
    section = questionnaire.section(section_key)
    position = keys.index(section_key)
    errors: dict[str, str] = {}
    values = _raw_values(questionnaire, assessment.answers)
    if request.method == "POST":
        errors = services.save_section(assessment, section_key, request.form)
        if not errors:
            flash(_("Your answers have been saved."), "success")
            move = request.form.get("move")
            if move == "next" and position + 1 < len(keys):
                target = url_for(
                    "assessment.fill", assessment_id=assessment.id, section_key=keys[position + 1]
                )
            elif move == "next":
                target = url_for("assessment.confirm", assessment_id=assessment.id)
            elif move == "previous" and position > 0:
                target = url_for(
                    "assessment.fill", assessment_id=assessment.id, section_key=keys[position - 1]
                )
            else:
                target = request.path
            return redirect(target)
        values.update(_submitted_values(section))
        flash(
            _("Please correct the highlighted answers; nothing on this page was saved."), "danger"
        )
    answered, required = services.progress(questionnaire, assessment.answers)
    return render_template(
        "assessment/fill.html",
        assessment=assessment,
        questionnaire=questionnaire,
        section=section,
        position=position,
        values=values,
        errors=errors,
        answered=answered,
        required=required,
        complete={
            s.key: services.section_complete(questionnaire, s.key, assessment.answers)
            for s in questionnaire.sections
        },
        locale=str(get_locale() or "zh"),
    ), (422 if errors else 200)


def _confirm_html(assessment, conflict: str | None = None) -> str:
    questionnaire = services.questionnaire_of(assessment)
    return render_template(
        "assessment/confirm.html",
        assessment=assessment,
        questionnaire=questionnaire,
        errors=validate_all(questionnaire, assessment.answers),
        values=_raw_values(questionnaire, assessment.answers),
        locale=str(get_locale() or "zh"),
        form=pages.kept("submit") or forms.SubmitForm(formdata=None),
        conflict=conflict,
    )


def confirm_page(assessment_id: int, conflict: str | None = None, **_view_args: object):
    """The answers to check, with the submission's confirmation; none once submitted."""
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_FILL)
    return _confirm_html(assessment, conflict) if assessment.is_editable else None


@bp.get("/<int:assessment_id>/confirm")
@requires(Permission.ASSESSMENT_FILL)
def confirm(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_FILL)
    if not assessment.is_editable:
        return redirect(url_for("assessment.report", assessment_id=assessment.id))
    return _confirm_html(assessment)


@bp.post("/<int:assessment_id>/submit")
@requires(Permission.ASSESSMENT_FILL)
@pages.on_page(confirm_page)
def submit(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_FILL)
    form = pages.submitted("submit", forms.SubmitForm())
    workflow.expect_version(assessment, version_field())
    # The state, party and guards (a complete questionnaire) first: 409 whatever the form holds.
    workflow.begin(services.TRANSITIONS, assessment, "submit", assessment.status, current_user)
    pages.validate(form)
    services.perform(assessment, "submit", current_user)
    flash(_("Your self-assessment has been submitted."), "success")
    return redirect(url_for("assessment.report", assessment_id=assessment.id))


def _report_html(assessment, conflict: str | None = None) -> str:
    decisions = [
        option
        for option in workflow.options(
            services.TRANSITIONS, assessment, assessment.status, current_user
        )
        if option.name in forms.DECISIONS
    ]
    data = build_report(assessment)
    # In the file's order (digitalisation, networking, …), which Jinja's groupby would re-sort.
    groups = [
        (direction, list(rows))
        for direction, rows in groupby(data.indicators, key=lambda i: i.direction)
    ]
    return render_template(
        "assessment/report.html",
        assessment=assessment,
        data=data,
        indicator_groups=groups,
        benchmark_state=_benchmark_state(assessment),
        decisions=decisions,
        review_form=(pages.kept("decision") or forms.ReviewForm(formdata=None))
        if decisions
        else None,
        events=assessment.events,
        conflict=conflict,
    )


def _benchmark_state(assessment) -> dict | None:
    """What an authority of the region sees about naming the enterprise a benchmark."""
    if not has_permission(current_user, Permission.REGION_STATISTICS_VIEW):
        return None
    existing = benchmarks.mark_of(assessment)
    if existing is None and not benchmarks.may_mark(assessment, current_user.organisation):
        return None
    form = pages.kept("benchmark") or forms.BenchmarkForm(formdata=None)
    return {"mark": existing, "form": form}


def report_page(assessment_id: int, conflict: str | None = None, **_view_args: object):
    """The report, with the authority's decision form when the table offers it; none for a
    draft (it has no report yet)."""
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_VIEW)
    if assessment.status == AssessmentStatus.DRAFT:
        return None
    return _report_html(assessment, conflict)


@bp.get("/<int:assessment_id>")
@requires(Permission.ASSESSMENT_VIEW)
def report(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_VIEW)
    if assessment.status == AssessmentStatus.DRAFT:
        first = services.questionnaire_of(assessment).sections[0].key
        return redirect(url_for("assessment.fill", assessment_id=assessment.id, section_key=first))
    return _report_html(assessment)


def _export(assessment_id: int, kind: str) -> Response:
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_VIEW)
    if assessment.status == AssessmentStatus.DRAFT:
        abort(404)
    locale = str(get_locale() or "zh")
    filename = f"self-assessment-{assessment.year}-{assessment.organisation.credit_code}."
    with force_locale(locale):
        data = build_report(assessment)
        if kind == "xlsx":
            return xlsx_response(functools.partial(exports.report_xlsx, data), filename + "xlsx")
        pdf = exports.report_pdf(data)
    return pdf_response(pdf, filename + "pdf")


@bp.get("/<int:assessment_id>/report.pdf")
@requires(Permission.ASSESSMENT_VIEW)
def report_pdf(assessment_id: int):
    return _export(assessment_id, "pdf")


@bp.get("/<int:assessment_id>/report.xlsx")
@requires(Permission.ASSESSMENT_VIEW)
def report_xlsx(assessment_id: int):
    return _export(assessment_id, "xlsx")


@bp.post("/<int:assessment_id>/decision")
@requires(Permission.ASSESSMENT_REVIEW)
@pages.on_page(report_page)
def decide(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_REVIEW)
    form = pages.submitted("decision", forms.ReviewForm())
    decision = form.decision.data or ""
    if decision not in forms.DECISIONS:
        abort(400)  # a button's value, not something a person types
    workflow.expect_version(assessment, version_field())
    # The state and who first: an impossible decision is a 409 whatever the form holds.
    workflow.begin(services.TRANSITIONS, assessment, decision, assessment.status, current_user)
    pages.validate(form)
    services.perform(assessment, decision, current_user, form.comment.data or "")
    flash(
        _("The self-assessment has been approved.")
        if decision == "approve"
        else _("The self-assessment has been returned to the enterprise."),
        "success",
    )
    return redirect(url_for("assessment.queue"))


@bp.get("/queue")
@requires(Permission.ASSESSMENT_REVIEW)
def queue():
    listed = queue_list.asked(current_user.organisation, request.args)
    return render_template(
        "assessment/queue.html",
        page=paginate(listed.query),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
    )


@bp.route("/queue.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.ASSESSMENT_REVIEW)
def queue_xlsx():
    """The queue's Excel: the rows its filters give, in its sort, across all pages."""
    return list_xlsx(
        queue_list.asked(current_user.organisation, request.args).query,
        header=[column.title for column in queue_list.COLUMNS],
        rows=queue_list.rows_of,
        sheet=_("Review queue"),
        title=f"{current_user.organisation.name} — {_('Review queue')}",
        filename=f"review-queue-{local_today().isoformat()}.xlsx",
    )


def _region_list() -> tuple[str, region_list.Filters, sa.Select, str]:
    authority = current_user.organisation
    prefix = region_prefix(authority.region_code)
    if not prefix:
        abort(404)
    filters = region_list.Filters.from_request(prefix)
    query, sort = region_list.sorted_as_asked(region_list.of_region(prefix, filters))
    return prefix, filters, query, sort


@bp.get("/region")
@requires(Permission.ASSESSMENT_REVIEW)
def region():
    """The self-assessments of the authority's region, read only."""
    prefix, filters, query, sort = _region_list()
    return render_template(
        "assessment/region.html",
        page=paginate(query, rows=True, count_at_most=region_list.COUNT_AT_MOST),
        filters=filters,
        given=region_list.given(filters, sort),
        sort=sort,
        within=prefix,
        campaigns=region_list.campaigns_over(current_user.organisation.region),
        statuses=region_list.SHOWN,
        stages=region_list.stage_titles(),
        tags=list(EnterpriseTag),
    )


@bp.route("/region.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.ASSESSMENT_REVIEW)
def region_xlsx():
    _prefix, _filters, query, _sort = _region_list()
    return list_xlsx(
        query,
        header=region_list.header(),
        rows=region_list.rows_of(region_list.stage_titles()),
        sheet=_("Self-assessments"),
        title=f"{current_user.organisation.name} — {_('Self-assessments')}",
        filename=f"self-assessments-{current_user.organisation.region_code}.xlsx",
        scalars=False,
        chunk=region_list.CHUNK,
        formats=region_list.FORMATS,
    )


@bp.post("/<int:assessment_id>/benchmark")
@requires(Permission.REGION_STATISTICS_VIEW)
@pages.on_page(report_page)
def mark_benchmark(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_VIEW)
    form = pages.submitted("benchmark", forms.BenchmarkForm())
    pages.validate(form)
    benchmarks.mark(assessment, current_user, (form.note.data or "").strip())
    flash(_("The enterprise is named a benchmark enterprise."), "success")
    return redirect(url_for("assessment.report", assessment_id=assessment.id))


@bp.post("/<int:assessment_id>/benchmark/withdraw")
@requires(Permission.REGION_STATISTICS_VIEW)
@pages.on_page(report_page)
def unmark_benchmark(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_VIEW)
    benchmarks.unmark(assessment, current_user)
    flash(_("The enterprise is no longer a benchmark enterprise."), "success")
    return redirect(url_for("assessment.report", assessment_id=assessment.id))
