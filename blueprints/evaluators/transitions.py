"""A registration's and a competence claim's way as data: the body submits it, the alliance
approves it or returns it with a reason, the body corrects a returned one and submits it
again. Only approved records count."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import local_today
from app.security.permissions import Permission
from app.workflow import Transition, names
from models import RecordStatus

R = RecordStatus


def of_the_body(record: object, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != getattr(record, "body_id", None):
        return _("Only the person's evaluation body submits their records.")
    return None


def not_expired(record: object, _actor: object) -> str | None:
    """A registration that has expired is approved by nobody: it is registered anew."""
    expires_on = getattr(record, "expires_on", None)
    if expires_on is not None and expires_on <= local_today():
        return _("This registration has expired.")
    return None


TRANSITIONS: tuple[Transition[RecordStatus], ...] = (
    Transition.of(
        "approve", {R.SUBMITTED}, R.APPROVED, Permission.EVALUATORS_APPROVE, None, not_expired
    ),
    Transition.of("return", {R.SUBMITTED}, R.RETURNED, Permission.EVALUATORS_APPROVE),
    Transition.of("resubmit", {R.RETURNED}, R.SUBMITTED, Permission.EVALUATORS_RECORD, of_the_body),
)
ACTIONS = names(TRANSITIONS)

ACTION_TITLES = {
    "approve": _l("Approve"),
    "return": _l("Return"),
    "resubmit": _l("Submit again"),
}
