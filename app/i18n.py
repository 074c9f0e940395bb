"""Language selection and locale-aware formatting.

Order: the language chosen in this session (a ``?lang=`` link, the top bar's switch, or the
profile's preference copied at sign-in), then the signed-in user's preference, then the
browser's Accept-Language, then Chinese. The top bar's switch of a signed-in user is a POST
(``auth.language``) that also changes their preference — the language of their emails; a GET
never writes it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from babel import Locale
from babel import dates as babel_dates
from babel.numbers import format_decimal
from babel.support import NullTranslations
from flask import Flask, g, has_app_context, has_request_context, request, session
from flask_babel import Domain, get_locale, get_timezone
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from app.extensions import babel
from app.problems import API_PREFIX
from models import SUPPORTED_LOCALES

DEFAULT_LOCALE = "zh"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is read later (an API description)."""
    return message


def select_locale() -> str:
    if not has_request_context():
        # The scheduler and CLI: texts kept for everyone (event comments) are in Chinese;
        # mail and notifications choose their reader's locale with force_locale.
        return DEFAULT_LOCALE
    if request.path.startswith(API_PREFIX):
        # A program states its language per call (?lang= or Accept-Language); it has no
        # session to remember one.
        asked = request.args.get("lang")
        if asked in SUPPORTED_LOCALES:
            return asked
        return request.accept_languages.best_match(SUPPORTED_LOCALES) or DEFAULT_LOCALE
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
    if lang in SUPPORTED_LOCALES and not request.path.startswith(API_PREFIX):
        session["lang"] = lang


# Templates translate about a hundred strings and format up to seventy dates per page, and the
# enums' titles are lazy strings resolved on every use; Flask-Babel walks the context proxies
# three to twelve times for each (a tenth of a project page's time). These read the locale in
# force once from Flask-Babel's own per-context state — which force_locale replaces, so an email
# written in the reader's language inside a request gets the right catalogue — and keep what
# does not change with the request.

_CATALOGUE_KEPT = "certpath_catalogue"  # (locale, catalogue) on Flask-Babel's context state
_NO_CATALOGUE = NullTranslations()


class _Domain(Domain):
    """Flask-Babel's message domain, answering from the catalogue kept for the locale in force:
    every lazy string and ``gettext`` of the Python code comes here."""

    def get_translations(self) -> NullTranslations:
        return _catalogue()


@cache
def _catalogue_of(locale: Locale) -> NullTranslations:
    # Called with ``locale`` in force, so Flask-Babel's own lookup loads that locale's catalogue.
    return Domain.get_translations(babel.domain_instance)


def _babel_state() -> SimpleNamespace | None:
    """Flask-Babel's state of this app context (the locale in force), made on first use."""
    if not has_app_context():
        return None
    state = getattr(g._get_current_object(), "_flask_babel", None)
    if state is None:
        get_locale()  # makes it
        state = g._get_current_object()._flask_babel
    return state


def _locale() -> Locale | None:
    state = _babel_state()
    if state is None:
        return None
    locale = getattr(state, "babel_locale", None)
    return locale if locale is not None else get_locale()


def _timezone() -> tzinfo:
    state = _babel_state()
    zone = getattr(state, "babel_tzinfo", None)
    return zone if zone is not None else get_timezone()


def _catalogue() -> NullTranslations:
    state = _babel_state()
    if state is None:
        return _NO_CATALOGUE
    locale = getattr(state, "babel_locale", None) or get_locale()
    if locale is None:
        return _NO_CATALOGUE
    kept = getattr(state, _CATALOGUE_KEPT, None)
    if kept is not None and kept[0] is locale:
        return kept[1]
    catalogue = _catalogue_of(locale)
    setattr(state, _CATALOGUE_KEPT, (locale, catalogue))
    return catalogue


# The templates' translations, as Jinja's "new style" ones behave (jinja2.ext): escaped where
# the template autoescapes, always formatted with the keyword arguments (which are escaped in
# turn), ``num`` and ``context`` offered to the format. Jinja's own wrap each call in two more
# context calls and its ``_`` in a third: a page translates a few dozen strings.


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
    return _formatted(eval_ctx, _catalogue().ugettext(string), variables)


