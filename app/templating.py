"""Template globals: the role's menu, permission checks, language links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, render_template, request, url_for
from flask.sansio.app import App
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from app import list_sorting, navigation
from app.navigation import account_items_html, account_menu, layout_part, menu_html
from app.security.permissions import Permission, has_permission


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
    navigation.init_app(app)
    app.jinja_env.globals["layout_part"] = layout_part
    app.jinja_env.globals["account_items_html"] = account_items_html
    app.jinja_env.globals["sort_toggled"] = list_sorting.toggled
    app.jinja_env.globals["sort_direction"] = list_sorting.direction

    @app.context_processor
    def inject() -> dict:
        return {
            "menu_html": menu_html,
            "account_menu": account_menu,
            "can": lambda permission: has_permission(current_user, permission),
            "Permission": Permission,
            "current_locale": str(get_locale() or "zh"),
            "language_url": language_url,
            "template_hook": template_hook,
        }
