"""Reform projects, signed in: the enterprise's project with its contracts, the filing, the
county's opinion and the city's filing, the three in step, the lists and their Excel; and the
authority's exclusion flags on an enterprise."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import events, pages, uploads, workflow
from app.forms import RemoveForm, options
from app.input_boundary import version_field
from app.pagination import paginate
from app.security.permissions import Permission, has_permission, requires
from blueprints.diagnosis import programmes
from blueprints.reform import (
    exclusions,
    forms,
    project_list,
    review_page,
    services,
    subsidy_page,
)
from blueprints.reform.transitions import ACTION_TITLES, DECISIONS, TRANSITIONS
from models import ExclusionFlag, ReformProject

bp = Blueprint("reform", __name__, url_prefix="/reform", template_folder="templates")


@bp.record_once
def _hear_the_roster(state: BlueprintSetupState) -> None:
    events.register(state.app, exclusions.hear_the_roster)


@bp.get("/")
@requires(Permission.REFORM_VIEW)
def index():
    listed = project_list.asked(request.args, current_user)
    return render_template(
        "reform/index.html",
        page=paginate(listed.query),
        filter_form=listed.form,
        given=listed.given,
        may_file=has_permission(current_user, Permission.REFORM_FILE),
    )


@bp.get("/export.xlsx")
@requires(Permission.REFORM_VIEW)
def export():
    return project_list.xlsx(current_user)


def _programme_title(key: str) -> str:
    programme = programmes.programme(key)
    return programme.title.get(get_locale()) if programme else key


# --- a new project ---------------------------------------------------------------------------


def _scenario_choices() -> list:
    locale = str(get_locale() or "zh")
    return [
        (s.code, f"{s.code} {s.label(locale)}")
        for s in services.demand.every_scenario().values()
        if s.level == 3
    ]


def _project_form() -> forms.ProjectForm:
    form = pages.kept("project") or forms.ProjectForm(formdata=None)
    form.engagement.choices = options(
        [
            (str(e.id), _programme_title(e.programme_key))
            for e in services.engagements_of(current_user)
        ],
        blank=_("— choose —"),
    )
    form.scenarios.choices = _scenario_choices()
    return form


def new_page(conflict: str | None = None, **_view_args: object) -> str:
    return render_template("reform/new.html", form=_project_form(), conflict=conflict)


@bp.get("/new")
@requires(Permission.REFORM_FILE)
def new():
    return new_page()


@bp.post("/new")
@requires(Permission.REFORM_FILE)
@pages.on_page(new_page)
def create():
    form = pages.submitted("project", forms.ProjectForm())
    engagements = {str(e.id): e for e in services.engagements_of(current_user)}
    form.engagement.choices = options((key, key) for key in engagements)
    form.scenarios.choices = _scenario_choices()
    pages.validate(form)
    project = services.create(current_user, engagements[form.engagement.data], _draft_of(form))
    flash(
        _("The project is drafted: add the contract with each provider, then file it."), "success"
    )
    return redirect(url_for("reform.view", project_id=project.id))


# --- revising a draft or a returned project --------------------------------------------------


def _draft_of(form: forms.ProjectFields) -> services.Draft:
    return services.Draft(
        name=form.name.data or "",
        scenario_codes=list(form.scenarios.data or []),
        starts_on=_day(form.starts_on),
        ends_on=_day(form.ends_on),
        budget=form.budget.data or Decimal(0),
    )


def revise_page(project_id: int, conflict: str | None = None, **_view_args: object) -> str:
    project = services.project_or_404(project_id, current_user)
    if current_user.organisation_id != project.enterprise_id:
        abort(404)
    offered = workflow.options(TRANSITIONS, project, project.status, current_user)
    form = pages.kept("revision") or forms.RevisionForm(
        formdata=None,
        name=project.name,
        scenarios=list(project.scenario_codes),
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        budget=project.budget,
    )
    form.scenarios.choices = _scenario_choices()
    return render_template(
        "reform/revise.html",
        project=project,
        form=form,
        may_revise=any(o.name == "revise" and o.enabled for o in offered),
        conflict=conflict,
    )


@bp.get("/<int:project_id>/revise")
@requires(Permission.REFORM_FILE)
def revision(project_id: int):
    return revise_page(project_id)


@bp.post("/<int:project_id>/revise")
@requires(Permission.REFORM_FILE)
@pages.on_page(revise_page)
def revise(project_id: int):
    project = services.project_or_404(project_id, current_user)
    form = pages.submitted("revision", forms.RevisionForm())
    form.scenarios.choices = _scenario_choices()
    pages.validate(form)
    changed = services.revise(project, current_user, _draft_of(form), version_field())
    flash(
        _("The project is revised: %(changes)s.", changes="; ".join(changed))
        if changed
        else _("Nothing was changed."),
        "success" if changed else "info",
    )
    return back_to(project_id)


# --- one project -----------------------------------------------------------------------------


def _contract_form(project: ReformProject) -> forms.ContractForm:
    form = pages.kept("contract") or forms.ContractForm(formdata=None)
    form.provider.choices = options(
        [(str(m.id), m.provider.name) for m in services.provider_choices(project)],
        blank=_("— choose —"),
    )
    form.product.choices = options(
        [(str(p.id), f"{name} — {p.name}") for p, name in services.product_choices(project)],
        blank=_("— none —"),
    )
    return form


def view_page(project_id: int, conflict: str | None = None, **_view_args: object) -> str:
    project = services.project_or_404(project_id, current_user)
    offered = workflow.options(TRANSITIONS, project, project.status, current_user)
    mine = current_user.organisation_id == project.enterprise_id
    return render_template(
        "reform/view.html",
        project=project,
        programme_title=_programme_title(project.programme_key),
        scenarios=services.demand.every_scenario(),
        offered=offered,
        filing=[o for o in offered if o.name in ("file", "complete")],
        decisions=[o for o in offered if o.name in DECISIONS],
        editable=mine and project.status in services.EDITABLE,
        may_revise=mine and any(o.name == "revise" and o.enabled for o in offered),
        implementing=mine and project.status.value == "in_implementation",
        contract_form=_contract_form(project),
        remove_form=pages.kept("remove") or RemoveForm(formdata=None),
        action_form=pages.kept("action") or forms.ActionForm(formdata=None),
        decision_form=pages.kept("decision") or forms.DecisionForm(formdata=None),
        training_form=pages.kept("training") or forms.TrainingForm(formdata=None),
        delivery_form=pages.kept("delivery") or forms.DeliveryForm(formdata=None),
        evaluation_form=pages.kept("evaluation") or forms.EvaluationForm(formdata=None),
        action_titles={**ACTION_TITLES, **subsidy_page.HISTORY_TITLES},
        conflict=conflict,
        **subsidy_page.context(project),
        **review_page.context(project, current_user),
    )


@bp.get("/<int:project_id>")
@requires(Permission.REFORM_VIEW)
def view(project_id: int):
    return view_page(project_id)


def back_to(project_id: int, anchor: str = ""):
    return redirect(url_for("reform.view", project_id=project_id) + anchor)


def _day(field: object) -> date:
    """A date the form required (InputRequired): present once the form validated."""
    value = getattr(field, "data", None)
    assert isinstance(value, date)
    return value


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@bp.post("/<int:project_id>/contracts")
@requires(Permission.REFORM_FILE)
@pages.on_page(view_page)
def add_contract(project_id: int):
    project = services.project_or_404(project_id, current_user)
    form = pages.submitted("contract", forms.ContractForm())
    form.provider.choices = options((str(m.id), "") for m in services.provider_choices(project))
    form.product.choices = options((str(p.id), "") for p, _n in services.product_choices(project))
    if request.form.get("provider") in {str(c.member_id) for c in project.contracts}:
        pages.refuse(
            form.provider,
            _("One contract per provider: this provider already has one in the project."),
        )
    pages.validate(form)
    services.add_contract(
        project,
        current_user,
        services.Contract(
            member_id=int(form.provider.data),
            product_id=_int_or_none(form.product.data),
            products=form.products.data or "",
            price=form.price.data or Decimal(0),
            starts_on=_day(form.starts_on),
            ends_on=_day(form.ends_on),
        ),
        form.file.data,
    )
    flash(_("The contract is added to the project."), "success")
    return back_to(project_id, "#contracts")


def _page_of_project(conflict: str | None = None, **_view_args: object) -> str | None:
    project_id = g.get("reform_project")
    return view_page(project_id, conflict) if project_id else None


@bp.post("/contracts/<int:contract_id>/remove")
@requires(Permission.REFORM_FILE)
@pages.on_page(_page_of_project)
def remove_contract(contract_id: int):
    contract = services.contract_or_404(contract_id, current_user)
    g.reform_project = project_id = contract.project_id
    pages.validate(pages.submitted("remove", RemoveForm()))
    services.remove_contract(contract, current_user)
    flash(_("The contract is removed."), "success")
    return back_to(project_id, "#contracts")


@bp.get("/contracts/<int:contract_id>/file")
@requires(Permission.REFORM_VIEW)
def contract_file(contract_id: int):
    found = services.contract_or_404(contract_id, current_user)
    return uploads.send(found.stored_name, found.original_name, found.content_type)


@bp.get("/deliveries/<int:delivery_id>/file")
@requires(Permission.REFORM_VIEW)
def delivery_file(delivery_id: int):
    found = services.delivery_or_404(delivery_id, current_user)
    if not found.stored_name:
        return redirect(url_for("reform.view", project_id=found.project_id))
    return uploads.send(found.stored_name, found.original_name or "", found.content_type or "")


@bp.post("/<int:project_id>/move")
@requires(Permission.REFORM_FILE)
@pages.on_page(view_page)
def move(project_id: int):
    """The enterprise's moves: filing, and declaring the project implemented."""
    project = services.project_or_404(project_id, current_user)
    pages.validate(pages.submitted("action", forms.ActionForm()))
    name = "complete" if request.form.get("action") == "complete" else "file"
    services.perform(project, name, current_user, version=version_field())
    flash(
        _("The project is filed with the county authority.")
        if name == "file"
        else _("The project is implemented."),
        "success",
    )
    return back_to(project_id)


