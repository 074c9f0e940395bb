"""A project's pages run the same handful of queries however many people took part: events,
documents, findings and answers by many different users, an audit team of many evaluators."""

import uuid

import pytest
import sqlalchemy as sa

from app.extensions import db
from models import (
    Audit,
    AuditKind,
    AuditTeamMember,
    CorrectiveAction,
    Document,
    DocumentKind,
    Finding,
    FindingKind,
    FindingStatus,
    ProjectEvent,
    ProjectStatus,
    Role,
)
from tests import factories
from tests.conftest import Browser

PASSWORD = "Correct-Horse-Battery-9"


def project_with(people: int):
    """A project in its stage-2 audit where ``people`` evaluators and ``people`` employees of
    the enterprise each left an event, a document, a finding and an answer."""
    parties = factories.Parties()
    project = factories.project(parties, ProjectStatus.STAGE2_PLANNED)
    audit = db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind.STAGE2)
    )
    for _ in range(people):
        evaluator = factories.user(parties.body_org, role=Role.EVALUATOR)
        employee = factories.user(parties.enterprise_org)
        audit.team.append(AuditTeamMember(user=evaluator, is_lead=False))
        db.session.add(
            ProjectEvent(
                project_id=project.id,
                action="complete_step",
                from_status=ProjectStatus.STARTED,
                to_status=ProjectStatus.STARTED,
                actor_id=employee.id,
            )
        )
        db.session.add(
            Document(
                project_id=project.id,
                kind=DocumentKind.RECORD,
                original_name="记录.pdf",
                stored_name=uuid.uuid4().hex,
                size=1,
                sha256="0" * 64,
                content_type="application/pdf",
                uploaded_by_id=employee.id,
            )
        )
        finding = Finding(
            audit_id=audit.id,
            kind=FindingKind.MINOR,
            clause_code="5.1",
            description="记录不完整",
            status=FindingStatus.ANSWERED,
            created_by_id=evaluator.id,
        )
        db.session.add(finding)
        db.session.flush()
        db.session.add(
            CorrectiveAction(
                finding_id=finding.id,
                cause="原因",
                correction="纠正",
                action="措施",
                submitted_by_id=employee.id,
            )
        )
    db.session.commit()
    return parties, project, audit


@pytest.mark.parametrize("party", ["enterprise", "consultant", "lead", "evaluator"])
@pytest.mark.parametrize("page", ["project", "audit"])
def test_the_same_queries_for_2_or_12_people(app, count_queries, party, page):
    counts = []
    for people in (1, 6):
        with app.test_request_context():
            parties, project, audit = project_with(people)
            url = f"/projects/{project.id}" if page == "project" else f"/audits/{audit.id}"
            browser = Browser(app.test_client())
            browser.login(getattr(parties, party).email, PASSWORD)
            browser.get(url)  # the process's region names and translations, once
            with count_queries() as counter:
                response = browser.get(url)
            assert response.status_code == 200, (party, url)
            counts.append(counter)
    small, large = counts
    assert large.count == small.count, (small.statements, large.statements)
    assert large.count <= 10, large.statements
