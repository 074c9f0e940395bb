"""The special audits on the case page (a template hook of the cases feature, which does not
import this one): for the alliance's handlers, the audits ordered from the case with their
result and, for the case's handler, the order form — or why none can be ordered now."""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from markupsafe import Markup

from app import pages
from app.security.permissions import Permission, has_permission
from app.templating import register_template_hook, render_panel
from blueprints.special_audits import forms, services
from models import Case, SpecialAuditRecommendation


def case_panel(case: Case, **_context: object) -> Markup:
    if not has_permission(current_user, Permission.CASES_HANDLE) or not services.about_a_holder(
        case
    ):
        return Markup("")
    ordered = services.of_case(case)
    return render_panel(
        "special_audits/_case_panel.html",
        case=case,
        ordered=ordered,
        refusal=services.ordering_refusal(case, current_user),
        the_handler=case.handler_id == current_user.id,
        form=pages.kept("special-audit") or forms.OrderForm(formdata=None),
        certificate_actions=has_permission(current_user, Permission.CERTIFICATES_MANAGE),
        act_on_certificate={
            SpecialAuditRecommendation.SUSPEND,
            SpecialAuditRecommendation.REVOKE,
        },
    )


def plug_in(bp: Blueprint) -> None:
    @bp.record_once
    def _plug(state: BlueprintSetupState) -> None:
        register_template_hook(state.app, "case-page", case_panel)
