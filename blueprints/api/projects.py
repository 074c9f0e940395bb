"""Projects, their audits and findings as the machine interface gives them to the parties: read
through the web's own scopes and lookups (projects.queries.visible_projects,
access.get_project_or_404, audits.services.audit_or_404), a finding logged through the web's own
service — so a key sees and does what its member would in the web pages, no more."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_login import current_user

from app.extensions import db
from app.security.access import get_project_or_404
from app.security.permissions import Permission
from blueprints.api import cursors
from blueprints.audits import services as audit_services
from blueprints.projects import queries as project_queries
from models import Audit, Certificate, Finding, FindingKind, Organisation, Project


def _organisation(org: Organisation | None) -> dict[str, Any] | None:
    if org is None:
        return None
    return {"name": org.name, "credit_code": org.credit_code, "body_code": org.body_code}


def utc(moment: datetime | None) -> datetime | None:
    """A stored moment (naive UTC) as ISO 8601 with its offset."""
    return moment.replace(tzinfo=UTC) if moment is not None else None


def as_summary(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "status": project.status.value,
        "enterprise": _organisation(project.organisation),
        "consultancy": _organisation(project.consultancy),
        "body": _organisation(project.body),
        "scope": project.scope,
        "applied_at": utc(project.applied_at),
        "stage2_completed_on": project.stage2_completed_on,
        "recommended": project.recommended,
        "created_at": utc(project.created_at),
        "status_changed_at": utc(project.status_changed_at),
    }


def page(
    status: str | None, *, after: tuple[datetime, int] | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """The projects the key's member sees on the web's project list, most recently moved
    first, one page after ``after``."""
    query = project_queries.visible_projects(current_user, status)
    query = cursors.start_after(query, Project.status_changed_at, Project.id, after)
    projects = list(db.session.scalars(query.limit(limit + 1)))
    shown, next_cursor = cursors.cut(projects, limit, lambda p: (p.status_changed_at, p.id))
    return [as_summary(project) for project in shown], next_cursor


def _audit(audit: Audit) -> dict[str, Any]:
    return {
        "id": audit.id,
        "kind": audit.kind.value,
        "starts_on": audit.starts_on,
        "ends_on": audit.ends_on,
        "completed_on": audit.completed_on,
    }


def one(project_id: int) -> dict[str, Any]:
    """A project as its page shows its parties (404 for anyone else), with its audits and the
    numbers of its certificates."""
    project = get_project_or_404(project_id, Permission.PROJECT_VIEW)
    audits = db.session.scalars(
        sa.select(Audit).where(Audit.project_id == project.id).order_by(Audit.id)
    )
    numbers = db.session.scalars(
        sa.select(Certificate.number)
        .where(Certificate.project_id == project.id)
        .order_by(Certificate.id)
    )
    return {
        **as_summary(project),
        "audits": [_audit(audit) for audit in audits],
        "certificate_numbers": list(numbers),
    }


def as_finding(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "audit_id": finding.audit_id,
        "kind": finding.kind.value,
        "clause_code": finding.clause_code,
        "description": finding.description,
        "status": finding.status.value,
        "due_on": finding.due_on,
        "created_at": utc(finding.created_at),
        "closed_at": utc(finding.closed_at),
    }


def findings(audit_id: int) -> list[dict[str, Any]]:
    audit, _project = audit_services.audit_or_404(audit_id, Permission.PROJECT_VIEW)
    return [as_finding(finding) for finding in audit_services.findings_of(audit)]


def log_finding(audit_id: int, kind: FindingKind, clause_code: str, description: str) -> Finding:
    """What the audit page's finding form does: the team's own rules decide (a WorkflowError
    is a 409 problem)."""
    audit, _project = audit_services.audit_or_404(audit_id, Permission.PROJECT_EVALUATE)
    finding = audit_services.add_finding(audit, current_user, kind, clause_code, description)
    db.session.commit()
    return finding
