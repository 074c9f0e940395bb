"""What complaints and appeals add to the project, certificate and pool pages (template hooks, so
that neither feature imports this one): for the enterprise, the decision it may appeal now
(or why not) and its appeals; for the alliance, the appeals about it; for everyone on a
certificate's page, the way to complain about its holder. Nothing of a case is shown to
anyone who is not its party."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.extensions import db
from app.security.permissions import Permission, has_permission
from app.templating import register_template_hook, render_panel
from blueprints.cases import filing
from blueprints.pool.transitions import ACTION_TITLES as POOL_ACTIONS
from blueprints.projects import record
from blueprints.projects.transitions import ACTION_TITLES as PROJECT_ACTIONS
from models import Case, CaseKind, CaseStatus, Certificate, PoolMember, Project

# The certificate's moves by their name in the history (their titles are the statuses).
_CERTIFICATE_DECISIONS = {"suspend", "suspend_at_surveillance", "suspend_overdue"}


@dataclass(frozen=True)
class AppealLine:
    """An appeal as the panel lists it (what a project's page keeps of it)."""

    id: int
    reference: str
    received_at: datetime
    status: CaseStatus


def _appeals(*condition: sa.ColumnElement[bool]) -> tuple[AppealLine, ...]:
    rows = db.session.execute(
        sa.select(Case.id, Case.reference, Case.received_at, Case.status)
        .where(Case.kind == CaseKind.APPEAL, *condition)
        .order_by(Case.id.desc())
        .limit(20)
    )
    return tuple(AppealLine(*row) for row in rows)


def _party(organisation_id: int) -> tuple[bool, bool]:
    """(the enterprise's member who may appeal, the alliance's handler)."""
    if not current_user.is_authenticated:
        return False, False
    enterprise = (
        has_permission(current_user, Permission.CASES_FILE)
        and current_user.organisation_id == organisation_id
    )
    return enterprise, has_permission(current_user, Permission.CASES_HANDLE)


def _panel(**context: object) -> Markup:
    if not (context["decision"] or context["appeals"] or context["complaint_number"]):
        return Markup("")  # what the panel would show: nothing (most pages), without a render
    return render_panel("cases/_panel.html", decided_at=filing.decided_at, **context)


def project_panel(project: Project, **_context: object) -> Markup:
    enterprise, handling = _party(project.organisation_id)
    if not (enterprise or handling):
        return Markup("")
    return _panel(
        kind="project",
        decision=filing.project_decision(project) if enterprise else None,
        decision_title=lambda action: PROJECT_ACTIONS.get(action, action),
        # Kept with the project's record: a case raises the project's page generation.
        appeals=record.kept(project, "appeals", lambda: _appeals(Case.project_id == project.id)),
        complaint_number=None,
    )


def certificate_panel(certificate: Certificate, **_context: object) -> Markup:
    enterprise, handling = _party(certificate.organisation_id)
    if not (enterprise or handling):
        # The public and the other parties: how to complain, nothing of any case.
        return _panel(
            kind="certificate", decision=None, appeals=[],
            complaint_number=certificate.number, decision_title=str,
        )  # fmt: skip
    return _panel(
        kind="certificate",
        decision=filing.certificate_decision(certificate) if enterprise else None,
        decision_title=certificate_decision_title,
        appeals=_appeals(Case.certificate_id == certificate.id),
        complaint_number=None,
    )


def pool_panel(member: PoolMember, **_context: object) -> Markup:
    """On a place in a pool: for its provider, the suspension or removal it may appeal and its
    appeals; for the alliance, the appeals about it."""
    provider, handling = _party(member.provider_id)
    if not (provider or handling):
        return Markup("")
    return _panel(
        kind="pool",
        decision=filing.pool_decision(member) if provider else None,
        decision_title=lambda action: POOL_ACTIONS.get(action, action),
        appeals=_appeals(Case.pool_member_id == member.id),
        complaint_number=None,
    )


def certificate_decision_title(action: str) -> str:
    return _("Suspension") if action in _CERTIFICATE_DECISIONS else _("Revocation")


def plug_in(bp: Blueprint) -> None:
    @bp.record_once
    def _plug(state: BlueprintSetupState) -> None:
        register_template_hook(state.app, "project-page", project_panel)
        register_template_hook(state.app, "certificate-page", certificate_panel)
        register_template_hook(state.app, "pool-page", pool_panel)