@bp.post("/<int:project_id>/decide")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(view_page)
def decide(project_id: int):
    project = services.project_or_404(project_id, current_user)
    form = pages.submitted("decision", forms.DecisionForm())
    pages.validate(form)
    name = request.form.get("action", "")
    if name not in DECISIONS:
        name = "unknown"
    services.perform(
        project, name, current_user, reason=form.reason.data or "", version=version_field()
    )
    flash(_("The decision is recorded and the next party is told."), "success")
    return back_to(project_id)


@bp.post("/<int:project_id>/training")
@requires(Permission.REFORM_FILE)
@pages.on_page(view_page)
def training(project_id: int):
    project = services.project_or_404(project_id, current_user)
    form = pages.submitted("training", forms.TrainingForm())
    pages.validate(form)
    services.record_training(
        project, current_user, form.plan.data or "", _day(form.on), version_field()
    )
    flash(_("The training plan is recorded."), "success")
    return back_to(project_id, "#in-step")


@bp.post("/<int:project_id>/deliveries")
@requires(Permission.REFORM_FILE)
@pages.on_page(view_page)
def delivery(project_id: int):
    project = services.project_or_404(project_id, current_user)
    form = pages.submitted("delivery", forms.DeliveryForm())
    pages.validate(form)
    services.add_delivery(
        project, current_user, _day(form.on), form.notes.data or "", form.file.data, version_field()
    )
    flash(_("The delivery is recorded."), "success")
    return back_to(project_id, "#in-step")


