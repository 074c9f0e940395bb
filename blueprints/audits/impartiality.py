"""Impartiality (ISO/IEC 17021-1 §4.2, §5.2): who may sit on an audit team, and who may take
the decision after it. One module, used by stage audits, surveillance audits and the
alliance's reviews alike, so that each rule and its message exist once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.clock import local_today
from app.errors import WorkflowError
from app.extensions import db
from app.workflow import Guard
from blueprints.declarations import services as declarations
from blueprints.evaluators import competence
from models import (
    Audit,
    AuditKind,
    AuditTeamMember,
    Organisation,
    Project,
    ProjectEvent,
    Role,
    User,
)

# The audit plans' field of the chosen members: a refusal about one of them stands beside it.
TEAM_FIELD = "member_ids"
# The actions by which a person takes part in an enterprise's consulting phase.
CONSULTING_ACTIONS = ("accept_engagement", "complete_step")


def consulted_for(user: User, project: Project) -> bool:
    """Whether ``user`` belongs to the enterprise or its consultancy, or ever acted in the
    consulting phase of one of the enterprise's projects (ISO/IEC 17021-1 §5.2)."""
    if user.organisation_id in {project.organisation_id, project.consultancy_id}:
        return True
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    ProjectEvent.actor_id == user.id,
                    ProjectEvent.action.in_(CONSULTING_ACTIONS),
                    ProjectEvent.project_id.in_(
                        sa.select(Project.id).where(
                            Project.organisation_id == project.organisation_id
                        )
                    ),
                )
            )
        )
    )


def refuse_partial(project: Project, user: User, field: str | None = None) -> None:
    if consulted_for(user, project):
        raise WorkflowError(
            _(
                "%(name)s cannot evaluate this enterprise: they belong to it or consulted for it.",
                name=user.name,
            ),
            field,
        )


def refuse_undeclared(
    project: Project,
    user: User,
    starts_on: date | None = None,
    ends_on: date | None = None,
    field: str | None = None,
) -> None:
    """A person without a valid impartiality declaration on the audit's first day, or with a
    declared conflict with the enterprise over its dates, is refused (issue 20)."""
    problem = declarations.refusal(user, project.organisation, starts_on, ends_on)
    if problem:
        raise WorkflowError(problem, field)


def refuse_unqualified_lead(lead: User, field: str | None = None) -> None:
    """The lead chosen on accepting an application holds a valid lead qualification today."""
    problem = competence.lead_refusal_today(lead)
    if problem:
        raise WorkflowError(problem, field)


def evaluator_of(body: Organisation, user_id: int | None, field: str | None = None) -> User:
    """An active evaluator of ``body`` chosen in a form, or a refusal naming the body."""
    user = db.session.get(User, user_id) if user_id else None
    if (
        user is None
        or user.organisation_id != body.id
        or user.role != Role.EVALUATOR
        or not user.active
    ):
        raise WorkflowError(_("Choose evaluators of %(body)s.", body=body.name), field)
    return user


def labelled(
    candidates: Iterable[tuple[int, str]],
    enterprise: Organisation,
    starts: date | None = None,
    ends: date | None = None,
) -> tuple[list[tuple[int, str]], str]:
    """Candidates for a team, each with their declaration's state and their qualification
    (registration, lead qualification, competence in the enterprise's industry), and the note
    saying what the team must cover and who does — shown while the team is chosen; the
    service still refuses whoever may not sit on it. A handful of queries, whatever the
    number of candidates."""
    candidates = list(candidates)
    starts = starts or local_today()
    ids = [uid for uid, _name in candidates]
    declared = declarations.states(ids, enterprise, starts, ends)
    sector = competence.required_sector(enterprise)
    held = competence.standing(ids, sector, starts, ends)
    labels = [
        (
            uid,
            f"{name} ({declarations.STATE_TITLES[declared[uid]]} · "
            f"{competence.describe(held[uid], sector)})",
        )
        for uid, name in candidates
    ]
    covering = [name for uid, name in candidates if held[uid].covers]
    return labels, competence.coverage_note(enterprise, sector, covering)


def build_team(
    project: Project,
    body: Organisation,
    lead: User,
    member_ids: Iterable[int],
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> list[AuditTeamMember]:
    """The lead plus the chosen evaluators of the body, every one of them impartial, declared
    and registered for the audit's dates, the lead qualified to lead, and the team competent
    in the enterprise's industry. A refusal about the members stands beside the team's field;
    one about the lead (no field: the lead is the project's, or the planner) above the form."""
    members = [
        evaluator_of(body, uid, TEAM_FIELD) for uid in dict.fromkeys(member_ids) if uid != lead.id
    ]
    for person in (lead, *members):
        field = None if person is lead else TEAM_FIELD
        refuse_partial(project, person, field)
        refuse_undeclared(project, person, starts_on, ends_on, field)
    refusal = competence.team_refusal(project.organisation, lead, members, starts_on, ends_on)
    if refusal:
        raise WorkflowError(refusal.message, None if refusal.lead else TEAM_FIELD)
    return [
        AuditTeamMember(user=lead, is_lead=True),
        *(AuditTeamMember(user=m, is_lead=False) for m in members),
    ]


def new_audit(
    project: Project,
    body: Organisation,
    kind: AuditKind,
    lead: User,
    member_ids: Iterable[int],
    **plan: Any,
) -> Audit:
    """An audit of ``kind`` with its impartial team, added to the session."""
    audit = Audit(project_id=project.id, kind=kind, **plan)
    audit.team = build_team(
        project, body, lead, member_ids, plan.get("starts_on"), plan.get("ends_on")
    )
    db.session.add(audit)
    return audit


def four_eyes(first_reviewer: Callable[[Any], int | None]) -> Guard:
    """The guard "the re-review is someone else's than the compliance review"."""

    def other_than_first_reviewer(obj: Any, actor: Any) -> str | None:
        if first_reviewer(obj) == getattr(actor, "id", None):
            return _(
                "The re-review must be done by another staff member than the compliance review."
            )
        return None

    return other_than_first_reviewer


def declared_reviewer(enterprise_of: Callable[[Any], Organisation | None]) -> Guard:
    """The guard "the alliance reviewer deciding holds a valid declaration today and declared
    no conflict with the enterprise" (issue 20); the scheduler is no person and passes."""

    def declared_and_free_of_conflict(obj: Any, actor: Any) -> str | None:
        enterprise = enterprise_of(obj)
        if not isinstance(actor, User) or enterprise is None:
            return None
        return declarations.refusal(actor, enterprise)

    return declared_and_free_of_conflict
