"""A special audit's way as data: the case's handler orders it (a creation, checked by
``ordering``); the certificate's evaluation body schedules it with a team; the audit's lead
completes it with the verdict on the complaint and one of the recommended actions below; the
handler may cancel an order the body has not scheduled yet (the case is decided otherwise)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import local_today
from app.security.permissions import Permission
from app.workflow import Transition, names
from blueprints.audits import nonconformities
from blueprints.audits import transitions as audit_rules
from models import (
    Audit,
    CertificateStatus,
    SpecialAudit,
    SpecialAuditRecommendation,
    SpecialAuditStatus,
)

S = SpecialAuditStatus
LIVE = frozenset({CertificateStatus.VALID, CertificateStatus.SUSPENDED})


def evaluator_of_the_body(special: SpecialAudit, actor: object) -> str | None:
    if not audit_rules.evaluator_of(special.body_id, actor):
        return _("Only evaluators of the certificate's evaluation body schedule its special audit.")
    return None


def lead_of_the_audit(special: SpecialAudit, actor: object) -> str | None:
    if not audit_rules.leads(special.audit_id, actor):
        return _("Only the lead evaluator of this audit can complete it.")
    return None


def the_case_handler(special: SpecialAudit, actor: object) -> str | None:
    if getattr(actor, "id", None) != special.case.handler_id:
        return _("Only the case's handler can do this.")
    return None


def certificate_live(special: SpecialAudit, _actor: object) -> str | None:
    if special.certificate.status_on(local_today()) not in LIVE:
        return _("The certificate is no longer in force.")
    return None


def its_audit(special: SpecialAudit) -> sa.Select[tuple[int]]:
    return sa.select(Audit.id).where(Audit.id == special.audit_id)


nonconformities_resolved = nonconformities.resolved(its_audit)

_t = Transition.of
EVALUATE, HANDLE = Permission.PROJECT_EVALUATE, Permission.CASES_HANDLE

TRANSITIONS: tuple[Transition[SpecialAuditStatus], ...] = (
    _t("schedule", {S.ORDERED}, S.PLANNED, EVALUATE, evaluator_of_the_body, certificate_live),
    # The lead completes it, recommending what the alliance should do with the certificate;
    # keeping it needs the nonconformities resolved, as any conclusion that lets it stand.
    _t("maintain", {S.PLANNED}, S.COMPLETED, EVALUATE, lead_of_the_audit,
       nonconformities_resolved),
    _t("suspend", {S.PLANNED}, S.COMPLETED, EVALUATE, lead_of_the_audit),
    _t("revoke", {S.PLANNED}, S.COMPLETED, EVALUATE, lead_of_the_audit),
    _t("cancel", {S.ORDERED}, S.CANCELLED, HANDLE, the_case_handler),
)  # fmt: skip

ACTIONS = names(TRANSITIONS)
# The completing moves, each the recommendation of its name.
CONCLUSIONS = tuple(r.value for r in SpecialAuditRecommendation)
ACTION_TITLES = {
    "schedule": _l("Schedule the special audit"),
    "maintain": _l("Complete: recommend maintaining the certificate"),
    "suspend": _l("Complete: recommend suspending the certificate"),
    "revoke": _l("Complete: recommend revoking the certificate"),
    "cancel": _l("Cancel the special audit"),
}
assert set(ACTION_TITLES) == set(ACTIONS) and set(CONCLUSIONS) <= set(ACTIONS)
