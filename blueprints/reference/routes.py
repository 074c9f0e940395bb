"""Public reference data as JSON, for the cascading region selects."""

from flask import Blueprint, jsonify

from app.security.permissions import public
from blueprints.reference import names, services

bp = Blueprint("reference", __name__, url_prefix="/reference")
bp.add_app_template_global(names.region_name, "region_name")
bp.add_app_template_global(names.region_label, "region_label")
bp.add_app_template_global(names.picker, "region_picker")


@bp.get("/regions/<code>/children")
@public
def region_children(code: str):
    rows = services.children(code) if code.isdigit() and len(code) == 6 else []
    response = jsonify([{"code": r.code, "name": r.display_name} for r in rows])
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.vary.add("Cookie")
    return response
