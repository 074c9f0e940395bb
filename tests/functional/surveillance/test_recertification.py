"""Recertification in time gives a new certificate without a gap, through four eyes."""

from datetime import date, datetime

import sqlalchemy as sa
import time_machine

from app.extensions import db
from blueprints.certificates.services import issue_for
from models import (
    Certificate,
    CertificateStatus,
    OrgKind,
    ProjectStatus,
    Role,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
)
from tests import factories
from tests.functional.projects.helpers import browser_for


def test_recertification_in_time_is_gap_free(app, app_ctx):
    parties = factories.Parties()
    parties.body_org.body_code = "941"
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    first_staff = factories.user(alliance, role=Role.ALLIANCE_STAFF)
    second_staff = factories.user(alliance, role=Role.ALLIANCE_STAFF)
    with time_machine.travel(datetime(2026, 3, 2, 2), tick=False):
        old = issue_for(factories.project(parties, ProjectStatus.READY_TO_ISSUE), first_staff)
    for item in db.session.scalars(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == old.id, ScheduleItem.kind != ScheduleKind.RECERTIFICATION
        )
    ):
        item.status = ScheduleStatus.DONE
    recert = db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == old.id, ScheduleItem.kind == ScheduleKind.RECERTIFICATION
        )
    )
    number, old_id = old.number, old.id
    db.session.commit()
    base = f"/certificates/{number}/schedule/{recert.id}"
    with time_machine.travel(datetime(2029, 1, 10, 2), tick=False):
        lead = browser_for(app, parties.lead)
        assert (
            lead.submit(
                f"/certificates/{number}",
                {
                    "starts_on": "2029-01-08",
                    "ends_on": "2029-01-09",
                    "member_ids": str(parties.evaluator.id),
                },
                action=f"{base}/plan",
            ).status_code
            == 302
        )
        assert (
            lead.submit(
                f"/certificates/{number}",
                {"decision": "recommend", "completed_on": "2029-01-09"},
                action=f"{base}/conclude",
            ).status_code
            == 302
        )
        a, b = browser_for(app, first_staff), browser_for(app, second_staff)
        assert (
            a.submit(
                f"/certificates/{number}", {}, action=f"{base}/recertification/issue"
            ).status_code
            == 409
        )  # review first
        assert (
            a.submit(
                f"/certificates/{number}", {}, action=f"{base}/recertification/review"
            ).status_code
            == 302
        )
        assert (
            a.submit(
                f"/certificates/{number}", {}, action=f"{base}/recertification/issue"
            ).status_code
            == 409
        )  # four eyes
        assert (
            b.submit(
                f"/certificates/{number}", {}, action=f"{base}/recertification/issue"
            ).status_code
            == 302
        )
    db.session.expire_all()
    old = db.session.get(Certificate, old_id)
    new = db.session.scalar(sa.select(Certificate).where(Certificate.supersedes_id == old_id))
    assert old.status == CertificateStatus.SUPERSEDED
    assert new.effective_on == old.expires_on == date(2029, 3, 2)  # no gap
    assert new.expires_on == date(2032, 3, 2)
    assert new.number.startswith("CSAIII-94129IIIMS") and new.serial == old.serial + 1
    kinds = {
        i.kind
        for i in db.session.scalars(
            sa.select(ScheduleItem).where(ScheduleItem.certificate_id == new.id)
        )
    }
    assert kinds == set(ScheduleKind)
    page = app.test_client().get(f"/certificates/{number}").get_data(as_text=True)
    assert new.number in page  # the old number points to its successor
