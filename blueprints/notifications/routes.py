"""The user's notifications."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user

from app import events
from app.pagination import paginate
from app.security import sessions
from app.security.permissions import Permission, requires
from blueprints.notifications import forms, notice_list, services
from blueprints.notifications.delivery import deliver
from blueprints.notifications.table import MUTABLE_CATEGORIES

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")


def _unread() -> int:
    """Read lazily by the navigation, so pages without a signed-in user run no query: counted
    by the query that loaded the user (app/security/sessions.py), else counted here."""
    if not getattr(current_user, "is_authenticated", False):
        return 0
    user = current_user._get_current_object()
    unread = sessions.unread_when_loaded(user)
    return services.unread_count(user) if unread is None else unread


@bp.record_once
def _hear_the_features(state: BlueprintSetupState) -> None:
    """Every event the features announce goes through the notice table."""
    events.register(state.app, deliver)


@bp.app_context_processor
def inject_unread() -> dict[str, object]:
    """The bell in the top bar of every page shows the unread count."""
    return {"unread_notifications": _unread}


@bp.get("/")
@requires(Permission.DASHBOARD_VIEW)
def index():
    listed = notice_list.asked(current_user, request.args)
    return render_template(
        "notifications/index.html",
        page=paginate(listed.query),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
    )


@bp.post("/read")
@requires(Permission.DASHBOARD_VIEW)
def read():
    services.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/open")
@requires(Permission.DASHBOARD_VIEW)
def open_one(notification_id: int):
    """Mark one notice read and go where it points (a POST: reading it is a change)."""
    link = services.mark_read(current_user, notification_id)
    if link is None:
        abort(404)
    # Links are made by the app itself (external_url); anything else stays here.
    base = current_app.config["BASE_URL"].rstrip("/") + "/"
    return redirect(link if link.startswith(base) else url_for("notifications.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@requires(Permission.DASHBOARD_VIEW)
def preferences():
    form = forms.PreferencesForm()
    if form.validate_on_submit():
        current_user.email_muted = form.muted()
        flash(_("Your notification settings have been saved."), "success")
        return redirect(url_for("notifications.preferences"))
    if not form.is_submitted():
        muted = set(current_user.email_muted or [])
        form.emailed.data = [c.value for c in MUTABLE_CATEGORIES if c.value not in muted]
    status = 422 if form.errors else 200
    return render_template("notifications/preferences.html", form=form), status
