"""Language selection and locale-aware formatting.

Order: the language chosen in this session (a ``?lang=`` link, the top bar's switch, or the
profile's preference copied at sign-in), then the signed-in user's preference, then the
browser's Accept-Language, then Chinese. The top bar's switch of a signed-in user is a POST
(``auth.language``) that also changes their preference — the language of their emails; a GET
never writes it.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_babel import format_date, format_datetime
from flask_login import current_user

from app.extensions import babel
from models import SUPPORTED_LOCALES

DEFAULT_LOCALE = "zh"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


def select_locale() -> str:
    if not has_request_context():
        # The scheduler and CLI: texts kept for everyone (event comments) are in Chinese;
        # mail and notifications choose their reader's locale with force_locale.
        return DEFAULT_LOCALE
    remembered = session.get("lang")
    if remembered in SUPPORTED_LOCALES:
        return remembered
    if (
        getattr(current_user, "is_authenticated", False)
        and current_user.locale in SUPPORTED_LOCALES
    ):
        return current_user.locale
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or DEFAULT_LOCALE


def remember_language_switch() -> None:
    """before_request: honour ``?lang=zh|en`` on any page, for this session."""
    lang = request.args.get("lang")
    if lang in SUPPORTED_LOCALES:
        session["lang"] = lang


def _format_date(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, fmt)
    return format_date(value, fmt)


def init_app(app: Flask) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LOCALE
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(remember_language_switch)
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.add_extension("jinja2.ext.i18n")
