"""What waits on a consultancy: invitations to answer and the consulting steps to record."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from blueprints.main.worklist.items import WorkItem, WorkList, capped, expected_by, projects_where
from models import CONSULTING_STEPS, Project, ProjectStatus, User


def lists(user: User) -> list[WorkList]:
    org = user.organisation_id
    return [invitations(org), steps_to_record(org)]


def invitations(org: int | None) -> WorkList:
    status = ProjectStatus.CONSULTANCY_INVITED
    return capped(
        "invitations",
        _("Invitations to answer"),
        projects_where(Project.consultancy_id == org, Project.status == status),
        lambda row: WorkItem(
            what=_("Accept or decline the engagement"),
            whom=row.enterprise,
            url=url_for("projects.view", project_id=row.id),
            since=row.status_changed_at,
        ),
        more_url=url_for("projects.index", status=status.value),
    )


def steps_to_record(org: int | None) -> WorkList:
    return capped(
        "steps_to_record",
        _("Consulting steps to record"),
        projects_where(
            Project.consultancy_id == org,
            Project.self_consulting.is_(False),
            Project.status.in_(CONSULTING_STEPS),
        ),
        lambda row: WorkItem(
            what=_("Record the consulting step: %(step)s", step=row.status.title),
            whom=row.enterprise,
            url=url_for("projects.view", project_id=row.id),
            since=row.status_changed_at,
            due=expected_by(row.status, row.status_changed_at),
        ),
        more_url=url_for("projects.index"),
    )
