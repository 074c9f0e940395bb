"""Start page, role dashboards and the health check."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.clock import local_today
from app.security.permissions import Permission, public, requires
from blueprints.main import services

bp = Blueprint("main", __name__, template_folder="templates")


@bp.get("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("main/index.html")


@bp.get("/dashboard")
@requires(Permission.DASHBOARD_VIEW)
def dashboard():
    return render_template(
        "main/dashboard.html", data=services.dashboard_for(current_user), today=local_today()
    )


@bp.get("/healthz")
@public
def healthz():
    report = services.health()
    return report, 200 if report["status"] == "ok" else 503
