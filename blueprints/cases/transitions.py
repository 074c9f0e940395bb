"""A case's way as data: its handler acknowledges it, decides it with reasons, then sends the
response that ends it. Only the case's handler takes these steps, and only while they are
impartial (``impartiality.impartial_handler``); naming the handler is no move of the table
(it keeps the state) but checks the same rule."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.security.permissions import Permission
from app.workflow import Transition, names
from blueprints.cases.impartiality import impartial_handler
from models import Case, CaseStatus

S = CaseStatus


def the_handler(case: Case, actor: object) -> str | None:
    if case.handler_id is None:
        return _("Name the case's handler first.")
    if getattr(actor, "id", None) != case.handler_id:
        return _("Only the case's handler can do this.")
    return None


_t = Transition.of
HANDLE = Permission.CASES_HANDLE

TRANSITIONS: tuple[Transition[CaseStatus], ...] = (
    _t("acknowledge", {S.RECEIVED}, S.ACKNOWLEDGED, HANDLE, the_handler, impartial_handler),
    _t("decide", {S.ACKNOWLEDGED}, S.DECIDED, HANDLE, the_handler, impartial_handler),
    _t("respond", {S.DECIDED}, S.CLOSED, HANDLE, the_handler, impartial_handler),
)
ACTIONS = names(TRANSITIONS)

ACTION_TITLES = {
    "acknowledge": _l("Acknowledge receipt"),
    "decide": _l("Record the decision"),
    "respond": _l("Send the response"),
}
# What the history calls each event (the moves, and what happens beside them).
EVENT_TITLES = {
    "receive": _l("Received"),
    "assign": _l("Handler named"),
    "acknowledge": _l("Receipt acknowledged"),
    "decide": _l("Decided"),
    "respond": _l("Response sent"),
    "escalate_acknowledge": _l("Escalated: not acknowledged in time"),
    "escalate_decide": _l("Escalated: not decided in time"),
}
assert set(ACTION_TITLES) == set(ACTIONS)
