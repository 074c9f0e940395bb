"""The provider pool, signed in: the places one reads (list and Excel), the application of a
provider (products, qualification files, submission), the authority's experts, their opinions
and the authority's decisions, the objections to decide, and an enterprise's survey."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, uploads, workflow
from app.extensions import db
from app.forms import RemoveForm, options
from app.input_boundary import version_field
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.diagnosis import programmes
from blueprints.pool import forms, pool_list, publicity, services
from blueprints.pool.transitions import (
    ACTION_TITLES,
    DECISIONS,
    OBJECTION_TRANSITIONS,
    TRANSITIONS,
)
from models import PoolMember, PoolObjection, PoolObjectionStatus, SolutionOrigin

bp = Blueprint("pool", __name__, url_prefix="/pool", template_folder="templates")


@bp.get("/")
@requires(Permission.DIAGNOSIS_VIEW)
def index():
    listed = pool_list.asked(request.args, current_user)
    return render_template(
        "pool/index.html",
        page=paginate(listed.query),
        filter_form=listed.form,
        given=listed.given,
        region=listed.region,
        basis=pool_list.basis,
        programme_title=_programme_title,
        public=False,
    )


@bp.get("/export.xlsx")
@requires(Permission.DIAGNOSIS_VIEW)
def export():
    return pool_list.xlsx(current_user)


def _programme_title(key: str) -> str:
    programme = programmes.programme(key)
    return programme.title.get(get_locale()) if programme else key


# --- applying --------------------------------------------------------------------------------


def _apply_form() -> forms.ApplyForm:
    form = pages.kept("apply") or forms.ApplyForm(formdata=None)
    locale = get_locale()
    form.pool.choices = options(
        [(p.key, p.title(locale)) for p in services.pools()], blank=_("— choose —")
    )
    return form


def apply_page(conflict: str | None = None, **_view_args: object) -> str:
    return render_template("pool/apply.html", form=_apply_form(), conflict=conflict)


@bp.get("/apply")
@requires(Permission.POOL_APPLY)
def apply_form():
    return apply_page()


@bp.post("/apply")
@requires(Permission.POOL_APPLY)
@pages.on_page(apply_page)
def apply():
    form = pages.submitted("apply", forms.ApplyForm())
    form.pool.choices = options((p.key, p.key) for p in services.pools())
    pages.validate(form)
    pool = services.pool_of(form.pool.data or "")
    if pool is None:
        pages.refuse(form.pool, _("Choose a pool."))
    member = services.apply(current_user, pool, form.qualifications.data or "")
    flash(
        _("Your application is drafted: add your products and documents, then submit it."),
        "success",
    )
    return redirect(url_for("pool.view", member_id=member.id))


# --- one place -------------------------------------------------------------------------------


def view_page(member_id: int, conflict: str | None = None, **_view_args: object) -> str:
    member = services.member_or_404(member_id, current_user)
    offered = workflow.options(TRANSITIONS, member, member.status, current_user)
    names = {o.name for o in offered}
    product_form = pages.kept("product") or forms.ProductForm(
        formdata=None, origin=SolutionOrigin.EXISTING.value
    )
    product_form.scenario.choices = _scenario_choices(member)
    assign_form = pages.kept("assign") or forms.AssignForm(formdata=None)
    assign_form.expert.choices = options(
        ((str(uid), name) for uid, name in services.expert_choices(member)),
        blank=_("— choose —"),
    )
    objections = db.session.scalars(
        db.select(PoolObjection)
        .where(PoolObjection.member_id == member.id)
        .order_by(PoolObjection.id)
    ).all()
    return render_template(
        "pool/view.html",
        member=member,
        programme_title=_programme_title(member.programme_key),
        offered=offered,
        names=names,
        decisions=[o for o in offered if o.name in DECISIONS],
        product_form=product_form,
        file_form=pages.kept("file") or forms.FileForm(formdata=None),
        remove_form=pages.kept("remove") or RemoveForm(formdata=None),
        action_form=pages.kept("action") or forms.ActionForm(formdata=None),
        assign_form=assign_form,
        opinion_form=pages.kept("opinion") or forms.OpinionForm(formdata=None),
        decision_form=pages.kept("decision") or forms.DecisionForm(formdata=None),
        objection_form=pages.kept("objection") or forms.ObjectionDecisionForm(formdata=None),
        objections=objections,
        may_decide_objections=workflow.offered(
            OBJECTION_TRANSITIONS, objections[0], PoolObjectionStatus.OPEN, current_user
        )
        if objections
        else [],
        basis=pool_list.basis(member),
        editable=member.status.value == "draft"
        and current_user.organisation_id == member.provider_id,
        action_titles=ACTION_TITLES,
        conflict=conflict,
    )


def _scenario_choices(member: PoolMember) -> list:
    blank = options((), blank=_("— choose —"))
    return blank + [
        choice
        for code, label, group in services.scenario_choices(member)
        for choice in options([(code, label)], optgroup=group)
    ]


@bp.get("/<int:member_id>")
@requires(Permission.DIAGNOSIS_VIEW)
def view(member_id: int):
    return view_page(member_id)


def back_to(member_id: int, anchor: str = ""):
    return redirect(url_for("pool.view", member_id=member_id) + anchor)


@bp.post("/<int:member_id>/products")
@requires(Permission.POOL_APPLY)
@pages.on_page(view_page)
def add_product(member_id: int):
    member = services.member_or_404(member_id, current_user)
    form = pages.submitted("product", forms.ProductForm())
    form.scenario.choices = options((c, c) for c, _l, _g in services.scenario_choices(member))
    pages.validate(form)
    services.add_product(
        member,
        current_user,
        services.Product(
            name=form.name.data or "",
            scenario_code=form.scenario.data or "",
            price_low=form.price_low.data or Decimal(0),
            price_high=form.price_high.data or Decimal(0),
            origin=SolutionOrigin(form.origin.data),
        ),
    )
    flash(_("The product is added to the application."), "success")
    return back_to(member_id, "#products")


def _page_of_member(conflict: str | None = None, **_view_args: object) -> str | None:
    member_id = g.get("pool_member")
    return view_page(member_id, conflict) if member_id else None


@bp.post("/products/<int:product_id>/remove")
@requires(Permission.POOL_APPLY)
@pages.on_page(_page_of_member)
def remove_product(product_id: int):
    product = services.product_or_404(product_id, current_user)
    g.pool_member = member_id = product.member_id
    pages.validate(pages.submitted("remove", RemoveForm()))
    services.remove_product(product, current_user)
    flash(_("The product is removed."), "success")
    return back_to(member_id, "#products")


@bp.post("/<int:member_id>/files")
@requires(Permission.POOL_APPLY)
@pages.on_page(view_page)
def add_file(member_id: int):
    member = services.member_or_404(member_id, current_user)
    form = pages.submitted("file", forms.FileForm())
    pages.validate(form)
    services.add_file(member, current_user, form.file.data)
    flash(_("The document is added to the application."), "success")
    return back_to(member_id, "#files")


@bp.get("/files/<int:file_id>")
@requires(Permission.DIAGNOSIS_VIEW)
def file(file_id: int):
    found = services.file_or_404(file_id, current_user)
    return uploads.send(found.stored_name, found.original_name, found.content_type)


@bp.post("/files/<int:file_id>/remove")
@requires(Permission.POOL_APPLY)
@pages.on_page(_page_of_member)
def remove_file(file_id: int):
    found = services.file_or_404(file_id, current_user)
    g.pool_member = member_id = found.member_id
    pages.validate(pages.submitted("remove", RemoveForm()))
    services.remove_file(found, current_user)
    flash(_("The document is removed."), "success")
    return back_to(member_id, "#files")


@bp.post("/<int:member_id>/submit")
@requires(Permission.POOL_APPLY)
@pages.on_page(view_page)
def submit(member_id: int):
    member = services.member_or_404(member_id, current_user)
    pages.validate(pages.submitted("action", forms.ActionForm()))
    name = "reapply" if request.form.get("action") == "reapply" else "submit"
    services.perform(member, name, current_user, version=version_field())
    flash(
        _("Your application is submitted to the authority.")
        if name == "submit"
        else _("Your application is drafted again: change it and submit it."),
        "success",
    )
    return back_to(member_id)


@bp.post("/<int:member_id>/experts")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(view_page)
def assign(member_id: int):
    member = services.member_or_404(member_id, current_user)
    form = pages.submitted("assign", forms.AssignForm())
    form.expert.choices = options((str(uid), name) for uid, name in services.expert_choices(member))
    pages.validate(form)
    services.assign(member, current_user, int(form.expert.data), version_field())
    flash(_("The expert is assigned and told."), "success")
    return back_to(member_id, "#review")


@bp.post("/<int:member_id>/opinion")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(view_page)
def opinion(member_id: int):
    member = services.member_or_404(member_id, current_user)
    form = pages.submitted("opinion", forms.OpinionForm())
    pages.validate(form)
    services.record_opinion(
        member,
        current_user,
        form.recommends.data == "yes",
        form.opinion.data or "",
        version_field(),
    )
    flash(_("Your opinion is recorded."), "success")
    return back_to(member_id, "#review")


@bp.post("/<int:member_id>/decide")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(view_page)
def decide(member_id: int):
    member = services.member_or_404(member_id, current_user)
    form = pages.submitted("decision", forms.DecisionForm())
    pages.validate(form)
    services.decide(
        member,
        current_user,
        request.form.get("action", ""),
        form.reason.data or "",
        version_field(),
    )
    flash(_("The decision is recorded and the provider is told."), "success")
    return back_to(member_id)


@bp.post("/objections/<int:objection_id>/decide")
@requires(Permission.DIAGNOSIS_MANAGE)
@pages.on_page(_page_of_member)
def decide_objection(objection_id: int):
    objection = db.session.get(PoolObjection, objection_id)
    if objection is None:
        abort(404)
    services.member_or_404(objection.member_id, current_user)
    g.pool_member = objection.member_id
    form = pages.submitted("objection", forms.ObjectionDecisionForm())
    pages.validate(form)
    publicity.decide(
        objection,
        current_user,
        request.form.get("action", ""),
        form.reason.data or "",
        version_field(),
    )
    flash(_("The objection is decided."), "success")
    return back_to(objection.member_id, "#objections")
