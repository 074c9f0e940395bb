"""The providers' regular progress reports (seed 002 5.1): a provider reports a period to the
authority that enrolled it, with its engagements' figures counted when it reports; a bad
period comes back beside its field; a report is due a month (the programme's setting) after
the last one, on the provider's work list and, once overdue, on the authority's; the
authority hears of each report; nobody else sees them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import BytesIO

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from blueprints.diagnosis import programmes
from blueprints.engagements import record, services
from models import (
    ActivityKind,
    DiagnosisEngagement,
    DiagnosisProgressReport,
    Notification,
    OrgKind,
)
from tests import factories
from tests.functional.engagements.helpers import sign_in_as
from tests.functional.engagements.test_record import on_site

TODAY = date.today()
PAGE = "/engagements/progress-reports"


def enrolled_days_ago(people, days: int, programme: str = "nmg_offline") -> DiagnosisEngagement:
    code = people["enterprise_org"].credit_code
    engagement = services.enrol(people["authority"], programmes.programme(programme), code,
                                people["provider"].id)  # fmt: skip
    engagement.created_at = datetime.combine(TODAY - timedelta(days=days), time(3))
    db.session.commit()
    return engagement


def target(people, programme: str = "nmg_offline") -> str:
    return f"{programme}:{people['authority'].organisation_id}"


def report(browser, people, start: date, end: date, summary: str = "完成现场诊断两家"):
    data = {"target": target(people), "period_start": start.isoformat(),
            "period_end": end.isoformat(), "summary": summary}  # fmt: skip
    return browser.submit(PAGE, data)


def test_a_provider_reports_a_period_and_the_authority_hears(browser, people):
    engagement = on_site(people, "nmg_offline")
    day = TODAY - timedelta(days=3)
    record.record_activity(engagement, people["expert"], kind=ActivityKind.TRAINING,
                           started_at=datetime.combine(day, time(9)),
                           ended_at=datetime.combine(day, time(11)), topic="", outcome="",
                           attendees="", sign_in=None)  # fmt: skip
    db.session.commit()
    sign_in_as(browser, people["expert"])
    shown = browser.get(PAGE).text
    assert 'id="standing"' in shown and 'name="target"' in shown
    start = TODAY - timedelta(days=20)
    assert report(browser, people, start, TODAY).status_code == 302
    filed = db.session.scalars(sa.select(DiagnosisProgressReport)).one()
    assert filed.figures["on_site"] == 1 and filed.figures["activity_training"] == 1
    heard = db.session.scalars(
        sa.select(Notification.title).where(Notification.user_id == people["authority"].id)
    ).all()
    assert any("进度" in title for title in heard), heard
    sign_in_as(browser, people["authority"])
    page = browser.get(f"{PAGE}/{filed.id}").text
    assert "完成现场诊断两家" in page and 'id="report-period"' in page
    assert f'data-report="{filed.id}"' in browser.get(PAGE).text
    # The next period starts after this one.
    sign_in_as(browser, people["expert"])
    again = report(browser, people, TODAY - timedelta(days=2), TODAY)
    assert again.status_code == 422 and "period_start" in again.text
    assert db.session.scalar(sa.select(sa.func.count(DiagnosisProgressReport.id))) == 1


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (TODAY - timedelta(days=5), TODAY - timedelta(days=9), "period_end"),  # backwards
        (TODAY - timedelta(days=5), TODAY + timedelta(days=3), "period_end"),  # to come
        (TODAY - timedelta(days=400), TODAY, "period_start"),  # over a year
    ],
)
def test_a_bad_period_comes_back_beside_its_field(browser, people, start, end, field):
    enrolled_days_ago(people, 40)
    sign_in_as(browser, people["expert"])
    refused = report(browser, people, start, end, summary="本期进展")
    assert refused.status_code == 422
    assert f'id="{field}" class="form-control is-invalid' in refused.text or (
        f'class="form-control is-invalid" id="{field}"' in refused.text
    ), refused.text[:3000]
    assert "本期进展" in refused.text  # the input kept
    assert db.session.scalar(sa.select(sa.func.count(DiagnosisProgressReport.id))) == 0


def test_only_a_provider_with_engagements_there_reports(browser, people):
    sign_in_as(browser, people["expert"])
    assert 'name="target"' not in browser.get(PAGE).text  # nothing under way yet
    enrolled_days_ago(people, 40, programme="changchun_pilot")
    assert 'name="target"' in browser.get(PAGE).text
    forged = report(browser, people, TODAY - timedelta(days=3), TODAY)  # nmg: none there
    assert forged.status_code == 422
    sign_in_as(browser, people["enterprise"])
    assert browser.get(PAGE).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(DiagnosisProgressReport.id))) == 0


def test_a_report_due_is_on_the_work_lists(browser, people):
    enrolled_days_ago(people, 35)  # a month and more without a report
    sign_in_as(browser, people["expert"])
    listed = browser.get("/dashboard").text
    assert 'id="work-progress_reports_due"' in listed
    sign_in_as(browser, people["authority"])
    assert 'id="work-progress_reports_overdue"' in browser.get("/dashboard").text
    sign_in_as(browser, people["expert"])
    assert report(browser, people, TODAY - timedelta(days=35), TODAY).status_code == 302
    assert 'id="work-progress_reports_due"' not in browser.get("/dashboard").text
    sign_in_as(browser, people["authority"])
    assert 'id="work-progress_reports_overdue"' not in browser.get("/dashboard").text


def test_nobody_else_reads_a_report(browser, people):
    enrolled_days_ago(people, 40)
    sign_in_as(browser, people["expert"])
    report(browser, people, TODAY - timedelta(days=30), TODAY)
    filed = db.session.scalars(sa.select(DiagnosisProgressReport)).one()
    other = factories.user(factories.organisation(OrgKind.AUTHORITY, region="150000"))
    sign_in_as(browser, other)
    assert browser.get(f"{PAGE}/{filed.id}").status_code == 404
    assert f'data-report="{filed.id}"' not in browser.get(PAGE).text


def test_the_list_exports_and_costs_the_same(browser, people, count_queries):
    enrolled_days_ago(people, 90)
    sign_in_as(browser, people["expert"])
    report(browser, people, TODAY - timedelta(days=90), TODAY - timedelta(days=61))

    def cost() -> int:
        with count_queries() as counter:
            assert browser.get(PAGE).status_code == 200
        return counter.count

    few = cost()
    report(browser, people, TODAY - timedelta(days=60), TODAY - timedelta(days=31))
    report(browser, people, TODAY - timedelta(days=30), TODAY)
    other = factories.organisation(region="220102")
    services.enrol(people["authority"], programmes.programme("nmg_offline"), other.credit_code,
                   people["provider"].id)  # fmt: skip
    db.session.commit()
    assert cost() == few
    download = browser.get(f"{PAGE}.xlsx")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(download.data)).active
    assert sheet.max_row == 4  # the header and three reports
