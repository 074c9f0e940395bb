"""The evaluation body's list of the certificates it issued, with the next evaluation of each."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from models import CertificateStatus, ScheduleItem, ScheduleKind
from tests import factories
from tests.functional.projects.helpers import browser_for

LIST = "/certificates/issued"


def first_surveillance(certificate) -> ScheduleItem:
    return db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id,
            ScheduleItem.kind == ScheduleKind.SURVEILLANCE_1,
        )
    )


@pytest.fixture
def bodies(app_ctx):
    """Two certificates of one body (one due soon, one overdue and suspended), one of another."""
    parties = factories.Parties()
    staff = factories.alliance_staff()
    due = factories.certificate(parties, staff=staff)
    first_surveillance(due).due_on = date.today() + timedelta(days=30)
    other_enterprise = factories.organisation(region="310115", name="另一家企业有限公司")
    overdue = factories.certificate(parties, staff=staff)
    overdue.organisation_id = other_enterprise.id
    overdue.enterprise_name = other_enterprise.name
    overdue.status = CertificateStatus.SUSPENDED
    first_surveillance(overdue).due_on = date.today() - timedelta(days=3)
    elsewhere = factories.Parties()
    foreign = factories.certificate(elsewhere, staff=staff)
    db.session.commit()
    return parties, due, overdue, elsewhere, foreign


def test_the_body_sees_only_its_certificates_with_their_next_evaluation(app, bodies):
    parties, due, overdue, elsewhere, foreign = bodies
    page = browser_for(app, parties.evaluator).get(LIST).get_data(as_text=True)
    assert due.number in page and overdue.number in page
    assert foreign.number not in page
    assert "第一次监督评定" in page and "已逾期" in page
    theirs = browser_for(app, elsewhere.lead).get(LIST).get_data(as_text=True)
    assert foreign.number in theirs and due.number not in theirs


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("surveillance=overdue", ["overdue"], ["due"]),
        ("surveillance=due", ["due", "overdue"], []),
        ("status=suspended", ["overdue"], ["due"]),
        ("status=valid", ["due"], ["overdue"]),
        ("q=另一家", ["overdue"], ["due"]),
        ("surveillance=nonsense&status=nonsense", ["due", "overdue"], []),
    ],
)
def test_filters(app, bodies, query, shown, hidden):
    parties, due, overdue, *_ = bodies
    numbers = {"due": due.number, "overdue": overdue.number}
    page = browser_for(app, parties.lead).get(f"{LIST}?{query}").get_data(as_text=True)
    assert all(numbers[key] in page for key in shown), query
    assert not any(numbers[key] in page for key in hidden), query


def test_other_roles_do_not_reach_it(app, bodies):
    parties, *_ = bodies
    for person in (parties.enterprise, parties.consultant, factories.alliance_staff()):
        db.session.commit()
        assert browser_for(app, person).get(LIST).status_code == 403
