"""A certificate's lifecycle as data (DOMAIN.md §5, §6): who may suspend, restore, revoke,
cancel or reissue it, what the scheduler does by itself, and the rules each move obeys.

Sources are stored statuses; whether the certificate is still in force (not past its expiry)
is the ``in_force`` guard, so a valid certificate past its expiry date refuses a suspension
with the reason rather than with "wrong state", and the expiry job is a transition like the
others.
"""

from __future__ import annotations

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import local_today, utcnow
from app.extensions import db
from app.security.permissions import Permission
from app.workflow import Transition, names
from models import Certificate, CertificateEvent, CertificateStatus

C = CertificateStatus


def in_force(certificate: Certificate, _actor: object) -> str | None:
    if local_today() > certificate.expires_on:
        return _("The certificate expired on %(date)s.", date=certificate.expires_on.isoformat())
    return None


def past_expiry(certificate: Certificate, _actor: object) -> str | None:
    if local_today() <= certificate.expires_on:
        return _("The certificate has not reached its expiry date.")
    return None


def suspended_too_long(certificate: Certificate, _actor: object) -> str | None:
    months = current_app.config["SUSPENSION_MAX_MONTHS"]
    if certificate.status_changed_at >= utcnow() - relativedelta(months=months):
        return _("The certificate has been suspended for less than %(n)d months.", n=months)
    return None


def evaluator_of_its_body(certificate: Certificate, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != certificate.body_id:
        return _("Only the certificate's evaluation body can do this.")
    return None


# The decisions about a certificate its holder may appeal (ISO/IEC 17021-1 §9.7): an upheld
# appeal takes it back to the status the decision found it in.
APPEALABLE = frozenset({"suspend", "revoke", "suspend_at_surveillance", "suspend_overdue",
                        "revoke_long_suspension"})  # fmt: skip


def last_event(certificate: Certificate) -> CertificateEvent | None:
    return db.session.scalar(
        sa.select(CertificateEvent)
        .where(CertificateEvent.certificate_id == certificate.id)
        .order_by(CertificateEvent.id.desc())
        .limit(1)
    )


def decision_still_standing(certificate: Certificate, _actor: object) -> str | None:
    event = last_event(certificate)
    if event is None or event.action not in APPEALABLE or event.to_status != certificate.status:
        return _("The certificate has changed since the decision: there is nothing to reopen.")
    return None


def before_the_decision(certificate: Certificate) -> CertificateStatus:
    event = last_event(certificate)
    return event.from_status if event is not None and event.from_status else certificate.status


_t = Transition.of


MANAGE = Permission.CERTIFICATES_MANAGE

TRANSITIONS: tuple[Transition[CertificateStatus], ...] = (
    # The alliance staff's lifecycle actions.
    _t("suspend", {C.VALID}, C.SUSPENDED, MANAGE, None, in_force),
    _t("restore", {C.SUSPENDED}, C.VALID, MANAGE, None, in_force),
    _t("revoke", {C.VALID, C.SUSPENDED}, C.REVOKED, MANAGE, None, in_force),
    _t("cancel", {C.VALID, C.SUSPENDED}, C.CANCELLED, MANAGE, None, in_force),
    _t("reissue", {C.VALID}, C.SUPERSEDED, MANAGE, None, in_force),
    # A recertification issues a new certificate, in time or after the expiry.
    _t("recertify", {C.VALID, C.SUSPENDED, C.EXPIRED}, C.SUPERSEDED, MANAGE),
    # The evaluation body concludes a surveillance audit with a suspension.
    _t("suspend_at_surveillance", {C.VALID}, C.SUSPENDED, Permission.PROJECT_EVALUATE,
       evaluator_of_its_body, in_force),
    # The scheduler: a missed surveillance, a suspension that lasted too long, the expiry.
    _t("suspend_overdue", {C.VALID}, C.SUSPENDED, None, None, in_force, system=True),
    _t("revoke_long_suspension", {C.SUSPENDED}, C.REVOKED, None, None, in_force,
       suspended_too_long, system=True),
    _t("expire", {C.VALID, C.SUSPENDED}, C.EXPIRED, None, None, past_expiry, system=True),
    # An appeal upheld by its impartial handler (blueprints/cases).
    Transition("appeal_upheld", frozenset({C.SUSPENDED, C.REVOKED}), before_the_decision, None,
               None, (in_force, decision_still_standing), system=True),
)  # fmt: skip

ACTION_NAMES = names(TRANSITIONS)
# What alliance staff choose on the certificate page, in the order offered.
STAFF_ACTIONS = ("suspend", "restore", "revoke", "cancel", "reissue")
# A reason is part of the record of these moves.
NEEDS_REASON = frozenset(
    {
        "suspend",
        "revoke",
        "cancel",
        "reissue",
        "suspend_at_surveillance",
        "suspend_overdue",
        "appeal_upheld",
    }
)
STAFF_ACTION_TITLES = {
    "suspend": _l("Suspend"),
    "restore": _l("Restore"),
    "revoke": _l("Revoke"),
    "cancel": _l("Cancel at the holder’s request"),
    "reissue": _l("Reissue"),
}
