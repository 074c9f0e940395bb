"""The user's notifications."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.notifications import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")


def _unread() -> int:
    """Read lazily by the navigation, so pages without a signed-in user run no query."""
    if not getattr(current_user, "is_authenticated", False):
        return 0
    return services.unread_count(current_user)


@bp.app_context_processor
def inject_unread() -> dict[str, object]:
    """The bell in the top bar of every page shows the unread count."""
    return {"unread_notifications": _unread}


@bp.get("/")
@requires(Permission.DASHBOARD_VIEW)
def index():
    page = paginate(services.of_user(current_user))
    return render_template("notifications/index.html", page=page)


@bp.post("/read")
@requires(Permission.DASHBOARD_VIEW)
def read():
    services.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))
