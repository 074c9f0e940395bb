"""Who hears of a project's move: the other parties, by email (outbox) in their language."""

from __future__ import annotations

from app.mail.outbox import queue_email
from app.urls import external_url
from blueprints.orgs.services import contacts
from models import Project, User


def recipients(project: Project, actor: User | None) -> list[User]:
    """Every party of the project except the actor's own organisation."""
    parties = [project.organisation_id, project.consultancy_id, project.body_id]
    people: dict[int, User] = {}
    for org_id in parties:
        if actor is not None and org_id == actor.organisation_id:
            continue
        for user in contacts(org_id):
            people[user.id] = user
    if project.lead_evaluator is not None and (
        actor is None or project.lead_evaluator_id != actor.id
    ):
        people[project.lead_evaluator.id] = project.lead_evaluator
    return list(people.values())


def project_moved(project: Project, action: str, actor: User | None) -> None:
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
            actor=actor,
            link=link,
            org=project.organisation,
        )
