"""Organisation pages: profile, contacts, members and invitations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app import pages, rate_limits
from app.clock import local_today
from app.errors import render_error
from app.list_exports import list_export
from app.lists import list_xlsx
from app.pages import status_of
from app.pagination import paginate
from app.security.access import (
    get_member_or_404,
    get_organisation_or_404,
    get_recoverable_account_or_404,
    sees_other_organisations,
)
from app.security.permissions import Permission, has_permission, requires
from blueprints.auth import services as account_services
from blueprints.orgs import forms, org_list, recovery, services
from models import OrgKind, User

bp = Blueprint("orgs", __name__, url_prefix="/orgs", template_folder="templates")


@bp.get("/")
@requires(Permission.ORG_VIEW)
def index():
    if not sees_other_organisations(current_user):
        return redirect(url_for("orgs.mine"))
    listed = org_list.asked(request.args)
    return render_template(
        "orgs/index.html",
        page=paginate(listed.query),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
    )


@bp.route("/export.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.ORG_VIEW)
def export_xlsx():
    """The list's Excel: the rows its filters give, in its sort, across all pages."""
    if not sees_other_organisations(current_user):
        abort(403)
    return list_xlsx(
        org_list.asked(request.args).query,
        header=[column.title for column in org_list.COLUMNS],
        rows=org_list.rows_of,
        sheet=_("Organisations"),
        title=f"{current_user.organisation.name} — {_('Organisations')}",
        filename=f"organisations-{local_today().isoformat()}.xlsx",
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
        can_recover=_can_recover(org),
        invite_form=forms.InviteForm(),
    )


def _can_recover(org) -> bool:
    """Offer account recovery: to an authority, on an enterprise's page (the page is visible
    only inside its region); the URL is checked again (get_recoverable_account_or_404)."""
    return org.kind == OrgKind.ENTERPRISE and has_permission(
        current_user, Permission.ACCOUNTS_RECOVER
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


# --- account recovery by an authority --------------------------------------------------------


def _recoveries_per_hour() -> str:
    return f"{current_app.config['ACCOUNT_RECOVERIES_PER_HOUR']} per hour"


def _authority_of_request() -> str:
    # Counted per authority (organisation), whichever of its officials acts.
    return f"authority:{current_user.organisation_id}"


# Only what was done counts: a refused or forbidden request takes nothing from the allowance.
recoveries_limited = rate_limits.limited(
    _recoveries_per_hour,
    scope="account-recovery",
    key=_authority_of_request,
    deduct_when=lambda response: response.status_code < 400,
)


@bp.errorhandler(rate_limits.RateLimited)
def too_many_recoveries(_error: rate_limits.RateLimited):
    # The only limit of this blueprint is the recoveries' one.
    return render_error(
        429,
        _(
            "Your authority has reached its limit of %(n)d account recoveries per hour. "
            "Please try again later.",
            n=current_app.config["ACCOUNT_RECOVERIES_PER_HOUR"],
        ),
    )


def recovery_page(
    org_id: int, user_id: int, conflict: str | None = None, **_view_args: object
) -> str:
    """One member account of an enterprise of the authority's region, and the two ways to help
    them back in, each asking for confirmation first."""
    member = get_recoverable_account_or_404(org_id, user_id)
    return render_template(
        "orgs/recovery.html",
        org=member.organisation,
        member=member,
        refusal=recovery.refusal(member),
        history=recovery.history(member),
        reset_form=pages.kept("reset-link") or forms.ResetLinkForm(formdata=None),
        password_form=pages.kept("one-time-password") or forms.OneTimePasswordForm(formdata=None),
        conflict=conflict,
    )


@bp.get("/<int:org_id>/members/<int:user_id>/recovery")
@requires(Permission.ACCOUNTS_RECOVER)
def recovery_options(org_id: int, user_id: int):
    return recovery_page(org_id, user_id)


View = TypeVar("View", bound=Callable[..., Any])


def recovery_action(view: View) -> View:
    """A form of the recovery page: for whoever may recover accounts, within the authority's
    allowance, refused on the page (an unticked box: 422; a refused account: 409)."""
    limited = recoveries_limited(pages.on_page(recovery_page)(view))
    return requires(Permission.ACCOUNTS_RECOVER)(limited)


def _confirmed_account(org_id: int, user_id: int, key: str, form: FlaskForm) -> User:
    """The account the URL names, once the box of the form ``key`` is ticked."""
    member = get_recoverable_account_or_404(org_id, user_id)
    pages.validate(pages.submitted(key, form))
    return member


@bp.post("/<int:org_id>/members/<int:user_id>/recovery/reset-link")
@recovery_action
def send_reset_link(org_id: int, user_id: int):
    member = _confirmed_account(org_id, user_id, "reset-link", forms.ResetLinkForm())
    recovery.send_reset_link(current_user, member)
    flash(
        _("A link to reset the password has been sent to %(email)s.", email=member.email), "success"
    )
    return redirect(url_for("orgs.members", org_id=org_id))


@bp.post("/<int:org_id>/members/<int:user_id>/recovery/one-time-password")
@recovery_action
def set_one_time_password(org_id: int, user_id: int):
    form = forms.OneTimePasswordForm()
    member = _confirmed_account(org_id, user_id, "one-time-password", form)
    given = recovery.set_one_time_password(current_user, member)
    # Shown in this answer only: not stored in clear, not flashed into the session cookie, kept
    # by no cache. Going back does not show it again; sending the form again draws a new one.
    response = make_response(
        render_template(
            "orgs/one_time_password.html", org=member.organisation, member=member, given=given
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
