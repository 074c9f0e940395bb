"""Organisation pages: profile, contacts, members and invitations."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.forms import filters_of
from app.pages import status_of
from app.pagination import paginate
from app.security.access import get_member_or_404, get_organisation_or_404
from app.security.permissions import Permission, has_permission, requires
from blueprints.auth import services as account_services
from blueprints.orgs import forms, services

bp = Blueprint("orgs", __name__, url_prefix="/orgs", template_folder="templates")


@bp.get("/")
@requires(Permission.ORG_VIEW)
def index():
    if not (
        has_permission(current_user, Permission.REGION_ORGS_VIEW)
        or has_permission(current_user, Permission.ALL_ORGS_VIEW)
    ):
        return redirect(url_for("orgs.mine"))
    form = forms.OrganisationFilterForm(request.args)
    wanted = filters_of(form)
    query = services.visible_organisations(
        current_user, wanted["q"], wanted["kind"] or None, wanted["tag"] or None
    )
    page = paginate(query)
    return render_template(
        "orgs/index.html",
        page=page,
        form=form,
        filters={k: v for k, v in request.args.items() if k in ("q", "kind", "tag") and v},
    )


@bp.get("/mine")
@requires(Permission.ORG_VIEW)
def mine():
    return redirect(url_for("orgs.view", org_id=current_user.organisation_id))


@bp.get("/<int:org_id>")
@requires(Permission.ORG_VIEW)
def view(org_id: int):
    org = get_organisation_or_404(org_id, Permission.ORG_VIEW)
    return render_template("orgs/view.html", org=org)


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@requires(Permission.ORG_EDIT)
def edit(org_id: int):
    org = get_organisation_or_404(org_id, Permission.ORG_EDIT)
    form = forms.OrganisationContactForm(obj=org)
    if form.validate_on_submit():
        form.populate_obj(org)
        flash(_("The organisation's details have been saved."), "success")
        return redirect(url_for("orgs.view", org_id=org.id))
    return render_template("orgs/edit.html", org=org, form=form), status_of(form)


@bp.get("/<int:org_id>/members")
@requires(Permission.ORG_MEMBERS_VIEW)
def members(org_id: int):
    org = get_organisation_or_404(org_id, Permission.ORG_MEMBERS_VIEW)
    can_manage = _can_manage(org)
    return render_template(
        "orgs/members.html",
        org=org,
        members=services.members(org),
        can_manage=can_manage,
        invite_form=forms.InviteForm(),
    )


def _can_manage(org) -> bool:
    if has_permission(current_user, Permission.ADMIN_ORGS_MANAGE):
        return True
    return has_permission(current_user, Permission.ORG_MEMBERS_MANAGE) and (
        org.id == current_user.organisation_id
    )


@bp.post("/<int:org_id>/members/invite")
@requires(Permission.ORG_MEMBERS_MANAGE)
def invite(org_id: int):
    org = get_organisation_or_404(org_id, Permission.ORG_MEMBERS_MANAGE)
    form = forms.InviteForm()
    if form.validate_on_submit():
        try:
            member = account_services.invite_member(
                org,
                current_user,
                (form.name.data or ""),
                (form.email.data or ""),
                form.locale.data,
                make_admin=form.make_admin.data,
            )
        except account_services.AccountError as error:
            form.email.errors = [*form.email.errors, error.message]
        else:
            flash(_("An invitation has been sent to %(email)s.", email=member.email), "success")
            return redirect(url_for("orgs.members", org_id=org.id))
    return render_template(
        "orgs/members.html",
        org=org,
        members=services.members(org),
        can_manage=True,
        invite_form=form,
    ), status_of(form)


@bp.post("/<int:org_id>/members/<int:user_id>/active")
@requires(Permission.ORG_MEMBERS_MANAGE)
def set_active(org_id: int, user_id: int):
    org = get_organisation_or_404(org_id, Permission.ORG_MEMBERS_MANAGE)
    member = get_member_or_404(org, user_id)
    wanted = request.form.get("active")
    if wanted not in {"0", "1"}:
        abort(400)
    services.set_member_active(current_user, member, wanted == "1")
    flash(
        _("%(name)s is now active.", name=member.name)
        if wanted == "1"
        else _("%(name)s has been deactivated.", name=member.name),
        "success",
    )
    return redirect(url_for("orgs.members", org_id=org.id))


@bp.post("/<int:org_id>/members/<int:user_id>/resend-invitation")
@requires(Permission.ORG_MEMBERS_MANAGE)
def resend_invitation(org_id: int, user_id: int):
    org = get_organisation_or_404(org_id, Permission.ORG_MEMBERS_MANAGE)
    member = get_member_or_404(org, user_id)
    if member.password_hash is not None:
        abort(409)
    account_services.send_invitation(member, current_user)
    flash(_("A new invitation has been sent to %(email)s.", email=member.email), "success")
    return redirect(url_for("orgs.members", org_id=org.id))
