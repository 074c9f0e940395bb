"""The reports' pages and their Excel: the alliance's staff and the administrators read them."""

from __future__ import annotations

import functools
from typing import IO, Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from app.clock import local_today
from app.excel import Sheet, write_xlsx, xlsx_response
from app.extensions import db
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.evaluator_reports import by_body, coverage, expiring, filters
from models import Organisation, RegistrationGrade

bp = Blueprint(
    "evaluator_reports",
    __name__,
    url_prefix="/evaluators/reports",
    template_folder="templates",
)


def _body_name(body_id: int | None) -> str | None:
    body = db.session.get(Organisation, body_id) if body_id else None
    return body.name if body else None


def _workbook(sheet: Sheet, title: str, out: IO[bytes]) -> None:
    write_xlsx([sheet], out, title=title)


# --- evaluators by body --------------------------------------------------------------------


def _bodies() -> tuple[filters.Filters, Any, by_body.Report]:
    form = filters.BodyFilterForm(request.args)
    asked = filters.read(form, request.args)
    return asked, form, by_body.report(asked.as_of, asked.body_id)


@bp.get("/bodies")
@requires(Permission.EVALUATOR_REPORTS_VIEW)
def bodies():
    asked, form, found = _bodies()
    return render_template(
        "evaluator_reports/bodies.html",
        form=form,
        given=asked.given,
        as_of=asked.as_of,
        lines=found.lines,
        audits_counted_at=found.audits_counted_at,
        grades=list(RegistrationGrade),
        states=by_body.STATES,
    )


@bp.get("/bodies.xlsx")
@requires(Permission.EVALUATOR_REPORTS_VIEW)
def bodies_xlsx():
    asked, _form, found = _bodies()
    title = _("Evaluators by body on %(day)s", day=asked.as_of.isoformat())
    sheet = Sheet(
        _("Evaluators by body"), by_body.header(), by_body.rows_of(found.lines), caption=title
    )
    return xlsx_response(
        functools.partial(_workbook, sheet, title),
        f"evaluators-by-body-{asked.as_of.isoformat()}.xlsx",
    )


# --- sector coverage -----------------------------------------------------------------------


def _coverage() -> tuple[filters.Filters, Any, Any, list[coverage.SectorLine]]:
    form = filters.CoverageFilterForm(request.args)
    asked = filters.read(form, request.args)
    section = coverage.section_or_none(asked.values["section"])
    gaps = bool(asked.values["gaps"])
    return asked, form, section, coverage.lines(asked.as_of, asked.body_id, section, gaps)


@bp.get("/sectors")
@requires(Permission.EVALUATOR_REPORTS_VIEW)
def sectors():
    asked, form, section, lines = _coverage()
    return render_template(
        "evaluator_reports/sectors.html",
        form=form,
        given=asked.given,
        as_of=asked.as_of,
        section=section,
        sections_given={k: v for k, v in asked.given.items() if k != "section"},
        body_name=_body_name(asked.body_id),
        lines=lines,
        gaps=sum(1 for line in lines if line.gap),
    )


@bp.get("/sectors.xlsx")
@requires(Permission.EVALUATOR_REPORTS_VIEW)
def sectors_xlsx():
    asked, _form, section, lines = _coverage()
    place = f"{section.code} {section.display_name}" if section else _("GB/T 4754 sections")
    title = _("Sector coverage: %(sectors)s, on %(day)s", sectors=place, day=asked.as_of)
    sheet = Sheet(
        _("Sector coverage"),
        coverage.header(section, _body_name(asked.body_id)),
        coverage.rows_of(lines),
        caption=title,
    )
    code = f"-{section.code}" if section else ""
    return xlsx_response(
        functools.partial(_workbook, sheet, title),
        f"sector-coverage{code}-{asked.as_of.isoformat()}.xlsx",
    )


# --- expiring registrations ----------------------------------------------------------------


@bp.get("/expiring")
@requires(Permission.EVALUATOR_REPORTS_VIEW)
def expiring_page():
    asked = expiring.asked(request.args)
    page = paginate(asked.query, rows=True)
    return render_template(
        "evaluator_reports/expiring.html",
        page=page,
        lines=list(expiring.lines(page.items)),
        form=asked.form,
        sort=asked.sort,
        given=asked.given,
        within=asked.within,
    )


@bp.get("/expiring.xlsx")
@requires(Permission.EVALUATOR_REPORTS_VIEW)
def expiring_xlsx():
    """The registrations in Excel: the rows the filters give, in their sort, across pages."""
    asked = expiring.asked(request.args)
    title = _("Registrations expiring within %(days)d days", days=asked.within)
    return list_xlsx(
        asked.query,
        header=[column.title for column in expiring.COLUMNS],
        rows=expiring.rows_of,
        sheet=_("Expiring registrations"),
        title=title,
        filename=f"expiring-registrations-{local_today().isoformat()}.xlsx",
        scalars=False,
    )