@pass_eval_context
def _template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
) -> str:
    variables.setdefault("num", num)
    return _formatted(eval_ctx, _catalogue().ungettext(singular, plural, num), variables)


@pass_eval_context
def _template_pgettext(
    eval_ctx: EvalContext, context: str, string: str, /, **variables: Any
) -> str:
    variables.setdefault("context", context)
    return _formatted(eval_ctx, _catalogue().upgettext(context, string), variables)


@pass_eval_context
def _template_npgettext(
    eval_ctx: EvalContext,
    context: str,
    singular: str,
    plural: str,
    num: int,
    /,
    **variables: Any,
) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    text = _catalogue().unpgettext(context, singular, plural, num)
    return _formatted(eval_ctx, text, variables)


def _formatted(eval_ctx: EvalContext, text: str, variables: dict[str, Any]) -> str:
    # A catalogue's text is trusted markup, as Jinja's own gettext has it; the variables are
    # escaped by Markup's %.
    return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704


@lru_cache(maxsize=4096)
def _date_text(value: date, fmt: str, locale: Locale) -> str:
    return babel_dates.format_date(value, fmt, locale=locale)


@lru_cache(maxsize=4096)
def _datetime_text(value: datetime, fmt: str, locale: Locale, zone: tzinfo) -> str:
    return babel_dates.format_datetime(value, fmt, tzinfo=zone, locale=locale)


# CLDR's short English forms are American and ambiguous to most readers here ("11/29/26,
# 11:53 PM"): English pages write the month's name and a 24-hour clock, as Chinese ones do.
_PATTERNS = {
    ("en", "short", "date"): "d MMM y",
    ("en", "medium", "date"): "d MMM y",  # as its datetime reads, not CLDR's "Mar 2, 2029"
    ("en", "short", "datetime"): "d MMM y, HH:mm",
    ("en", "medium", "datetime"): "d MMM y, HH:mm",
}


def _format_date(value: date | datetime | None, fmt: str = "medium", *, rebase: bool = True) -> str:
    """The ``date`` filter: a date in the reader's locale; a datetime (naive ones are UTC, as
    stored) also in the configured time zone. ``rebase=False``: a naive datetime that is local
    time already (a meeting's start as people entered it) is shown as it is."""
    if value is None:
        return ""
    locale = _locale() or Locale.parse(DEFAULT_LOCALE)
    if isinstance(value, datetime):
        fmt = _PATTERNS.get((locale.language, fmt, "datetime"), fmt)
        return _datetime_text(value, fmt, locale, _timezone() if rebase else UTC)
    return _date_text(value, _PATTERNS.get((locale.language, fmt, "date"), fmt), locale)


def _format_amount(value: Decimal | float | int | None) -> str:
    """The ``amount`` filter: a sum of money in yuan with two places and the locale's grouping
    (1,200,000.00)."""
    if value is None:
        return ""
    locale = _locale() or Locale.parse(DEFAULT_LOCALE)
    return format_decimal(value, format="#,##0.00", locale=locale)


def _format_size(size: int | None) -> str:
    """The ``filesize`` filter: bytes as B, KB or MB with the locale's digits (a 300-byte file
    is "300 B", not "0.3 KB" or "0.0 KB")."""
    if size is None:
        return ""
    locale = _locale() or Locale.parse(DEFAULT_LOCALE)
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            value = size / scale
            shown = format_decimal(round(value, 1 if value < 10 else 0), locale=locale)
            return f"{shown} {unit}"
    return f"{format_decimal(size, locale=locale)} B"


# The ``date`` filter, for Python code (flask_babel's format_datetime would write the short
# American forms).
format_moment = _format_date


def init_app(app: Flask) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LOCALE
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = _Domain()  # a cached_property of Flask-Babel, replaced
    app.before_request(remember_language_switch)
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.filters["filesize"] = _format_size
    app.jinja_env.filters["amount"] = _format_amount
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # Jinja's "new style" gettext, whose {% trans %} and _() escape and format alike.
    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]
    app.jinja_env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )
