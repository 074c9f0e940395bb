"""Regional statistics: the page of a region's stages, scores, indicators and units, and its
Excel. An authority reads its region and the regions below; the platform's staff the country."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from app.clock import local_today
from app.excel import xlsx_response
from app.extensions import db
from app.input_boundary import int_arg
from app.security.permissions import Permission, has_permission, requires
from blueprints.assessment import benchmarks
from blueprints.campaigns.regions import region_or_none
from blueprints.statistics import exports, services
from models import Industry, IndustryLevel

bp = Blueprint("statistics", __name__, url_prefix="/statistics", template_folder="templates")
BENCHMARKS_SHOWN = 50


def _scope() -> services.Scope:
    """The region asked for (``?region=``, within the viewer's), the year and the industry;
    what does not parse falls back to the viewer's region, this year, every industry."""
    national = has_permission(current_user, Permission.ALL_ORGS_VIEW)
    own = None if national else current_user.organisation.region
    if own is None and not national:
        abort(404)
    region = own
    found = region_or_none(request.args.get("region", ""))
    if found is not None and (own is None or found.code.startswith(own.prefix)):
        region = found
    industry = request.args.get("industry", "")
    if industry and db.session.get(Industry, industry) is None:
        industry = ""
    year = int_arg("year", 1990, 2099) or local_today().year
    return services.Scope(region, year, industry)


def _industries() -> list[Industry]:
    """Sections and divisions, for the filter (about a hundred rows of reference data)."""
    return list(db.session.scalars(sa.select(Industry).order_by(Industry.code)))


@bp.get("/")
@requires(Permission.REGION_STATISTICS_VIEW)
def index():
    scope = _scope()
    assessed, stages = services.stages(scope)
    return render_template(
        "statistics/index.html",
        scope=scope,
        assessed=assessed,
        stages=stages,
        stage_names={s.key: s.title for s in stages},
        dimensions=services.dimensions(scope),
        indicators=services.indicators(scope),
        units=services.units(scope),
        trend=services.trend(scope),
        benchmarks=db.session.execute(
            benchmarks.of_region(scope.region.prefix if scope.region else None, scope.year).limit(
                BENCHMARKS_SHOWN
            )
        ).all(),
        industries=_industries(),
        section=IndustryLevel.SECTION,
    )


@bp.get("/export.xlsx")
@requires(Permission.REGION_STATISTICS_VIEW)
def export():
    scope = _scope()
    place = scope.region.code if scope.region else "000000"
    industry = f"-{scope.industry}" if scope.industry else ""
    filename = f"statistics-{scope.year}-{place}{industry}.xlsx"
    return xlsx_response(functools.partial(exports.statistics_xlsx, scope), filename)
