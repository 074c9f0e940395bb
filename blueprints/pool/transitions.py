"""A place in the provider pool as data (seed 004 二): the provider drafts its application
(qualifications, products) and submits it; the pool's authority assigns experts, who each
record an opinion; the authority admits — the admission is published for working days — or
refuses with reasons; a clean publicity puts the provider in the pool, an upheld objection
refuses it. The authority suspends, restores or removes an admitted provider with a reason;
the provider may appeal a suspension or a removal, and an upheld appeal restores its place.
A refused provider may apply again."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import local_today
from app.extensions import db
from app.security.permissions import Permission
from app.workflow import Transition, names
from models import PoolEvent, PoolMember, PoolObjection, PoolObjectionStatus, PoolStatus

S = PoolStatus
# The authority's decisions a provider may appeal (blueprints/cases/filing.py).
APPEALABLE = ("suspend", "remove")
APPLY, MANAGE = Permission.POOL_APPLY, Permission.DIAGNOSIS_MANAGE


def of_the_provider(member: PoolMember, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != member.provider_id:
        return _("Only the applying provider may do this.")
    return None


def of_the_authority(member: PoolMember, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != member.authority_id:
        return _("Only the authority that keeps the pool may do this.")
    return None


def an_assigned_expert(member: PoolMember, actor: object) -> str | None:
    expert_id = getattr(actor, "id", None)
    if not any(r.expert_id == expert_id and r.recorded_at is None for r in member.reviews):
        return _("Only an assigned expert who has not yet given an opinion may record one.")
    return None


def complete(member: PoolMember, _actor: object) -> str | None:
    if not member.products:
        return _("Add at least one product or solution first.")
    if not member.files:
        return _("Upload at least one qualification document first.")
    return None


def reviewed(member: PoolMember, _actor: object) -> str | None:
    if not member.reviews or any(r.recorded_at is None for r in member.reviews):
        return _("Every assigned expert records an opinion first.")
    return None


def has_open_objection(member: PoolMember) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.literal(True)).where(
                PoolObjection.member_id == member.id,
                PoolObjection.status == PoolObjectionStatus.OPEN,
            )
        )
    )


def no_open_objection(member: PoolMember, _actor: object) -> str | None:
    if has_open_objection(member):
        return _("An objection is open: the admission waits until the authority decides it.")
    return None


def publicity_over(member: PoolMember, _actor: object) -> str | None:
    if member.publicity_ends_on is None or local_today() <= member.publicity_ends_on:
        return _("The publicity period has not ended yet.")
    return None


def last_event(member: PoolMember) -> PoolEvent | None:
    return db.session.scalar(
        sa.select(PoolEvent)
        .where(PoolEvent.member_id == member.id)
        .order_by(PoolEvent.id.desc())
        .limit(1)
    )


def decision_still_standing(member: PoolMember, _actor: object) -> str | None:
    """An appeal reopens the suspension or removal it is about, not a later move."""
    event = last_event(member)
    if event is None or event.action not in APPEALABLE or event.to_status != member.status.value:
        return _("The place has changed since the decision: there is nothing to reopen.")
    return None


def _after_opinion(member: PoolMember) -> PoolStatus:
    """The last opinion awaited moves the application to the authority's decision."""
    waiting = [r for r in member.reviews if r.recorded_at is None]
    return S.REVIEWED if len(waiting) <= 1 else S.IN_REVIEW


TRANSITIONS: tuple[Transition[PoolStatus], ...] = (
    Transition.of("submit", {S.DRAFT}, S.SUBMITTED, APPLY, of_the_provider, complete),
    Transition.of("reapply", {S.REFUSED}, S.DRAFT, APPLY, of_the_provider),
    Transition.of("assign", {S.SUBMITTED, S.IN_REVIEW}, S.IN_REVIEW, MANAGE, of_the_authority),
    Transition(
        "record_opinion", frozenset({S.IN_REVIEW}), _after_opinion, MANAGE, an_assigned_expert
    ),
    Transition.of("admit", {S.REVIEWED}, S.IN_PUBLICITY, MANAGE, of_the_authority, reviewed),
    Transition.of("refuse", {S.REVIEWED}, S.REFUSED, MANAGE, of_the_authority, reviewed),
    Transition.of(
        "close_publicity",
        {S.IN_PUBLICITY},
        S.ADMITTED,
        None,
        None,
        publicity_over,
        no_open_objection,
        system=True,
    ),
    # An upheld objection: carried out for the authority that decided it.
    Transition.of("uphold_objection", {S.IN_PUBLICITY}, S.REFUSED, None, None, system=True),
    Transition.of("suspend", {S.ADMITTED}, S.SUSPENDED, MANAGE, of_the_authority),
    Transition.of("restore", {S.SUSPENDED}, S.ADMITTED, MANAGE, of_the_authority),
    Transition.of("remove", {S.ADMITTED, S.SUSPENDED}, S.REMOVED, MANAGE, of_the_authority),
    # The provider's appeal against a suspension or a removal, upheld by its impartial handler
    # (blueprints/cases): carried out for that person, the place back in the pool.
    Transition.of(
        "appeal_upheld",
        {S.SUSPENDED, S.REMOVED},
        S.ADMITTED,
        None,
        None,
        decision_still_standing,
        system=True,
    ),
)
ACTION_NAMES = names(TRANSITIONS)
ACTION_TITLES = {
    "submit": _l("Application submitted"),
    "reapply": _l("Application drafted again"),
    "assign": _l("Expert assigned"),
    "record_opinion": _l("Expert opinion recorded"),
    "admit": _l("Admitted and published"),
    "refuse": _l("Refused"),
    "close_publicity": _l("Publicity ended: entered the pool"),
    "uphold_objection": _l("Objection upheld: admission refused"),
    "suspend": _l("Suspended"),
    "restore": _l("Restored"),
    "remove": _l("Removed from the pool"),
    "appeal_upheld": _l("Appeal upheld: back in the pool"),
}

# The authority's decisions, each with its reason (the form on the place's page).
DECISIONS = ("admit", "refuse", "suspend", "restore", "remove")

OS = PoolObjectionStatus


def of_the_pool_authority(objection: PoolObjection, actor: object) -> str | None:
    return of_the_authority(objection.member, actor)


OBJECTION_TRANSITIONS: tuple[Transition[PoolObjectionStatus], ...] = (
    Transition.of("uphold", {OS.OPEN}, OS.UPHELD, MANAGE, of_the_pool_authority),
    Transition.of("dismiss", {OS.OPEN}, OS.DISMISSED, MANAGE, of_the_pool_authority),
)
