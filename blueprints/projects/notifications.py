"""Who hears of a project's move: the other parties, by email (outbox) in their language."""

from __future__ import annotations

from app.mail.outbox import queue_email
from app.urls import external_url
from app.workflow import Actor
from blueprints.orgs.services import contacts
from models import Project, User


def recipients(project: Project, actor: Actor) -> list[User]:
    """Every party of the project except the actor's own organisation (all of them when the
    system moved it)."""
    parties = [project.organisation_id, project.consultancy_id, project.body_id]
    people: dict[int, User] = {}
    for org_id in parties:
        if org_id is None or org_id == actor.organisation_id:
            continue
        for user in contacts(org_id):
            people[user.id] = user
    if project.lead_evaluator is not None and project.lead_evaluator_id != actor.id:
        people[project.lead_evaluator.id] = project.lead_evaluator
    return list(people.values())


def project_moved(project: Project, action: str, actor: Actor) -> None:
    event = project.events[-1]
    link = external_url("projects.view", project_id=project.id)
    for user in recipients(project, actor):
        queue_email(
            dedup_key=f"project:{project.id}:event:{event.id}:user:{user.id}",
            recipient=user.email,
            template="project_update",
            locale=user.locale,
            user=user,
            project=project,
            event=event,
            actor=actor if isinstance(actor, User) else None,
            link=link,
            org=project.organisation,
        )
