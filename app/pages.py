"""A refused POST is answered on the page its form lives on, not on an error page.

A view that takes a form posted from a page declares that page with ``@on_page(render)``;
``render(conflict=..., **view_args)`` draws the page (the blueprint's own page function), or
returns None when there is no such page to go back to (a draft has no report). Then

* a form that does not validate (``validate(form)``, or ``refuse(field, message)`` for a rule
  checked after validation, such as a refused upload) → the page again with the errors beside
  the fields and the input kept: **422**;
* a WorkflowError (a stale version, a move the state no longer allows, a guard, a rule the
  service checks) → the page again with the reason in an alert at the top, the input kept:
  **409** — unless it names a field of the submitted form (a refused team member): then the
  reason stands beside that field, **422**.

Pages with several forms (one per action, one per finding) show the errors and input in the
form that was submitted and the others blank: the view names its form with a key
(``submitted(key, form)``), and the page takes ``kept(key)`` for that form, else a blank one.

Whatever the view did is rolled back before the page is drawn: the page shows the state as it
is. A WorkflowError of a view without a page, or whose page is gone, keeps the generic 409
page of app.errors, and a client that asks for JSON gets the JSON error as before.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

from flask import g
from flask_babel import gettext as _
from wtforms import Field

from app.errors import WorkflowError, render_error, wants_json
from app.extensions import db

View = TypeVar("View", bound=Callable[..., Any])
FormT = TypeVar("FormT")


class FormInvalid(Exception):
    """The submitted form did not validate: its page answers 422."""


def submitted(key: str, form: FormT) -> FormT:
    """Hold ``form`` as the one this request submitted, known on its page as ``key``."""
    g.submitted_form = (key, form)
    return form


def kept(key: str) -> Any:
    """The form ``key`` as this request submitted it (input and errors), or None."""
    held = g.get("submitted_form")
    return held[1] if held is not None and held[0] == key else None


def validate(form: Any) -> None:
    """Validate the submitted form, or answer with its page and the errors (422)."""
    if not form.validate():
        raise FormInvalid()


def refuse(field: Field, message: str) -> NoReturn:
    """A field the form accepted but a later check refused (an upload's type): 422."""
    field.errors = [*field.errors, message]
    raise FormInvalid()


def status_of(form: Any) -> int:
    """For views that draw their own page again: 422 when it shows the form's errors."""
    return 422 if form.errors else 200


Page = Callable[..., str | None]


def on_page(render: Page) -> Callable[[View], View]:
    """Answer the view's refusals on the page drawn by ``render`` (see the module's doc)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(**view_args: Any) -> Any:
            try:
                return view(**view_args)
            except FormInvalid:
                return _again(render, view_args, None, 422)
            except WorkflowError as error:
                if _beside_its_field(error):
                    return _again(render, view_args, None, 422)
                return _again(render, view_args, error.message, 409)

        return wrapped  # type: ignore[return-value]

    return decorate


def _beside_its_field(error: WorkflowError) -> bool:
    """Put a refusal about one field of the submitted form beside that field."""
    held = g.get("submitted_form")
    field = getattr(held[1], error.field, None) if held and error.field else None
    if not isinstance(field, Field):
        return False
    field.errors = [*field.errors, error.message]
    return True


def _again(render: Page, view_args: dict[str, Any], conflict: str | None, status: int) -> Any:
    db.session.rollback()
    page = None if wants_json() else render(conflict=conflict, **view_args)
    if page is None:
        return render_error(status, conflict or _("Some fields are missing or not valid."))
    return page, status
