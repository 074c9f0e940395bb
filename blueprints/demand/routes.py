"""The demand library: the list of the entries one reads (and its Excel in the annex's
layout), and one enterprise's library (一企一档) where its diagnosing provider files needs and
matches solutions."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages
from app.clock import local_today
from app.forms import RemoveForm, options
from app.list_exports import list_export
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.demand import forms, library_list, services
from blueprints.engagements.changes import Refused
from models import DemandEntry, DiagnosisEngagement, SolutionOrigin

bp = Blueprint("demand", __name__, url_prefix="/demand", template_folder="templates")


@bp.get("/")
@requires(Permission.DIAGNOSIS_VIEW)
def index():
    listed = library_list.asked(current_user, request.args)
    return render_template(
        "demand/index.html",
        page=paginate(listed.query, rows=True),
        filter_form=listed.form,
        sort=listed.sort,
        given=listed.given,
        within=listed.within,
        region=listed.region,
        scenario=services.every_scenario().get,
    )


@bp.route("/export.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.DIAGNOSIS_VIEW)
def export():
    """The library in the annex's layout: a row per matched solution of the entries the
    filters give, in their sort, across all pages."""
    return list_xlsx(
        library_list.asked(current_user, request.args).export,
        header=[column.title for column in library_list.COLUMNS],
        rows=library_list.rows_of,
        sheet=_("Demand library"),
        title=_("Needs, problems and scenarios, and the supply-demand library"),
        filename=f"demand-library-{local_today().isoformat()}.xlsx",
        scalars=False,
    )


def _entry_form(engagement: DiagnosisEngagement) -> forms.EntryForm:
    form = pages.kept("entry") or forms.EntryForm(formdata=None)
    _scenario_choices(form, engagement)
    return form


def _scenario_choices(form: forms.EntryForm, engagement: DiagnosisEngagement) -> None:
    found = services.scenario_choices(engagement)
    blank = options((), blank=_("— choose —"))
    form.scenario.choices = blank + [
        choice
        for code, label, group in found
        for choice in options([(code, label)], optgroup=group)
    ]


def _solution_form(engagement: DiagnosisEngagement, entry: DemandEntry | None):
    kept = pages.kept("solution")
    form = (
        kept
        if kept is not None and entry is not None and g.get("solution_entry") == entry.id
        else forms.SolutionForm(formdata=None, origin=SolutionOrigin.EXISTING.value)
    )
    form.provider.choices = options(
        ((str(pid), name) for pid, name in services.provider_choices(engagement)),
        blank=_("— choose —"),
    )
    return form


def library_page(engagement_id: int, conflict: str | None = None, **_view_args: object) -> str:
    engagement = services.engagement_or_404(engagement_id)
    entries = services.entries_of(engagement)
    editable = current_user.organisation_id == engagement.provider_id and (
        services.changeable(engagement)
    )
    return render_template(
        "demand/library.html",
        engagement=engagement,
        entries=entries,
        editable=editable,
        catalogue=services.catalogue_of(engagement),
        entry_form=_entry_form(engagement) if editable else None,
        solution_forms={e.id: _solution_form(engagement, e) for e in entries} if editable else {},
        remove_form=pages.kept("remove") or RemoveForm(formdata=None),
        limits=(services.MAX_ENTRIES, services.MAX_SOLUTIONS),
        conflict=conflict,
    )


@bp.get("/engagements/<int:engagement_id>")
@requires(Permission.DIAGNOSIS_VIEW)
def library(engagement_id: int):
    return library_page(engagement_id)


def back_to(engagement_id: int, anchor: str = ""):
    return redirect(url_for("demand.library", engagement_id=engagement_id) + anchor)


@bp.post("/engagements/<int:engagement_id>/entries")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(library_page)
def add_entry(engagement_id: int):
    engagement = services.engagement_or_404(engagement_id)
    form = pages.submitted("entry", forms.EntryForm())
    _scenario_choices(form, engagement)
    pages.validate(form)
    try:
        entry = services.record_entry(
            engagement,
            current_user,
            scenario_code=form.scenario.data or "",
            problem=form.problem.data or "",
            need=form.need.data or "",
            description=form.description.data or "",
        )
    except Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    flash(_("The need is filed in the enterprise's demand library."), "success")
    return back_to(engagement_id, f"#entry-{entry.id}")


def _entry_page(conflict: str | None = None, **_view_args: object) -> str | None:
    """The library of the entry or solution a refused form was posted for."""
    engagement_id = g.get("library_of")
    return library_page(engagement_id, conflict) if engagement_id else None


@bp.post("/entries/<int:entry_id>/solutions")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(_entry_page)
def add_solution(entry_id: int):
    entry = services.entry_or_404(entry_id)
    g.library_of, g.solution_entry = entry.engagement_id, entry.id
    form = pages.submitted("solution", forms.SolutionForm())
    form.provider.choices = options(
        ((str(pid), name) for pid, name in services.provider_choices(entry.engagement)),
    )
    pages.validate(form)
    try:
        services.match_solution(
            entry,
            current_user,
            services.Offer(
                name=form.name.data or "",
                summary=form.summary.data or "",
                provider_id=int(form.provider.data),
                price_low=form.price_low.data or Decimal(0),
                price_high=form.price_high.data or Decimal(0),
                origin=SolutionOrigin(form.origin.data),
            ),
        )
    except Refused as refused:
        pages.refuse(form[refused.field], refused.message)
    flash(_("The solution is matched to the need."), "success")
    return back_to(entry.engagement_id, f"#entry-{entry.id}")


@bp.post("/entries/<int:entry_id>/remove")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(_entry_page)
def remove_entry(entry_id: int):
    entry = services.entry_or_404(entry_id)
    g.library_of = engagement_id = entry.engagement_id
    pages.validate(pages.submitted("remove", RemoveForm()))
    services.remove_entry(entry, current_user)
    flash(_("The need and its solutions are removed."), "success")
    return back_to(engagement_id)


@bp.post("/solutions/<int:solution_id>/remove")
@requires(Permission.DIAGNOSIS_PROVIDE)
@pages.on_page(_entry_page)
def remove_solution(solution_id: int):
    solution = services.solution_or_404(solution_id)
    entry = solution.entry
    g.library_of = entry.engagement_id
    pages.validate(pages.submitted("remove", RemoveForm()))
    services.remove_solution(solution, current_user)
    flash(_("The solution is removed."), "success")
    return back_to(entry.engagement_id, f"#entry-{entry.id}")