@bp.post("/<int:project_id>/evaluation")
@requires(Permission.REFORM_FILE)
@pages.on_page(view_page)
def evaluation(project_id: int):
    project = services.project_or_404(project_id, current_user)
    form = pages.submitted("evaluation", forms.EvaluationForm())
    pages.validate(form)
    services.record_evaluation(
        project, current_user, form.evaluation.data or "", _day(form.on), version_field()
    )
    flash(_("The evaluation is recorded."), "success")
    return back_to(project_id, "#in-step")


# --- the exclusion flags ---------------------------------------------------------------------


def exclusions_page(org_id: int, conflict: str | None = None, **_view_args: object) -> str:
    enterprise = exclusions.enterprise_or_404(org_id, current_user)
    code = enterprise.credit_code or ""
    flags = exclusions.flags_of(code)
    form = pages.kept("exclusions") or forms.ExclusionForm(
        formdata=None,
        central_fund_giant=ExclusionFlag.CENTRAL_FUND_GIANT in flags,
        national_pilot_2022=ExclusionFlag.NATIONAL_PILOT_2022 in flags,
    )
    return render_template(
        "reform/exclusions.html",
        enterprise=enterprise,
        flags=flags,
        history=exclusions.history_of(code),
        form=form,
        conflict=conflict,
    )


@bp.get("/enterprises/<int:org_id>/exclusions")
@requires(Permission.DIAGNOSIS_MANAGE)
def exclusions_view(org_id: int):
    return exclusions_page(org_id)


@bp.post("/enterprises/<int:org_id>/exclusions")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(exclusions_page)
def exclusions_set(org_id: int):
    enterprise = exclusions.enterprise_or_404(org_id, current_user)
    form = pages.submitted("exclusions", forms.ExclusionForm())
    pages.validate(form)
    wanted = {
        flag
        for flag, field in (
            (ExclusionFlag.CENTRAL_FUND_GIANT, form.central_fund_giant),
            (ExclusionFlag.NATIONAL_PILOT_2022, form.national_pilot_2022),
        )
        if field.data
    }
    exclusions.set_flags(enterprise, current_user, wanted, form.note.data or "")
    flash(_("The enterprise's eligibility flags are recorded."), "success")
    return redirect(url_for("reform.exclusions_view", org_id=org_id))
