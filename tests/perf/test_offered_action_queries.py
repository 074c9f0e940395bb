"""Offering only the valid actions costs no query per item: the audit page decides each
finding's moves from what it has loaded (the guards that depend on the audit alone are
answered once), whatever the number of findings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from blueprints.surveillance import services as schedule_services
from models import (
    Audit,
    AuditKind,
    CorrectiveAction,
    Finding,
    FindingKind,
    FindingStatus,
    ProjectStatus,
    ScheduleItem,
    ScheduleKind,
)
from tests import factories
from tests.functional.projects.helpers import browser_for


def stage_audit(parties) -> Audit:
    project = factories.project(parties, ProjectStatus.CORRECTION, stage2_completed_on=date.today())
    return db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind.STAGE2)
    )


def surveillance_audit(parties) -> Audit:
    """A certificate's audit: whether it takes answers asks its schedule item (a query)."""
    certificate = factories.certificate(parties, staff=factories.alliance_staff())
    item = db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id,
            ScheduleItem.kind == ScheduleKind.SURVEILLANCE_1,
        )
    )
    schedule_services.perform(
        item, "plan", parties.lead, starts_on=date.today(), ends_on=date.today()
    )
    return db.session.get(Audit, item.audit_id)


def grow(parties, audit: Audit, n: int) -> None:
    """``n`` open and ``n`` answered nonconformities."""
    for i in range(n):
        for status in (FindingStatus.OPEN, FindingStatus.ANSWERED):
            finding = Finding(
                audit_id=audit.id,
                kind=FindingKind.MINOR,
                clause_code="9.3",
                description=f"发现 {i}",
                status=status,
                due_on=date.today() + timedelta(days=30),
                created_by_id=parties.lead.id,
            )
            if status == FindingStatus.ANSWERED:
                finding.actions = [
                    CorrectiveAction(
                        cause="原因",
                        correction="纠正",
                        action="措施",
                        submitted_by_id=parties.enterprise.id,
                    )
                ]
            db.session.add(finding)
    db.session.commit()


@pytest.mark.parametrize("make", [stage_audit, surveillance_audit], ids=["stage", "surveillance"])
@pytest.mark.parametrize("viewer", ["enterprise", "lead"])
def test_the_audit_page_decides_each_finding_without_a_query(
    app, app_ctx, count_queries, make, viewer
):
    parties = factories.Parties()
    audit = make(parties)
    db.session.commit()
    browser = browser_for(app, getattr(parties, viewer))
    url = f"/audits/{audit.id}"
    grow(parties, audit, 3)
    with count_queries() as small:
        page = browser.get(url)
    assert page.status_code == 200
    # The moves are offered: an answer form, or the decision buttons, per finding.
    marker = "/answer" if viewer == "enterprise" else 'value="verify"'
    assert page.get_data(as_text=True).count(marker) == 3
    grow(parties, audit, 30)
    with count_queries() as large:
        assert browser.get(url).status_code == 200
    assert large.count == small.count, (small.statements, large.statements)
