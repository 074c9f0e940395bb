"""A schedule item's way as data (DOMAIN.md §6): the evaluation body plans and concludes the
surveillance audit; a recertification is recommended, then reviewed by two alliance staff;
the scheduler marks what was not done by its due date."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import local_today
from app.security.permissions import Permission
from app.workflow import Transition, names
from blueprints.audits import nonconformities
from blueprints.audits import transitions as audit_rules
from blueprints.audits.impartiality import declared_reviewer, four_eyes
from models import (
    Audit,
    CertificateStatus,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
)

SURVEILLANCE_KINDS = frozenset({ScheduleKind.SURVEILLANCE_1, ScheduleKind.SURVEILLANCE_2})
S = ScheduleStatus
IN_FORCE = frozenset({CertificateStatus.VALID, CertificateStatus.SUSPENDED})


def evaluator_of_the_body(item: ScheduleItem, actor: object) -> str | None:
    if not audit_rules.evaluator_of(item.certificate.body_id, actor):
        return _("Only evaluators of the certificate's evaluation body plan its surveillance.")
    return None


def lead_of_the_audit(item: ScheduleItem, actor: object) -> str | None:
    if not audit_rules.leads(item.audit_id, actor):
        return _("Only the lead evaluator of this audit can conclude it.")
    return None


def certificate_in_force(item: ScheduleItem, _actor: object) -> str | None:
    if item.certificate.status_on(local_today()) not in IN_FORCE:
        return _("The certificate is no longer in force.")
    return None


def a_surveillance(item: ScheduleItem, _actor: object) -> str | None:
    if item.kind not in SURVEILLANCE_KINDS:
        return _("This decision concludes a surveillance evaluation, not a recertification.")
    return None


def a_recertification(item: ScheduleItem, _actor: object) -> str | None:
    if item.kind != ScheduleKind.RECERTIFICATION:
        return _("This decision concludes a recertification, not a surveillance evaluation.")
    return None


def overdue(item: ScheduleItem, _actor: object) -> str | None:
    if item.due_on >= local_today():
        return _("The evaluation is not overdue yet.")
    return None


def its_audit(item: ScheduleItem) -> sa.Select[tuple[int]]:
    return sa.select(Audit.id).where(Audit.id == item.audit_id)


nonconformities_resolved = nonconformities.resolved(its_audit)
# Four eyes: the re-review is someone else's than the compliance review.
other_than_compliance_reviewer = four_eyes(lambda item: item.compliance_by_id)
# The reviewer deciding signed this year's declaration and declared no conflict with the holder.
declared_for_the_holder = declared_reviewer(lambda item: item.certificate.organisation)


_t = Transition.of


EVALUATE, MANAGE = Permission.PROJECT_EVALUATE, Permission.CERTIFICATES_MANAGE

TRANSITIONS: tuple[Transition[ScheduleStatus], ...] = (
    _t("plan", {S.OPEN}, S.PLANNED, EVALUATE, evaluator_of_the_body, certificate_in_force),
    # The lead evaluator concludes a surveillance audit ...
    _t("maintain", {S.PLANNED}, S.DONE, EVALUATE, lead_of_the_audit, a_surveillance,
       nonconformities_resolved),
    _t("suspend", {S.PLANNED}, S.DONE, EVALUATE, lead_of_the_audit, a_surveillance),
    # ... or a recertification audit, which the alliance then reviews with four eyes.
    _t("recommend", {S.PLANNED}, S.RECOMMENDED, EVALUATE, lead_of_the_audit, a_recertification,
       nonconformities_resolved),
    _t("not_recommend", {S.PLANNED}, S.NOT_RECOMMENDED, EVALUATE, lead_of_the_audit,
       a_recertification),
    _t("pass_review", {S.RECOMMENDED}, S.REVIEWED, MANAGE, None, declared_for_the_holder),
    _t("issue", {S.REVIEWED}, S.DONE, MANAGE, other_than_compliance_reviewer,
       declared_for_the_holder),
    # The scheduler: not done by the due date.
    _t("miss", {S.OPEN, S.PLANNED}, S.MISSED, None, None, overdue, system=True),
)  # fmt: skip

ACTION_NAMES = names(TRANSITIONS)
CONCLUSIONS = ("maintain", "suspend", "recommend", "not_recommend")
CONCLUSION_TITLES = {
    "maintain": _l("Maintain the certificate"),
    "suspend": _l("Suspend the certificate"),
    "recommend": _l("Recommend recertification"),
    "not_recommend": _l("Do not recommend"),
}
