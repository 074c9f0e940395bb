"""The enterprise check as a web page: an Excel of credit codes in, an Excel of where each
enterprise stands out (the API's POST /api/v1/enterprises/check, for people)."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app import pages
from app.clock import local_today
from app.excel import xlsx_response
from app.security.access import sees_other_organisations
from app.security.permissions import Permission, requires
from app.uploads import UploadError
from blueprints.assessment import region_list
from blueprints.checks import forms, services
from blueprints.roster.workbook import MAX_ROWS

bp = Blueprint("checks", __name__, url_prefix="/checks", template_folder="templates")


def index_page(conflict: str | None = None, **_view_args: object) -> str:
    if not sees_other_organisations(current_user):
        abort(403)
    return render_template(
        "checks/index.html",
        form=pages.kept("check") or forms.CheckForm(),
        max_rows=MAX_ROWS,
        conflict=conflict,
    )


@bp.get("/")
@requires(Permission.ORG_VIEW)
def index():
    return index_page()


@bp.post("/")
@requires(Permission.ORG_VIEW)
@pages.on_page(index_page)
def run():
    if not sees_other_organisations(current_user):
        abort(403)
    form = pages.submitted("check", forms.CheckForm())
    pages.validate(form)
    try:
        codes = services.read_codes(form.file.data)
    except UploadError as error:
        pages.refuse(form.file, error.message)
    results = services.check(codes, current_user)
    title = f"{current_user.organisation.name} — {_('Enterprise check')}"
    write = functools.partial(services.results_xlsx, results, region_list.stage_titles(), title)
    return xlsx_response(write, f"enterprise-check-{local_today().isoformat()}.xlsx")
