"""The portal's front page (the public's; a signed-in user goes to their dashboard), role
dashboards (figures and the work list), an authority's decided reviews, and the health check."""

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user

from app import readiness
from app.clock import local_today
from app.pagination import paginate
from app.public_cache import public_cacheable
from app.security.permissions import Permission, public, public_rate_limited, requires
from blueprints.main import portal, review_history, services

bp = Blueprint("main", __name__, template_folder="templates")


FAVICON_MAX_AGE = 7 * 24 * 3600  # seconds


@bp.get("/")
@public_rate_limited
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return public_cacheable(render_template("main/index.html", **portal.front_page()))


@bp.get("/dashboard")
@requires(Permission.DASHBOARD_VIEW)
def dashboard():
    return render_template(
        "main/dashboard.html", data=services.dashboard_for(current_user), today=local_today()
    )


@bp.get("/dashboard/reviews")
@requires(Permission.ASSESSMENT_REVIEW)
def review_history_page():
    filters = review_history.Filters.from_request()
    page = paginate(review_history.decided_by(current_user.organisation_id, filters))
    return render_template(
        "main/review_history.html",
        page=page,
        filters=filters,
    )


@bp.get("/healthz")
@public
def healthz():
    """Liveness: the process answers (a supervisor restarts it when it does not). It reads
    nothing: a database outage is no reason to restart every node."""
    return {"status": "ok"}


@bp.get("/readyz")
@public
def readyz():
    """Readiness: what the load balancer asks before sending traffic (app.readiness)."""
    return readiness.report(services.database_answers)


@bp.get("/favicon.ico")
@public
def favicon():
    """Browsers ask for it at the root whatever the page links (downloads, PDFs, old ones)."""
    return send_from_directory(
        current_app.static_folder or "static",
        "img/favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=FAVICON_MAX_AGE,
    )
