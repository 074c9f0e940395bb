"""What the evaluator register hands over: registrations and sectors waiting for the
alliance's approval, and the GB/T 4754 sections where enterprises have projects under way and
no evaluator may audit (the coverage report's gaps); for an evaluation body's administrators,
what the alliance returned and the approved registrations expiring within the first reminder
(90 days)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.clock import local_today
from blueprints.evaluator_reports import coverage
from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import (
    EvaluatorCompetence,
    EvaluatorRegistration,
    Industry,
    Organisation,
    RecordStatus,
    User,
)
from models.reference import localised


def _registrations(*conditions: sa.ColumnElement[bool]) -> sa.Select:
    return (
        sa.select(
            EvaluatorRegistration.id,
            EvaluatorRegistration.user_id,
            EvaluatorRegistration.grade,
            EvaluatorRegistration.number,
            EvaluatorRegistration.expires_on,
            EvaluatorRegistration.submitted_at,
            EvaluatorRegistration.decided_at,
            User.name.label("person"),
            Organisation.name.label("body"),
        )
        .join(User, User.id == EvaluatorRegistration.user_id)
        .join(Organisation, Organisation.id == EvaluatorRegistration.body_id)
        .where(*conditions)
    )


def _competences(*conditions: sa.ColumnElement[bool]) -> sa.Select:
    return (
        sa.select(
            EvaluatorCompetence.id,
            EvaluatorCompetence.user_id,
            EvaluatorCompetence.industry_code,
            EvaluatorCompetence.submitted_at,
            EvaluatorCompetence.decided_at,
            Industry.name.label("sector"),
            Industry.name_en.label("sector_en"),
            User.name.label("person"),
            Organisation.name.label("body"),
        )
        .join(User, User.id == EvaluatorCompetence.user_id)
        .join(Organisation, Organisation.id == EvaluatorCompetence.body_id)
        .join(Industry, Industry.code == EvaluatorCompetence.industry_code)
        .where(*conditions)
    )


def _registration_url(row) -> str:
    return url_for("evaluators.person", user_id=row.user_id) + f"#registration-{row.id}"


def _competence_url(row) -> str:
    return url_for("evaluators.person", user_id=row.user_id) + f"#competence-{row.id}"


def approvals() -> list[WorkList]:
    """For the alliance: what every body submitted, the longest waiting first."""
    waiting = RecordStatus.SUBMITTED
    return [
        capped(
            "evaluator_registrations",
            _("Evaluator registrations to approve"),
            _registrations(EvaluatorRegistration.status == waiting).order_by(
                EvaluatorRegistration.submitted_at, EvaluatorRegistration.id
            ),
            lambda row: WorkItem(
                what=f"{row.grade.title} {row.number}",
                whom=f"{row.person} · {row.body}",
                url=_registration_url(row),
                since=row.submitted_at,
            ),
            more_url=url_for("evaluators.index", status=waiting.value),
        ),
        capped(
            "evaluator_competences",
            _("Evaluator sectors to approve"),
            _competences(EvaluatorCompetence.status == waiting).order_by(
                EvaluatorCompetence.submitted_at, EvaluatorCompetence.id
            ),
            lambda row: WorkItem(
                what=f"{row.industry_code} {localised(row.sector, row.sector_en)}",
                whom=f"{row.person} · {row.body}",
                url=_competence_url(row),
                since=row.submitted_at,
            ),
        ),
        capped(
            "evaluator_sector_gaps",
            _("Sectors with projects under way and no evaluator"),
            coverage.query(local_today(), None, None, gaps=True),
            lambda row: WorkItem(
                what=f"{row.code} {localised(row.name, row.name_en)}",
                whom=ngettext(
                    "%(num)d enterprise with a project under way",
                    "%(num)d enterprises with a project under way",
                    row.enterprises,
                ),
                url=url_for("evaluator_reports.sectors", section=row.code),
            ),
            more_url=url_for("evaluator_reports.sectors", gaps="y"),
        ),
    ]


def of_body(body_id: int) -> list[WorkList]:
    """For a body's administrators: what was returned, and registrations about to expire."""
    returned = RecordStatus.RETURNED
    days = max(current_app.config["EVALUATOR_REGISTRATION_REMINDER_DAYS"], default=90)
    today = local_today()
    return [
        capped(
            "evaluator_returned",
            _("Evaluator registrations returned: correct them"),
            _registrations(
                EvaluatorRegistration.body_id == body_id,
                EvaluatorRegistration.status == returned,
            ).order_by(EvaluatorRegistration.decided_at, EvaluatorRegistration.id),
            lambda row: WorkItem(
                what=f"{row.grade.title} {row.number}",
                whom=row.person,
                url=_registration_url(row),
                since=row.decided_at,
            ),
            more_url=url_for("evaluators.index", status=returned.value),
        ),
        capped(
            "evaluator_sectors_returned",
            _("Evaluator sectors returned"),
            _competences(
                EvaluatorCompetence.body_id == body_id,
                EvaluatorCompetence.status == returned,
            ).order_by(EvaluatorCompetence.decided_at, EvaluatorCompetence.id),
            lambda row: WorkItem(
                what=f"{row.industry_code} {localised(row.sector, row.sector_en)}",
                whom=row.person,
                url=_competence_url(row),
                since=row.decided_at,
            ),
        ),
        capped(
            "evaluator_expiring",
            _("Evaluator registrations about to expire"),
            _registrations(
                EvaluatorRegistration.body_id == body_id,
                EvaluatorRegistration.status == RecordStatus.APPROVED,
                EvaluatorRegistration.expires_on >= today,
                EvaluatorRegistration.expires_on <= today + timedelta(days=days),
            ).order_by(EvaluatorRegistration.expires_on, EvaluatorRegistration.id),
            lambda row: WorkItem(
                what=_("Renew the registration"),
                whom=f"{row.person} · {row.grade.title} {row.number}",
                url=_registration_url(row),
                due=row.expires_on,
            ),
            more_url=url_for("evaluators.index", expiring=str(days), status="approved"),
        ),
    ]
