"""Read-side queries for the project lists: each list is one paginated SELECT."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.security.access import project_scope
from models import (
    SUBMITTED_STATES,
    Assessment,
    Audit,
    AuditTeamMember,
    Certificate,
    Finding,
    Organisation,
    Project,
    ProjectStatus,
    User,
)

P = ProjectStatus

# Whose move it is, per status: shown in every list so that each party sees what waits on it.
_WAITING_ON = {
    P.STARTED: _l("the enterprise"),
    P.CONSULTANCY_INVITED: _l("the consultancy"),
    P.READY_TO_APPLY: _l("the enterprise"),
    P.APPLIED: _l("the evaluation body"),
    P.ACCEPTED: _l("the lead evaluator"),
    P.STAGE1_PLANNED: _l("the lead evaluator"),
    P.STAGE1_DONE: _l("the lead evaluator"),
    P.STAGE2_PLANNED: _l("the lead evaluator"),
    P.CORRECTION: _l("the enterprise and the evaluator"),
    P.CONCLUDED: _l("the enterprise"),
    P.CONFIRMED: _l("the alliance"),
}


def waiting_on(project: Project) -> str:
    if project.status in _WAITING_ON:
        return str(_WAITING_ON[project.status])
    if project.status.value in {
        "kickoff",
        "survey",
        "analysis",
        "documentation",
        "internal_audit",
        "trial",
    }:
        return str(_l("the enterprise") if project.self_consulting else _l("the consultancy"))
    return "—"


def visible_projects(user: User, status: str | None) -> sa.Select:
    # The enterprise joined, not eagerly loaded apart: the lists search and sort by its name.
    query = (
        sa.select(Project)
        .join(Organisation, Organisation.id == Project.organisation_id)
        .where(project_scope(user))
        .options(
            sa.orm.contains_eager(Project.organisation),
            sa.orm.joinedload(Project.body),
            sa.orm.joinedload(Project.consultancy),
        )
        .order_by(Project.status_changed_at.desc(), Project.id.desc())
    )
    if status:
        try:
            query = query.where(Project.status == ProjectStatus(status))
        except ValueError:
            query = query.where(sa.false())
    return query


def audits_of(project: Project) -> list[Audit]:
    return list(
        db.session.scalars(
            sa.select(Audit).where(Audit.project_id == project.id).order_by(Audit.id)
        )
    )


def certificates_of(project: Project) -> list[Certificate]:
    """The certificate issued at the end of this project (and any that replaced it)."""
    if project.status != ProjectStatus.CERTIFIED:
        return []  # no query for the many projects still on their way
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.project_id == project.id)
            .order_by(Certificate.id.desc())
        )
    )


def dossier(project: Project) -> dict:
    """What the alliance's review needs on one page (a fixed handful of queries)."""
    assessment = db.session.scalar(
        sa.select(Assessment)
        .where(
            Assessment.organisation_id == project.organisation_id,
            Assessment.status.in_(SUBMITTED_STATES),
        )
        .order_by(Assessment.year.desc())
        .limit(1)
    )
    audits = list(
        db.session.scalars(
            sa.select(Audit)
            .where(Audit.project_id == project.id)
            .order_by(Audit.id)
            .options(
                sa.orm.selectinload(Audit.team).joinedload(AuditTeamMember.user),
                sa.orm.selectinload(Audit.findings).joinedload(Finding.clause),
                sa.orm.selectinload(Audit.findings).selectinload(Finding.actions),
            )
        )
    )
    return {"assessment": assessment, "audits": audits, "steps": project.steps}
