"""The enterprise roster (企业名录) an authority imports from Excel."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages
from app.clock import local_today
from app.database import on_rollback
from app.excel import write_xlsx, xlsx_response
from app.list_exports import list_export
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, requires
from app.uploads import UploadError
from blueprints.roster import forms, importing, results, roster_list, services
from blueprints.roster.workbook import HEADERS, MAX_ROWS

bp = Blueprint("roster", __name__, url_prefix="/roster", template_folder="templates")

# How many refused rows the result page lists; the report has them all.
REFUSED_SHOWN = 50


def _scope() -> services.Scope:
    scope = services.scope_of(current_user)
    if scope is None:
        abort(403)
    return scope


def _authority_scope() -> services.Scope:
    scope = _scope()
    if scope.authority_id is None:
        abort(403)  # the administrator reads the roster; authorities import it
    return scope


@bp.get("/")
@requires(Permission.ROSTER_MANAGE)
def index():
    scope = _scope()
    listed = roster_list.asked(scope, request.args)
    return render_template(
        "roster/index.html",
        page=paginate(listed.query, rows=True),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        can_import=scope.authority_id is not None,
    )


@bp.route("/export.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.ROSTER_MANAGE)
def export():
    """The roster in Excel: the rows the filters give, in their sort, across all pages (a large
    part of it prepared in the background)."""
    scope = _scope()
    return list_xlsx(
        roster_list.asked(scope, request.args).query,
        header=[column.title for column in roster_list.COLUMNS],
        rows=roster_list.rows_of,
        sheet=_("Roster"),
        title=_("Roster"),
        filename=f"roster-{local_today().isoformat()}.xlsx",
        scalars=False,
    )


@bp.get("/template.xlsx")
@requires(Permission.ROSTER_MANAGE)
def template():
    sheet = services.template_sheet(services.scope_of(current_user))
    write = functools.partial(write_xlsx, [sheet], title="企业名录")
    return xlsx_response(write, "roster-template.xlsx")


def import_page(conflict: str | None = None, **_view_args: object) -> str:
    _authority_scope()
    form = pages.kept("import") or forms.ImportForm()
    return render_template(
        "roster/import.html",
        form=form,
        conflict=conflict,
        headers=HEADERS,
        max_rows=MAX_ROWS,
    )


@bp.get("/import")
@requires(Permission.ROSTER_MANAGE)
def import_form():
    return import_page()


@bp.post("/import")
@requires(Permission.ROSTER_MANAGE)
@pages.on_page(import_page)
def import_file():
    scope = _authority_scope()
    form = pages.submitted("import", forms.ImportForm())
    pages.validate(form)
    try:
        outcome = importing.import_file(form.file.data, scope)
    except UploadError as error:
        pages.refuse(form.file, error.message)
    user_id = current_user.id
    token = results.save(user_id, outcome)
    # Should the commit fail after all, nothing was imported: no result to show either.
    on_rollback(lambda: results.remove(user_id, token))
    return redirect(url_for("roster.result", token=token))


def _outcome(token: str) -> importing.Outcome:
    _authority_scope()
    outcome = results.load(current_user.id, token)
    if outcome is None:
        abort(404)
    return outcome


@bp.get("/imports/<token>")
@requires(Permission.ROSTER_MANAGE)
def result(token: str):
    outcome = _outcome(token)
    shown = outcome.refused[:REFUSED_SHOWN]
    return render_template(
        "roster/result.html",
        outcome=outcome,
        token=token,
        shown=[(row, results.reasons(row)) for row in shown],
    )


@bp.get("/imports/<token>/errors.xlsx")
@requires(Permission.ROSTER_MANAGE)
def errors(token: str):
    outcome = _outcome(token)
    if not outcome.refused:
        abort(404)
    write = functools.partial(write_xlsx, [results.error_sheet(outcome)], title=_("Refused rows"))
    return xlsx_response(write, "roster-import-errors.xlsx")
