"""Error pages (400/403/404/405/409/413/429/500) in both languages, and the workflow error."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db


class WorkflowError(Exception):
    """An action refused by a business rule (wrong state, failed guard): HTTP 409."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_TITLES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Access denied"), _l("Your account does not have permission to see this page.")),
    404: (_l("Page not found"), _l("There is no such page, or it is not visible to you.")),
    405: (_l("Method not allowed"), _l("This page does not accept that kind of request.")),
    409: (_l("Action not possible"), _l("The action conflicts with the current state.")),
    413: (_l("File too large"), _l("The upload exceeds the size limit.")),
    429: (_l("Too many requests"), _l("Please wait a little and try again.")),
    500: (_l("Server error"), _l("Something went wrong on our side. It has been logged.")),
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(status: int, detail: str | None = None):
    title, default_detail = _TITLES.get(status, _TITLES[500])
    message = detail or str(default_detail)
    if _wants_json():
        return {"error": str(title), "message": message, "status": status}, status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
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
        if status not in _TITLES:
            return error
        return render_error(status)
