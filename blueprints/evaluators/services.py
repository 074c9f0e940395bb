"""The register's work: who may see whom, recording a person's registrations, competence and
training for their body, and the alliance's decisions. Services flush; the request commits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from app import workflow
from app.clock import utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.security.permissions import Permission, has_permission
from blueprints.evaluators.transitions import TRANSITIONS
from models import (
    Audit,
    AuditTeamMember,
    EvaluatorCompetence,
    EvaluatorRegistration,
    EvaluatorTraining,
    Industry,
    IndustryLevel,
    RecordStatus,
    RegistrationGrade,
    Role,
    User,
)

Record = EvaluatorRegistration | EvaluatorCompetence


def _conflict() -> str:
    return _("This was decided meanwhile. Reload the page to see its current state.")


def body_of(actor: Any) -> int | None:
    """The body whose people ``actor`` sees in the list: None for the alliance (every body)."""
    if has_permission(actor, Permission.EVALUATORS_APPROVE):
        return None
    return actor.organisation_id


def may_see(actor: Any, person: User) -> bool:
    if has_permission(actor, Permission.EVALUATORS_APPROVE):
        return True
    if has_permission(actor, Permission.EVALUATORS_RECORD):
        return person.organisation_id == actor.organisation_id
    return person.id == actor.id


def may_record(actor: Any, person: User) -> bool:
    return (
        has_permission(actor, Permission.EVALUATORS_RECORD)
        and person.organisation_id == actor.organisation_id
    )


def person_or_404(user_id: int, actor: Any) -> User:
    """An evaluator ``actor`` may see: another body's person is not found (404)."""
    person = db.session.get(User, user_id)
    if person is None or person.role is not Role.EVALUATOR or not may_see(actor, person):
        abort(404)
    return person


def person_to_record_or_404(user_id: int, actor: Any) -> User:
    person = person_or_404(user_id, actor)
    if not may_record(actor, person):
        abort(404)
    return person


def record_or_404(model: type[Record], record_id: int, actor: Any) -> Record:
    record = cast(Record | None, db.session.get(model, record_id))
    if record is None or not may_see(actor, record.user):
        abort(404)
    return record


# --- the person's record -------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRecord:
    person: User
    registrations: list[EvaluatorRegistration]
    competences: list[EvaluatorCompetence]
    trainings: list[EvaluatorTraining]
    hours_by_year: list[tuple[int, int]]  # the newest year first
    audits_done: int
    audits_led: int


def person_record(person: User) -> PersonRecord:
    """Everything of the person's page in a fixed number of queries, whatever their rows."""
    registrations = list(
        db.session.scalars(
            sa.select(EvaluatorRegistration)
            .where(EvaluatorRegistration.user_id == person.id)
            .order_by(EvaluatorRegistration.expires_on.desc(), EvaluatorRegistration.id)
        )
    )
    competences = list(
        db.session.scalars(
            sa.select(EvaluatorCompetence)
            .where(EvaluatorCompetence.user_id == person.id)
            .options(sa.orm.joinedload(EvaluatorCompetence.industry))
            .order_by(EvaluatorCompetence.industry_code)
        )
    )
    trainings = list(
        db.session.scalars(
            sa.select(EvaluatorTraining)
            .where(EvaluatorTraining.user_id == person.id)
            .order_by(EvaluatorTraining.taken_on.desc(), EvaluatorTraining.id.desc())
        )
    )
    hours: dict[int, int] = defaultdict(int)
    for training in trainings:
        hours[training.taken_on.year] += training.hours
    done, led = db.session.execute(
        sa.select(
            sa.func.count(AuditTeamMember.audit_id),
            sa.func.count(AuditTeamMember.audit_id).filter(AuditTeamMember.is_lead.is_(True)),
        )
        .join(Audit, Audit.id == AuditTeamMember.audit_id)
        .where(AuditTeamMember.user_id == person.id, Audit.completed_on.is_not(None))
    ).one()
    return PersonRecord(
        person,
        registrations,
        competences,
        trainings,
        sorted(hours.items(), reverse=True),
        done,
        led,
    )


