"""The portal's front page (the public's; a signed-in user goes to their dashboard), role
dashboards (figures and the work list), an authority's decided reviews, and the health check."""

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import readiness
from app.clock import local_today
from app.list_exports import list_export
from app.lists import list_xlsx
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
    listed = review_history.asked(current_user.organisation_id, request.args)
    page = paginate(listed.query)
    return render_template(
        "main/review_history.html",
        page=page,
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
    )


@bp.route("/dashboard/reviews.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.ASSESSMENT_REVIEW)
def review_history_xlsx():
    """The decided reviews in Excel: the rows the filters give, in their sort, across all
    pages."""
    return list_xlsx(
        review_history.asked(current_user.organisation_id, request.args).query,
        header=[column.title for column in review_history.COLUMNS],
        rows=review_history.rows_of,
        sheet=_("Decided reviews"),
        title=f"{current_user.organisation.name} — {_('Decided reviews')}",
        filename=f"decided-reviews-{local_today().isoformat()}.xlsx",
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
