"""Who may handle a case (ISO/IEC 17021-1 §9.7.4, §9.8.3): a member of the alliance's staff,
or an administrator, who had no part in what the case is about — neither the decision
appealed, nor the enterprise's reviews, nor any audit of its project or certificate, nor the
expert review of a provider's application to a pool — and did not file it. A provider's appeal
against a pool's authority is heard by the alliance too: outside the authority that decided,
so that no colleague of the decider judges the decision. One rule, with a message naming the
person and what they took part in; checked when the handler is named and again at every step
they take."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from models import (
    Audit,
    AuditTeamMember,
    Case,
    CertificateEvent,
    PoolReview,
    ProjectEvent,
    Role,
    ScheduleItem,
    User,
)

HANDLER_ROLES = (Role.ALLIANCE_STAFF, Role.ADMIN)
# The alliance's reviews of a project: whoever took them took part in its certification.
REVIEW_ACTIONS = ("pass_compliance", "return_compliance", "pass_re_review", "return_re_review")


def _audit_ids(case: Case) -> sa.Select:
    """The audits of the case's project and of its certificate's surveillance."""
    conditions = []
    if case.project_id is not None:
        conditions.append(Audit.project_id == case.project_id)
    if case.certificate_id is not None:
        conditions.append(
            Audit.id.in_(
                sa.select(ScheduleItem.audit_id).where(
                    ScheduleItem.certificate_id == case.certificate_id
                )
            )
        )
        if case.certificate is not None:
            conditions.append(Audit.project_id == case.certificate.project_id)
    return sa.select(Audit.id).where(sa.or_(*conditions) if conditions else sa.false())


def involvement(case: Case) -> dict[int, str]:
    """user id → what they took part in, for everyone barred from handling ``case``: in four
    queries whatever the case's history."""
    barred: dict[int, str] = {}
    decision_actor = None
    if case.project_event is not None:
        decision_actor = case.project_event.actor_id
    elif case.certificate_event is not None:
        decision_actor = case.certificate_event.actor_id
    elif case.pool_event is not None:
        decision_actor = case.pool_event.actor_id
    if decision_actor is not None:
        barred[decision_actor] = _("took the decision appealed")
    if case.filed_by_id is not None:
        barred.setdefault(case.filed_by_id, _("filed the case"))
    project_ids = {pid for pid in (case.project_id,) if pid is not None}
    if case.certificate is not None:
        project_ids.add(case.certificate.project_id)
    if project_ids:
        reviewers = db.session.scalars(
            sa.select(ProjectEvent.actor_id).where(
                ProjectEvent.project_id.in_(project_ids),
                ProjectEvent.action.in_(REVIEW_ACTIONS),
                ProjectEvent.actor_id.is_not(None),
            )
        )
        for user_id in reviewers:
            if user_id is not None:
                barred.setdefault(user_id, _("reviewed the enterprise's certification"))
    if case.certificate_id is not None:
        deciders = db.session.scalars(
            sa.select(CertificateEvent.actor_id).where(
                CertificateEvent.certificate_id == case.certificate_id,
                CertificateEvent.actor_id.is_not(None),
            )
        )
        for user_id in deciders:
            if user_id is not None:
                barred.setdefault(user_id, _("took a decision about the certificate"))
    if case.pool_member_id is not None:
        experts = db.session.scalars(
            sa.select(PoolReview.expert_id).where(PoolReview.member_id == case.pool_member_id)
        )
        for user_id in experts:
            barred.setdefault(user_id, _("reviewed the provider's application to the pool"))
    auditors = db.session.scalars(
        sa.select(AuditTeamMember.user_id).where(AuditTeamMember.audit_id.in_(_audit_ids(case)))
    )
    for user_id in auditors:
        barred.setdefault(user_id, _("sat on an audit team of the enterprise"))
    return barred


@dataclass(frozen=True)
class Candidate:
    user: User
    refusal: str | None  # why they may not handle the case, or None


def refusal(case: Case, user: User, barred: dict[int, str] | None = None) -> str | None:
    """Why ``user`` may not handle ``case``, naming them and the rule; None when they may.
    ``barred``: ``involvement(case)`` when the caller has it already (a list of candidates)."""
    # Their part first: the official of a pool's authority who decided, say, is told why, not
    # only that an authority's officials handle no cases.
    barred = involvement(case) if barred is None else barred
    if user.id in barred:
        return _(
            "%(name)s %(part)s: a complaint or appeal is handled by someone who had no part "
            "in what it is about.",
            name=user.name,
            part=barred[user.id],
        )
    if user.role not in HANDLER_ROLES or not user.active:
        return _(
            "%(name)s cannot handle complaints and appeals: only the alliance's staff and "
            "administrators do.",
            name=user.name,
        )
    return None


def candidates(case: Case) -> list[Candidate]:
    """Everyone who might handle the case, each with why not (shown when assigning)."""
    people = db.session.scalars(
        sa.select(User)
        .where(
            User.role.in_(HANDLER_ROLES),
            User.active.is_(True),
            User.password_hash.is_not(None),
        )
        .order_by(User.name, User.id)
        .limit(200)
    ).all()
    barred = involvement(case)
    return [Candidate(person, refusal(case, person, barred)) for person in people]


def impartial_handler(case: Case, actor: object) -> str | None:
    """The guard of every step the handler takes: the rule holds when they act, not only when
    they were named (they may have reviewed the enterprise since)."""
    if not isinstance(actor, User):
        return None
    return refusal(case, actor)
