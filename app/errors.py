"""Error pages (400/403/404/405/409/413/422/429/500/503) in both languages, and the workflow
error. A refused form or action is answered on its own page where it has one (app.pages);
these pages are for the rest."""

from __future__ import annotations

from contextlib import suppress

import sqlalchemy as sa
from flask import Flask, current_app, g, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest, HTTPException

from app import problems
from app.extensions import db, login_manager


class InputRefused(problems.SaysWhy, BadRequest):
    """A value refused at the input boundary (HTTP 400), with a translated reason."""


class WorkflowError(Exception):
    """An action refused by a business rule (wrong state, failed guard): HTTP 409.

    ``field`` names the form field the refusal is about (a team member refused by a rule):
    the form's page then shows it beside that field (app.pages)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


_TITLES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Access denied"), _l("Your account does not have permission to see this page.")),
    404: (_l("Page not found"), _l("There is no such page, or it is not visible to you.")),
    405: (_l("Method not allowed"), _l("This page does not accept that kind of request.")),
    409: (_l("Action not possible"), _l("The action conflicts with the current state.")),
    413: (_l("File too large"), _l("The upload exceeds the size limit.")),
    422: (_l("Check the form"), _l("Some fields are missing or not valid.")),
    429: (_l("Too many requests"), _l("Please wait a little and try again.")),
    500: (_l("Server error"), _l("Something went wrong on our side. It has been logged.")),
    503: (
        _l("Service unavailable"),
        _l("The service is temporarily unavailable. Please try again in a few minutes."),
    ),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(status: int, detail: str | None = None):
    if problems.is_api_request():
        return problems.problem(status, detail)
    title, default_detail = _TITLES.get(status, _TITLES[500])
    message = detail or str(default_detail)
    if wants_json():
        return {"error": str(title), "message": message, "status": status}, status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _signed_in_locale() -> str | None:
    """The signed-in user's language as already loaded, or None — without a query."""
    # Flask-Login keeps the request's user in g._login_user; absent, it was never loaded.
    state = sa.inspect(g.get("_login_user"), raiseerr=False)
    return state.dict.get("locale") if state is not None else None


def database_unavailable(error: sa_exc.SQLAlchemyError):
    """503 when the database does not answer (a timeout, a lost connection, a full pool).

    The page is drawn without the database: the signed-in user is set aside (the top bar would
    load their organisation and notifications), keeping only their language.
    """
    if is_conflict(error):
        return changed_meanwhile()
    current_app.logger.error("database unavailable: %s", error)
    locale = _signed_in_locale()
    g._login_user = login_manager.anonymous_user()
    # Undo the request's work. A lost connection took its transaction with it, and rolling
    # back may then fail: nothing is left to undo, and the pool discards the connection.
    with suppress(sa_exc.SQLAlchemyError):
        db.session.rollback()
    if locale is None:
        return render_error(503)
    with force_locale(locale):
        return render_error(503)


# deadlock_detected, serialization_failure
LOST_RACE_SQLSTATES = frozenset({"40P01", "40001"})


def is_conflict(error: BaseException) -> bool:
    """A concurrent change won the race: a row's version moved on, or the row another request
    was about to insert exists now (a unique constraint). Other integrity errors are bugs."""
    if isinstance(error, StaleDataError):
        return True
    if isinstance(error, sa_exc.OperationalError):
        # Two transactions waiting on each other's rows (one is chosen to give way), or a
        # serialisable one overtaken: the same race, lost the database's way.
        return getattr(error.orig, "sqlstate", None) in LOST_RACE_SQLSTATES
    if isinstance(error, sa_exc.IntegrityError):
        original = error.orig
        return getattr(original, "sqlstate", None) == "23505" or (
            "UNIQUE constraint failed" in str(original)
        )
    return False


def changed_meanwhile():
    """409 for the request that lost a race, wherever it lost it (a flush, the commit)."""
    with suppress(sa_exc.SQLAlchemyError):
        db.session.rollback()
    return render_error(
        409, _("This was changed meanwhile. Reload the page to see its current state.")
    )


def _conflict_or_error(error: sa_exc.SQLAlchemyError):
    if is_conflict(error):
        return changed_meanwhile()
    raise error


def _api_detail(error: HTTPException) -> str | None:
    """A refusal's own words for a program (an input refused, a limit named); the generic
    description of the status otherwise."""
    if isinstance(error, problems.SaysWhy):
        return error.description
    return None


def _kept_headers(error: HTTPException) -> dict[str, str]:
    """What the refusal told the client besides its body: Allow for a 405, Retry-After."""
    response = error.get_response()
    return {
        name: value
        for name, value in response.headers.items()
        if name in ("Allow", "Retry-After", "WWW-Authenticate")
    }


def init_app(app: Flask) -> None:
    app.register_error_handler(StaleDataError, _conflict_or_error)
    app.register_error_handler(sa_exc.IntegrityError, _conflict_or_error)
    app.register_error_handler(sa_exc.OperationalError, database_unavailable)
    app.register_error_handler(sa_exc.TimeoutError, database_unavailable)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return render_error(
            400,
            _(
                "The form was missing its security token or it had expired. "
                "Please reload the page and try again."
            ),
        )

    @app.errorhandler(WorkflowError)
    def workflow_error(error: WorkflowError):
        db.session.rollback()
        return render_error(409, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if problems.is_api_request():
            return problems.problem(status, _api_detail(error), headers=_kept_headers(error))
        if status not in _TITLES:
            return error
        return render_error(status, error.description if isinstance(error, InputRefused) else None)
