"""Self-assessment pages: list, fill in (one page per section), submit, report, review."""

from __future__ import annotations

from itertools import groupby

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

from app import workflow
from app.errors import WorkflowError
from app.input_boundary import version_field
from app.pagination import paginate
from app.security.access import get_assessment_or_404
from app.security.permissions import Permission, has_permission, requires
from blueprints.assessment import exports, services
from blueprints.assessment.report import build_report
from blueprints.assessment.scoring import FIELD_PREFIX, validate_all
from models import AssessmentStatus

bp = Blueprint("assessment", __name__, url_prefix="/assessments", template_folder="templates")


@bp.get("/")
@requires(Permission.ASSESSMENT_FILL)
def index():
    org = current_user.organisation
    assessments = services.assessments_of(org)
    year = services.current_year()
    return render_template(
        "assessment/index.html",
        assessments=assessments,
        year=year,
        can_start=all(a.year != year for a in assessments),
        gate=services.has_valid_assessment(org.id),
    )


@bp.post("/start")
@requires(Permission.ASSESSMENT_FILL)
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
    )


@bp.get("/<int:assessment_id>/confirm")
@requires(Permission.ASSESSMENT_FILL)
def confirm(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_FILL)
    if not assessment.is_editable:
        return redirect(url_for("assessment.report", assessment_id=assessment.id))
    questionnaire = services.questionnaire_of(assessment)
    return render_template(
        "assessment/confirm.html",
        assessment=assessment,
        questionnaire=questionnaire,
        errors=validate_all(questionnaire, assessment.answers),
        values=_raw_values(questionnaire, assessment.answers),
        locale=str(get_locale() or "zh"),
    )


@bp.post("/<int:assessment_id>/submit")
@requires(Permission.ASSESSMENT_FILL)
def submit(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_FILL)
    workflow.expect_version(assessment, version_field())
    if request.form.get("confirm") != "y":
        raise WorkflowError(_("Tick the confirmation box to submit."))
    services.perform(assessment, "submit", current_user)
    flash(_("Your self-assessment has been submitted."), "success")
    return redirect(url_for("assessment.report", assessment_id=assessment.id))


@bp.get("/<int:assessment_id>")
@requires(Permission.ASSESSMENT_VIEW)
def report(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_VIEW)
    if assessment.status == AssessmentStatus.DRAFT:
        first = services.questionnaire_of(assessment).sections[0].key
        return redirect(url_for("assessment.fill", assessment_id=assessment.id, section_key=first))
    can_decide = (
        has_permission(current_user, Permission.ASSESSMENT_REVIEW)
        and assessment.reviewer_id == current_user.organisation_id
    )
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
        can_decide=can_decide,
        events=assessment.events,
    )


def _export(assessment_id: int, kind: str) -> Response:
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_VIEW)
    if assessment.status == AssessmentStatus.DRAFT:
        abort(404)
    locale = str(get_locale() or "zh")
    with force_locale(locale):
        data = build_report(assessment)
        body = exports.report_pdf(data) if kind == "pdf" else exports.report_xlsx(data)
    mimetype = (
        "application/pdf"
        if kind == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = Response(body, mimetype=mimetype)
    filename = f"self-assessment-{assessment.year}-{assessment.organisation.credit_code}.{kind}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


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
def decide(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, Permission.ASSESSMENT_REVIEW)
    decision = request.form.get("decision")
    if decision not in {"approve", "return"}:
        abort(400)
    comment = (request.form.get("comment") or "")[:2000]
    workflow.expect_version(assessment, version_field())
    services.perform(assessment, decision, current_user, comment)
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
    page = paginate(services.review_queue(current_user.organisation))
    return render_template("assessment/queue.html", page=page)
