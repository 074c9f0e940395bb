"""The enterprise's SME digital level (2024 edition): its evaluations, a new one, and each
explained against the grades of table 6."""

from __future__ import annotations

import functools

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.clock import local_today
from app.excel import xlsx_response
from app.lists import list_xlsx
from app.pages import status_of
from app.pagination import paginate
from app.pdf_layout import pdf_response
from app.security.permissions import Permission, requires
from blueprints.diagnosis import evaluation_list, exports, forms, services, sme_level
from models import SmeLevelEvaluation

bp = Blueprint("diagnosis", __name__, url_prefix="/diagnosis", template_folder="templates")


@bp.get("/sme-level")
@requires(Permission.SME_LEVEL_EVALUATE)
def sme_level_page():
    listed = evaluation_list.asked(current_user.organisation_id, request.args)
    page = paginate(listed.query)
    # The latest whatever the filters: the card above the list.
    latest = services.latest_of(current_user.organisation_id)
    return render_template(
        "diagnosis/sme_level.html",
        page=page,
        latest=latest,
        grading=services.grading_of(latest) if latest else None,
        table=sme_level.table(services.TABLE_KEY),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
    )


@bp.get("/sme-level.xlsx")
@requires(Permission.SME_LEVEL_EVALUATE)
def sme_level_list_xlsx():
    """The evaluations in Excel: the rows the filters give, in their sort, across all pages
    (an enterprise's own: a few a year, never a background export)."""
    return list_xlsx(
        evaluation_list.asked(current_user.organisation_id, request.args).query,
        header=[column.title for column in evaluation_list.COLUMNS],
        rows=evaluation_list.rows_of,
        sheet=_("Digital level"),
        title=f"{current_user.organisation.name} — {_('Digital level')}",
        filename=f"sme-level-{local_today().isoformat()}.xlsx",
    )


@bp.route("/sme-level/new", methods=["GET", "POST"])
@requires(Permission.SME_LEVEL_EVALUATE)
def new_sme_level():
    table = sme_level.table(services.TABLE_KEY)
    # A first visit starts from the latest figures; a submitted form carries its own.
    previous = services.latest_of(current_user.organisation_id) if request.method == "GET" else None
    form = forms.evaluation_form(table, previous=previous)
    if request.method == "GET":
        form.after_number.data = str(previous.number if previous else 0)
    if form.validate_on_submit():
        evaluation = services.record_self_evaluation(
            current_user, form.points(), form.levels(), after=form.after()
        )
        flash(_("Your evaluation has been recorded."), "success")
        return redirect(url_for("diagnosis.sme_level_evaluation", evaluation_id=evaluation.id))
    return render_template(
        "diagnosis/sme_level_form.html",
        form=form,
        table=table,
        points_field=forms.points_field,
        level_field=forms.level_field,
    ), status_of(form)


@bp.get("/sme-level/<int:evaluation_id>")
@requires(Permission.SME_LEVEL_EVALUATE)
def sme_level_evaluation(evaluation_id: int):
    evaluation = services.own_evaluation_or_404(current_user, evaluation_id)
    return render_template(
        "diagnosis/sme_level_view.html",
        evaluation=evaluation,
        grading=services.grading_of(evaluation),
        table=sme_level.table(evaluation.table_key),
    )


def _export(
    evaluation_id: int,
) -> tuple[sme_level.EvaluationTable, SmeLevelEvaluation, sme_level.Grading]:
    evaluation = services.own_evaluation_or_404(current_user, evaluation_id)
    return sme_level.table(evaluation.table_key), evaluation, services.grading_of(evaluation)


@bp.get("/sme-level/<int:evaluation_id>.xlsx")
@requires(Permission.SME_LEVEL_EVALUATE)
def sme_level_xlsx(evaluation_id: int):
    write = functools.partial(exports.evaluation_xlsx, *_export(evaluation_id))
    return xlsx_response(write, f"sme-level-{evaluation_id}.xlsx")


@bp.get("/sme-level/<int:evaluation_id>.pdf")
@requires(Permission.SME_LEVEL_EVALUATE)
def sme_level_pdf(evaluation_id: int):
    return pdf_response(
        exports.evaluation_pdf(*_export(evaluation_id)), f"sme-level-{evaluation_id}.pdf"
    )