def sector_choices() -> list[tuple[str, str]]:
    """GB/T 4754 sections (门类) and their divisions (大类), in code order under the section."""
    rows = db.session.scalars(sa.select(Industry)).all()
    sections = sorted((i for i in rows if i.level is IndustryLevel.SECTION), key=lambda i: i.code)
    divisions: dict[str, list[Industry]] = defaultdict(list)
    for industry in rows:
        if industry.level is IndustryLevel.DIVISION and industry.section_code:
            divisions[industry.section_code].append(industry)
    choices = []
    for section in sections:
        choices.append((section.code, f"{section.code} {section.display_name}"))
        for division in sorted(divisions[section.code], key=lambda i: i.code):
            choices.append((division.code, f"\u00a0\u00a0{division.code} {division.display_name}"))
    return choices


# --- recording -----------------------------------------------------------------------------


def _submitted(record: Record, actor: User) -> None:
    db.session.add(record)
    workflow.flush(_conflict())
    announce("evaluator_record.submitted", record, actor)


def record_registration(
    person: User, actor: User, grade: RegistrationGrade, number: str, issued: date, expires: date
) -> EvaluatorRegistration:
    registration = EvaluatorRegistration(
        user_id=person.id,
        body_id=person.organisation_id,
        grade=grade,
        number=number,
        issued_on=issued,
        expires_on=expires,
        status=RecordStatus.SUBMITTED,
    )
    registration.user = person
    _refuse_duplicate_number(registration)
    _submitted(registration, actor)
    return registration


def _refuse_duplicate_number(registration: EvaluatorRegistration) -> None:
    taken = db.session.scalar(
        sa.select(EvaluatorRegistration.id).where(
            EvaluatorRegistration.grade == registration.grade,
            EvaluatorRegistration.number == registration.number,
            EvaluatorRegistration.id != (registration.id or 0),
        )
    )
    if taken is not None:
        raise WorkflowError(_("This registration number is already recorded."))


def record_competence(person: User, actor: User, industry_code: str) -> EvaluatorCompetence:
    taken = db.session.scalar(
        sa.select(EvaluatorCompetence.id).where(
            EvaluatorCompetence.user_id == person.id,
            EvaluatorCompetence.industry_code == industry_code,
        )
    )
    if taken is not None:
        raise WorkflowError(_("This sector is already recorded for this person."))
    competence = EvaluatorCompetence(
        user_id=person.id,
        body_id=person.organisation_id,
        industry_code=industry_code,
        status=RecordStatus.SUBMITTED,
    )
    competence.user = person
    _submitted(competence, actor)
    return competence


def record_training(
    person: User, taken_on: date, course: str, hours: int, provider: str
) -> EvaluatorTraining:
    training = EvaluatorTraining(
        user_id=person.id,
        body_id=person.organisation_id,
        taken_on=taken_on,
        course=course,
        hours=hours,
        provider=provider,
    )
    db.session.add(training)
    db.session.flush()
    return training


def delete_training(training: EvaluatorTraining) -> None:
    db.session.delete(training)
    db.session.flush()


# --- deciding ------------------------------------------------------------------------------


def move(
    record: Record,
    name: str,
    actor: User,
    version: int | None,
    *,
    reason: str | None = None,
    fields: dict[str, Any] | None = None,
) -> None:
    """Approve, return (with ``reason``) or submit again (with the corrected ``fields`` of a
    registration). A form rendered before someone else's decision is refused (409)."""
    workflow.expect_version(record, version)
    _transition, target = workflow.begin(TRANSITIONS, record, name, record.status, actor)
    if name == "return" and not (reason or "").strip():
        raise WorkflowError(_("Say why it is returned."))
    if fields:
        for key, value in fields.items():
            setattr(record, key, value)
        if isinstance(record, EvaluatorRegistration):
            _refuse_duplicate_number(record)
    record.status = target
    if name == "resubmit":
        record.submitted_at = utcnow()
    else:
        record.decided_at = utcnow()
        record.decided_by_id = actor.id
        record.return_reason = reason.strip() if name == "return" and reason else None
        if isinstance(record, EvaluatorRegistration):
            record.reminded_days = None
    workflow.flush(_conflict())
    announce(f"evaluator_record.{name}", record, actor)
