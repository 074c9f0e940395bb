"""An admission's publicity (seed 004 二): open to objections from anyone while it runs
(rate-limited per address like the certificates' publicity); an open objection holds the
admission until the pool's authority upholds it — the provider is refused — or dismisses it;
after a clean period the scheduler puts the provider in the pool."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app import workflow
from app.clock import local_today, utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.workflow import SYSTEM, OnDecisionOf
from blueprints.pool import services
from blueprints.pool.transitions import OBJECTION_TRANSITIONS, TRANSITIONS
from blueprints.publicity.services import checked_objection
from models import PoolMember, PoolObjection, PoolStatus, User


def closed_to_objections(member: PoolMember) -> str | None:
    """Why no objection can be lodged against ``member`` today, or None while it is open."""
    starts, ends = member.publicity_starts_on, member.publicity_ends_on
    if member.status == PoolStatus.IN_PUBLICITY and starts and ends:
        if starts <= local_today() <= ends:
            return None
        return _(
            "Objections can be lodged only during the publicity period (%(start)s – %(end)s).",
            start=starts.isoformat(),
            end=ends.isoformat(),
        )
    return _("This provider is not in publicity.")


def lodge(member: PoolMember, name: str, contact: str, reason: str, address: str) -> PoolObjection:
    name, contact, reason, hashed = checked_objection(
        PoolObjection, closed_to_objections(member), name, contact, reason, address
    )
    objection = PoolObjection(
        member_id=member.id, name=name, contact=contact, reason=reason, address_hash=hashed
    )
    db.session.add(objection)
    db.session.flush()
    # Lodged by a member of the public, who has no account: the notice names no one.
    announce("pool.objection", objection, SYSTEM, occurrence=f"pool_objection:{objection.id}")
    return objection


def decide(
    objection: PoolObjection, actor: User, decision: str, reason: str, version: int | None
) -> None:
    """Uphold (the admission is refused) or dismiss, with the reason; once."""
    workflow.expect_version(objection, version)
    _t, target = workflow.begin(OBJECTION_TRANSITIONS, objection, decision, objection.status, actor)
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the decision."), field="reason")
    objection.status = target
    objection.decided_by_id = actor.id
    objection.decided_at = utcnow()
    objection.decision_reason = reason.strip()
    workflow.flush(_("Someone else decided on this objection meanwhile. Reload the page."))
    if decision == "uphold":
        services.perform(
            objection.member, "uphold_objection", OnDecisionOf(actor), reason=reason.strip()
        )
    announce(f"pool.objection_{decision}", objection, actor, reason=reason.strip())


def close_ended() -> int:
    """For the scheduler: the places whose publicity ended clean enter the pool."""
    ended = db.session.scalars(
        sa.select(PoolMember).where(
            PoolMember.status == PoolStatus.IN_PUBLICITY,
            PoolMember.publicity_ends_on < local_today(),
        )
    ).all()
    moved = 0
    for member in ended:
        transition = workflow.find(TRANSITIONS, "close_publicity", member.status)
        try:
            workflow.check(transition, member, SYSTEM)
        except WorkflowError:
            continue  # an open objection holds this one back
        services.perform(member, "close_publicity", SYSTEM)
        moved += 1
    return moved
