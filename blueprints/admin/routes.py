"""Administration: users, organisations, the mail outbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.clock import local_today
from app.extensions import db
from app.list_exports import list_export
from app.lists import list_xlsx
from app.mail import dispatcher
from app.pages import status_of
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.admin import forms, outbox_list, services, user_list
from blueprints.auth.routes import safe_next
from blueprints.auth.services import AccountError
from blueprints.orgs.services import set_member_active
from models import Organisation, OrgKind, OutboxMessage, OutboxStatus, Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def _attach(form, error: AccountError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    (field.errors if field is not None else form.form_errors).append(error.message)


@bp.get("/users")
@requires(Permission.ADMIN_USERS_MANAGE)
def users():
    listed = user_list.asked(request.args)
    return render_template(
        "admin/users.html",
        page=paginate(listed.query),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
    )


@bp.route("/users/export.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.ADMIN_USERS_MANAGE)
def users_xlsx():
    """The list's Excel: the rows its filters give, in its sort, across all pages."""
    return list_xlsx(
        user_list.asked(request.args).query,
        header=[column.title for column in user_list.COLUMNS],
        rows=user_list.rows_of,
        sheet=_("Users"),
        title=_("Users"),
        filename=f"users-{local_today().isoformat()}.xlsx",
    )


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_USERS_MANAGE)
def new_user():
    form = forms.StaffUserForm()
    if form.validate_on_submit():
        org = db.session.get(Organisation, int(form.organisation.data))
        if org is None:  # one of the form's choices, removed only by hand meanwhile
            abort(404)
        try:
            user = services.create_user(
                organisation=org,
                role=Role(form.role.data),
                name=(form.name.data or ""),
                email=(form.email.data or ""),
                locale=form.locale.data,
                is_org_admin=form.is_org_admin.data,
                inviter=current_user,
            )
        except AccountError as error:
            _attach(form, error)
        else:
            flash(
                _("Account created; an invitation has been sent to %(email)s.", email=user.email),
                "success",
            )
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form), status_of(form)


@bp.post("/users/<int:user_id>/active")
@requires(Permission.ADMIN_USERS_MANAGE)
def user_active(user_id: int):
    user = db.get_or_404(User, user_id)
    wanted = request.form.get("active")
    if wanted not in {"0", "1"}:
        abort(400)
    set_member_active(current_user, user, wanted == "1")
    flash(_("The account has been updated."), "success")
    return redirect(request.referrer if _local(request.referrer) else url_for("admin.users"))


def _local(url: str | None) -> bool:
    if not url:
        return False
    host = request.host_url.rstrip("/")
    return url.startswith(host + "/") and safe_next(url[len(host) :]) is not None


@bp.route("/organisations/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_ORGS_MANAGE)
def new_organisation():
    form = forms.OrganisationForm()
    form.populate_region_choices()
    if form.validate_on_submit():
        try:
            org = services.create_organisation(
                kind=OrgKind(form.kind.data),
                name=(form.name.data or ""),
                region=form.region,
                body_code=form.body_code.data,
                address=(form.address.data or ""),
                contact_name=(form.contact_name.data or ""),
                contact_phone=(form.contact_phone.data or ""),
                contact_email=(form.contact_email.data or ""),
            )
        except AccountError as error:
            _attach(form, error)
        else:
            flash(_("The organisation %(name)s has been created.", name=org.name), "success")
            return redirect(url_for("orgs.view", org_id=org.id))
    return render_template("admin/organisation_new.html", form=form), status_of(form)


@bp.get("/outbox")
@requires(Permission.ADMIN_OUTBOX_MANAGE)
def outbox():
    listed = outbox_list.asked(request.args)
    return render_template(
        "admin/outbox.html",
        page=paginate(listed.query, count_at_most=outbox_list.COUNT_AT_MOST),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        mail_configured=dispatcher.mail_configured(),
    )


@bp.route("/outbox/export.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.ADMIN_OUTBOX_MANAGE)
def outbox_xlsx():
    """The outbox's Excel: the messages' metadata (no body), the rows the filters give."""
    return list_xlsx(
        outbox_list.asked(request.args).query,
        header=[column.title for column in outbox_list.COLUMNS],
        rows=outbox_list.rows_of,
        sheet=_("Mail outbox"),
        title=_("Mail outbox"),
        filename=f"outbox-{local_today().isoformat()}.xlsx",
    )


@bp.get("/outbox/<int:message_id>")
@requires(Permission.ADMIN_OUTBOX_MANAGE)
def outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("admin/outbox_message.html", message=message)


@bp.post("/outbox/<int:message_id>/resend")
@requires(Permission.ADMIN_OUTBOX_MANAGE)
def outbox_resend(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if message.status not in (OutboxStatus.DEAD, OutboxStatus.SENT):
        abort(409)
    dispatcher.resend(message)
    flash(_("The message is queued to be sent again."), "success")
    return redirect(url_for("admin.outbox_message", message_id=message.id))
