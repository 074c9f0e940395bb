"""Publicity (公示): batches counted in China's working days, objections, closing.

The period is N working days (CERTPATH_PUBLICITY_WORKING_DAYS) on the official holiday
calendar; for a year the calendar does not cover yet, Monday–Friday is assumed and the batch
says so. Objections are open to anyone during the period, rate-limited per address.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import workflow
from app.clock import local_today, utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.workdays import add_working_days
from app.workflow import SYSTEM, Actor
from blueprints.projects import services as projects
from blueprints.publicity import queries
from blueprints.publicity.transitions import TRANSITIONS
from blueprints.reference.names import region_label
from models import (
    Objection,
    PoolObjection,
    Project,
    ProjectStatus,
    PublicityBatch,
    PublicityEntry,
    User,
)

NAME_MAX, CONTACT_MAX, REASON_MAX = 100, 200, 2000


def create_batch(
    actor: User, title: str, starts_on: date, project_ids: list[int]
) -> PublicityBatch:
    if starts_on < local_today():
        raise WorkflowError(_("A publicity period cannot start in the past."))
    chosen = [p for p in queries.waiting_projects() if p.id in set(project_ids)]
    if not chosen or len(chosen) != len(set(project_ids)):
        raise WorkflowError(_("Choose projects that are waiting for publicity."))
    period = add_working_days(starts_on, current_app.config["PUBLICITY_WORKING_DAYS"])
    batch = PublicityBatch(
        title=title.strip() or _("Publicity"),
        starts_on=period.start,
        ends_on=period.end,
        working_days=period.working_days,
        estimated=period.estimated,
        created_by_id=actor.id,
    )
    db.session.add(batch)
    db.session.flush()
    for project in chosen:
        org = project.organisation
        batch.entries.append(
            PublicityEntry(
                project_id=project.id,
                enterprise_name=org.name,
                region_name=region_label(org.region_code, localised_names=False),
                region_code=org.region_code,
                body_name=project.body.name if project.body else "",
                scope=project.scope,
            )
        )
        projects.perform(project, "publish", actor, batch_id=batch.id)
    db.session.flush()
    # Heard by the webhooks (a public announcement); the projects' parties hear of each move.
    announce("publicity.batch_opened", batch, actor, occurrence=f"publicity_batch:{batch.id}")
    return batch


def address_hash(address: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def refuse_flooding(model: type[Objection] | type[PoolObjection], hashed: str) -> None:
    """At most OBJECTIONS_PER_ADDRESS_PER_DAY objections of a kind from one address a day."""
    limit = current_app.config["OBJECTIONS_PER_ADDRESS_PER_DAY"]
    recent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(model)
        .where(model.address_hash == hashed, model.created_at >= utcnow() - timedelta(days=1))
    )
    if (recent or 0) >= limit:
        raise WorkflowError(
            _(
                "Too many objections from your address today. Please try again "
                "tomorrow or contact the alliance directly."
            )
        )


def closed_to_objections(entry: PublicityEntry) -> str | None:
    """Why no objection to ``entry`` can be lodged today, or None while its period runs."""
    batch = entry.batch
    if entry.removed_at is None and batch.starts_on <= local_today() <= batch.ends_on:
        return None
    return _(
        "Objections can be lodged only during the publicity period (%(start)s – %(end)s).",
        start=batch.starts_on.isoformat(),
        end=batch.ends_on.isoformat(),
    )


def checked_objection(
    model: type[Objection] | type[PoolObjection],
    closed: str | None,
    name: str,
    contact: str,
    reason: str,
    address: str,
) -> tuple[str, str, str, str]:
    """An objection's fields, stripped and bounded, and its address's hash; a WorkflowError
    when the period is ``closed`` (the reason), a field is missing or the address floods."""
    if closed:
        raise WorkflowError(closed)
    name, contact, reason = name.strip(), contact.strip(), reason.strip()
    if not (name and contact and reason):
        raise WorkflowError(_("Give your name, a way to contact you and the reason."))
    if len(name) > NAME_MAX or len(contact) > CONTACT_MAX or len(reason) > REASON_MAX:
        raise WorkflowError(
            _("The objection is too long: at most %(n)d characters for the reason.", n=REASON_MAX)
        )
    hashed = address_hash(address)
    refuse_flooding(model, hashed)
    return name, contact, reason, hashed


def lodge_objection(
    entry: PublicityEntry, name: str, contact: str, reason: str, address: str
) -> Objection:
    name, contact, reason, hashed = checked_objection(
        Objection, closed_to_objections(entry), name, contact, reason, address
    )
    objection = Objection(
        entry=entry, name=name, contact=contact, reason=reason, address_hash=hashed
    )
    db.session.add(objection)
    db.session.flush()
    # Lodged by a member of the public, who has no account: the notice names no one.
    announce("objection.lodged", objection, SYSTEM, occurrence=f"objection:{objection.id}")
    return objection


def decide_objection(objection: Objection, actor: User, decision: str, reason: str) -> None:
    """Uphold (the project goes back to the evaluation body) or dismiss, with the reason."""
    _transition, target = workflow.begin(TRANSITIONS, objection, decision, objection.status, actor)
    if not reason.strip():
        raise WorkflowError(_("Record the reason for the decision."))
    objection.status = target
    objection.decided_by_id = actor.id
    objection.decided_at = utcnow()
    objection.decision_reason = reason.strip()
    entry = objection.entry
    project = db.session.get(Project, entry.project_id)
    if decision == "uphold" and project is not None:  # an entry always names its project
        entry.removed_at = utcnow()
        projects.perform(project, "uphold_objection", actor, comment=reason)
    workflow.flush(
        _(
            "Someone else decided on this objection at the same moment. "
            "Reload the page to see the decision."
        )
    )
    announce(f"objection.{decision}", objection, actor, project=project, comment=reason.strip())


def close_batch(batch: PublicityBatch, actor: Actor) -> int:
    """Move every announced project whose period is over and objection-free on; returns how many.
    The batch counts as closed once none of its projects is still in publicity."""
    if local_today() <= batch.ends_on:
        raise WorkflowError(_("The publicity period has not ended yet."))
    announced = {entry.project_id: entry for entry in batch.entries if entry.removed_at is None}
    projects_of_batch = db.session.scalars(
        sa.select(Project).where(Project.id.in_(announced))
    ).all()
    moved = 0
    for project in projects_of_batch:
        if project.status != ProjectStatus.IN_PUBLICITY:
            continue
        try:
            projects.perform(project, "close_publicity", actor)
            moved += 1
        except WorkflowError:
            continue  # an open objection holds this one back
    if all(project.status != ProjectStatus.IN_PUBLICITY for project in projects_of_batch):
        batch.closed_at = utcnow()
    db.session.flush()
    return moved


def close_ended_batches() -> int:
    """For the scheduler: close every batch whose period has ended."""
    batches = db.session.scalars(
        sa.select(PublicityBatch).where(
            PublicityBatch.closed_at.is_(None), PublicityBatch.ends_on < local_today()
        )
    ).all()
    return sum(close_batch(batch, SYSTEM) for batch in batches)
