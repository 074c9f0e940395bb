"""A holder's request (cancellation, reissue) as data: alliance staff carry it out — the
certificate's own transition, by the certificate's table — or decline it with a reason.

The request's state is read from what it holds, not stored twice: open while ``handled_at`` is
empty; then its outcome, or none when its certificate left force first (revoked, expired),
which settles every open request of it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import local_today
from app.security.permissions import Permission
from app.workflow import Transition, names
from blueprints.certificates.transitions import TRANSITIONS as CERTIFICATE_TRANSITIONS
from models import CertificateRequest, User
from models.types import TitledEnum


class RequestState(TitledEnum):
    OPEN = "open", _l("Waiting for the alliance")
    DONE = "done", _l("Carried out")
    DECLINED = "declined", _l("Declined")
    CLOSED = "closed", _l("Closed with the certificate")


def state_of(item: CertificateRequest) -> RequestState:
    if item.handled_at is None:
        return RequestState.OPEN
    if item.outcome is None:
        return RequestState.CLOSED
    return RequestState(item.outcome.value)


def certificate_allows(item: CertificateRequest, actor: User) -> str | None:
    """What the holder asked for is possible on the certificate now (its table, its guards)."""
    certificate = item.certificate
    for transition in CERTIFICATE_TRANSITIONS:
        if transition.name == item.kind.value and certificate.status in transition.sources:
            return next(
                (reason for guard in transition.guards if (reason := guard(certificate, actor))),
                None,
            )
    return _(
        "Not possible while the certificate is %(status)s.",
        status=certificate.status_on(local_today()).title,
    )


_t = Transition.of
S, MANAGE = RequestState, Permission.CERTIFICATES_MANAGE

TRANSITIONS: tuple[Transition[RequestState], ...] = (
    _t("carry_out", {S.OPEN}, S.DONE, MANAGE, None, certificate_allows),
    _t("decline", {S.OPEN}, S.DECLINED, MANAGE),
)

ACTION_NAMES = names(TRANSITIONS)
ACTION_TITLES = {
    "carry_out": _l("Carry it out"),
    "decline": _l("Decline"),
}
assert set(ACTION_TITLES) == set(ACTION_NAMES)
