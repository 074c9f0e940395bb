"""A case's way as data: its handler acknowledges it, decides it with reasons, then sends the
response that ends it. Only the case's handler takes these steps, and only while they are
impartial (``impartiality.impartial_handler``); naming the handler is no move of the table
(it keeps the state) but checks the same rule."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.security.permissions import Permission
from app.workflow import Transition, names
from blueprints.cases.impartiality import impartial_handler
from models import OPEN_SPECIAL_AUDIT_STATUSES, Case, CaseStatus, SpecialAudit

S = CaseStatus


def the_handler(case: Case, actor: object) -> str | None:
    if case.handler_id is None:
        return _("Name the case's handler first.")
    if getattr(actor, "id", None) != case.handler_id:
        return _("Only the case's handler can do this.")
    return None


def no_special_audit_under_way(case: Case, _actor: object) -> str | None:
    # The decision rests on the audit's result: an order still open is completed or cancelled.
    under_way = sa.exists().where(
        SpecialAudit.case_id == case.id, SpecialAudit.status.in_(OPEN_SPECIAL_AUDIT_STATUSES)
    )
    if db.session.scalar(sa.select(under_way)):
        return _("The special audit ordered for this case is not completed yet.")
    return None


_t = Transition.of
HANDLE = Permission.CASES_HANDLE

TRANSITIONS: tuple[Transition[CaseStatus], ...] = (
    _t("acknowledge", {S.RECEIVED}, S.ACKNOWLEDGED, HANDLE, the_handler, impartial_handler),
    _t("decide", {S.ACKNOWLEDGED}, S.DECIDED, HANDLE, the_handler, impartial_handler,
       no_special_audit_under_way),
    _t("respond", {S.DECIDED}, S.CLOSED, HANDLE, the_handler, impartial_handler),
)  # fmt: skip
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
    "order_special_audit": _l("Special audit of the certificate ordered"),
    "special_audit_completed": _l("Special audit completed: its result is on this page"),
    "cancel_special_audit": _l("Special audit cancelled"),
}
assert set(ACTION_TITLES) == set(ACTIONS)
