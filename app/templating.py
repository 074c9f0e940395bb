"""Template globals: role navigation, permission checks, language links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, render_template, request, url_for
from flask.sansio.app import App
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app import list_sorting
from app.security.permissions import Permission, has_permission, permissions_of


@dataclass(frozen=True)
class NavItem:
    title: object
    endpoint: str
    permission: Permission


NAVIGATION = (
    NavItem(_l("Dashboard"), "main.dashboard", Permission.DASHBOARD_VIEW),
    NavItem(_l("Self-assessment"), "assessment.index", Permission.ASSESSMENT_FILL),
    NavItem(_l("Review queue"), "assessment.queue", Permission.ASSESSMENT_REVIEW),
    NavItem(_l("Decided reviews"), "main.review_history_page", Permission.ASSESSMENT_REVIEW),
    NavItem(_l("Region's assessments"), "assessment.region", Permission.ASSESSMENT_REVIEW),
    NavItem(_l("Region's projects"), "projects.region", Permission.REGION_PROJECTS_VIEW),
    NavItem(_l("Region's certificates"), "certificates.region", Permission.REGION_PROJECTS_VIEW),
    NavItem(_l("Statistics"), "statistics.index", Permission.REGION_STATISTICS_VIEW),
    NavItem(_l("Data map"), "statistics.region_map_page", Permission.REGION_STATISTICS_VIEW),
    NavItem(_l("Campaigns"), "campaigns.index", Permission.CAMPAIGNS_MANAGE),
    NavItem(_l("Roster"), "roster.index", Permission.ROSTER_MANAGE),
    NavItem(_l("Notices"), "notices.index", Permission.NOTICES_READ),
    NavItem(_l("Projects"), "projects.index", Permission.PROJECT_VIEW),
    NavItem(_l("My organisation"), "orgs.mine", Permission.ORG_VIEW),
    NavItem(_l("Organisations"), "orgs.index", Permission.REGION_ORGS_VIEW),
    NavItem(_l("Organisations"), "orgs.index", Permission.ALL_ORGS_VIEW),
    NavItem(_l("Publicity desk"), "publicity.desk", Permission.ALLIANCE_REVIEW),
    NavItem(_l("Certificates"), "certificates.register", Permission.CERTIFICATES_MANAGE),
    NavItem(_l("Holder requests"), "certificates.queues.requests", Permission.CERTIFICATES_MANAGE),
    NavItem(_l("Issued certificates"), "certificates.queues.issued", Permission.PROJECT_EVALUATE),
    NavItem(_l("My certificates"), "certificates.mine", Permission.CERTIFICATES_OWN),
    NavItem(_l("Digital level"), "diagnosis.sme_level_page", Permission.SME_LEVEL_EVALUATE),
    NavItem(_l("Diagnosis"), "engagements.index", Permission.DIAGNOSIS_VIEW),
    NavItem(_l("Diagnosis progress"), "engagements.progress_page", Permission.DIAGNOSIS_MANAGE),
    NavItem(_l("Clauses"), "clauses.index", Permission.CLAUSES_EDIT),
    NavItem(_l("Users"), "admin.users", Permission.ADMIN_USERS_MANAGE),
    NavItem(_l("Mail outbox"), "admin.outbox", Permission.ADMIN_OUTBOX_MANAGE),
)


def navigation() -> list[NavItem]:
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return []
    granted = permissions_of(user)
    seen: set[str] = set()
    items = []
    for item in NAVIGATION:
        if item.endpoint in seen or item.permission not in granted:
            continue
        seen.add(item.endpoint)
        items.append(item)
    return items


def language_url(lang: str) -> str:
    args = request.args.to_dict()
    args["lang"] = lang
    endpoint = request.endpoint or "main.index"
    try:
        values: dict[str, Any] = {**(request.view_args or {}), **args}
        return url_for(endpoint, **values)
    except Exception:
        return url_for("main.index", lang=lang)


HOOKS_KEY = "certpath.template_hooks"
TemplateHook = Callable[..., Markup]


def register_template_hook(app: App, name: str, render: TemplateHook) -> None:
    """Let a feature add a panel to another feature's page without either importing the other:
    the page calls ``template_hook(name, ...)``, which joins what every registered function
    renders for those arguments (indico's template hooks, without the signals)."""
    app.extensions.setdefault(HOOKS_KEY, {}).setdefault(name, []).append(render)


def template_hook(name: str, **kwargs: Any) -> Markup:
    renders = current_app.extensions.get(HOOKS_KEY, {}).get(name, ())
    return Markup("").join(render(**kwargs) for render in renders)


def render_panel(template: str, **context: Any) -> Markup:
    """A hook's HTML: a template rendered with autoescaping, so safe to embed as it is."""
    return Markup(render_template(template, **context))  # noqa: S704 — escaped by Jinja


def init_app(app: Flask) -> None:
    app.jinja_env.globals["sort_toggled"] = list_sorting.toggled
    app.jinja_env.globals["sort_direction"] = list_sorting.direction

    @app.context_processor
    def inject() -> dict:
        return {
            "navigation": navigation,
            "can": lambda permission: has_permission(current_user, permission),
            "Permission": Permission,
            "current_locale": str(get_locale() or "zh"),
            "language_url": language_url,
            "template_hook": template_hook,
        }
