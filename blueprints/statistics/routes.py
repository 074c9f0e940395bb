"""Regional statistics: the page of a region's stages, scores, indicators and units, and its
Excel. An authority reads its region and the regions below; the platform's staff the country."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_login import current_user

from app.clock import local_today
from app.excel import xlsx_response
from app.extensions import db
from app.input_boundary import int_arg
from app.security.permissions import Permission, has_permission, requires
from blueprints.assessment import benchmarks
from blueprints.campaigns.regions import region_or_none
from blueprints.statistics import boundaries, exports, region_map, services, snapshots
from models import Campaign, Industry, IndustryLevel, Region

bp = Blueprint("statistics", __name__, url_prefix="/statistics", template_folder="templates")
BENCHMARKS_SHOWN = 50


def _region(code: str) -> Region | None:
    """The region ``code`` names if the viewer may read it, else the viewer's own (None: the
    whole country, for the platform's staff)."""
    national = has_permission(current_user, Permission.ALL_ORGS_VIEW)
    own = None if national else current_user.organisation.region
    if own is None and not national:
        abort(404)
    found = region_or_none(code)
    if found is not None and (own is None or found.code.startswith(own.prefix)):
        return found
    return own


def _scope() -> services.Scope:
    """The region asked for (``?region=``, within the viewer's), the year and the industry;
    what does not parse falls back to the viewer's region, this year, every industry."""
    region = _region(request.args.get("region", ""))
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
    figures = snapshots.figures(scope)
    return render_template(
        "statistics/index.html",
        scope=scope,
        assessed=figures.assessed,
        stages=figures.stages,
        stage_names={s.key: s.title for s in figures.stages},
        dimensions=figures.dimensions,
        indicators=figures.indicators,
        units=figures.units,
        trend=figures.trend,
        as_of=figures.as_of,
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


def _campaign(campaigns: list[Campaign]) -> Campaign | None:
    """The campaign asked for among those over the region (``none``: no campaign), else the
    newest."""
    asked = request.args.get("campaign", "")
    if asked == "none" or not campaigns:
        return None
    chosen = int_arg("campaign", 1, 2**31 - 1)
    return next((c for c in campaigns if c.id == chosen), campaigns[0])


@bp.get("/map")
@requires(Permission.REGION_STATISTICS_VIEW)
def region_map_page():
    scope = _scope()
    campaigns = region_map.campaigns_over(scope)
    campaign = _campaign(campaigns)
    metrics = region_map.metrics(scope, campaign)
    keys = [m.key for m in metrics]
    metric = request.args.get("metric", "")
    if metric not in keys:
        metric = "completion" if campaign is not None else "mean"
    rows, as_of = region_map.rows(scope, campaign)
    kept: dict[str, Any] = {
        "year": scope.year,
        "industry": scope.industry or None,
        "campaign": campaign.id if campaign else ("none" if campaigns else None),
    }
    figures = {
        "boundaries": url_for(
            "statistics.boundaries_of", region=scope.region.code if scope.region else "000000"
        ),
        "metric": metric,
        "metrics": [{"key": m.key, "title": m.title, "unit": m.unit} for m in metrics],
        "values": {m.key: {r.code: r.value(m.key) for r in rows if not r.direct} for m in metrics},
        "drill": {
            r.code: url_for("statistics.region_map_page", region=r.code, metric=metric, **kept)
            for r in rows
            if r.drill and not r.direct
        },
    }
    return render_template(
        "statistics/map.html",
        scope=scope,
        campaigns=campaigns,
        campaign=campaign,
        metrics=metrics,
        metric=metric,
        rows=rows,
        figures=figures,
        kept=kept,
        as_of=as_of,
        stage_keys=[m.key.removeprefix("stage:") for m in metrics if m.key.startswith("stage:")],
        industries=_industries(),
        section=IndustryLevel.SECTION,
        drawn=boundaries.available(),
    )


@bp.get("/map/<region>.json")
@requires(Permission.REGION_STATISTICS_VIEW)
def boundaries_of(region: str):
    """The shapes of the region's reporting units (the provinces, for the whole country)."""
    shown = _region(region)
    if shown is None and region != "000000":
        abort(404)
    if shown is not None and shown.code != region:
        abort(404)
    _, _, order = services.parts(services.Scope(shown, local_today().year))
    units = [(code, name) for code, name, _drill, direct in order if not direct]
    response = jsonify(boundaries.collection(units, national=shown is None))
    response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)
