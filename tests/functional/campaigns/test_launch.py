"""Launching rounds, the window rules, and which round an enterprise's assessment belongs to."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.errors import WorkflowError
from app.extensions import db
from blueprints.assessment import services as assessments
from blueprints.campaigns import services
from models import Assessment, Campaign, OrgKind, SeparateReportingUnit
from tests import factories
from tests.functional.campaigns.province import launch, opening

TODAY = date.today()


def open_now(authority, days: int, title: str) -> Campaign:
    """A ``days``-day round open today, within this year."""
    return launch(authority, opening(TODAY, 0, days), days, title)


@pytest.fixture
def city(app_ctx):
    return factories.user(factories.organisation(OrgKind.AUTHORITY, region="440100"))


def form(**overrides) -> dict:
    values = {
        "title": "2026 年两化融合评估诊断",
        "opens_on": TODAY.isoformat(),
        "closes_on": min(TODAY + timedelta(days=30), date(TODAY.year, 12, 31)).isoformat(),
        "report_due_on": (TODAY + timedelta(days=60)).isoformat(),
        "target_tag": "",
        "notice": "请各区组织企业按时填报。",
    }
    return values | overrides


def test_a_city_launches_rounds_numbered_within_the_year(city, browser):
    browser.login(city.email, factories.PASSWORD)
    response = browser.submit("/campaigns/", form(), action="/campaigns/launch")
    assert response.status_code == 302
    first = db.session.scalar(
        sa.select(Campaign).where(Campaign.authority_id == city.organisation_id)
    )
    assert (first.year, first.round, first.region_code) == (TODAY.year, 1, "440100")
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "请各区组织企业按时填报。" in page
    second = launch(city, first.closes_on + timedelta(days=1), 0, "第二轮")
    assert second.round == (2 if second.year == first.year else 1)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"closes_on": (TODAY - timedelta(days=1)).isoformat()},
            "closes_on",
            "填报结束日期早于开始日期",
        ),
        (
            {
                "closes_on": TODAY.isoformat(),
                "report_due_on": (TODAY - timedelta(days=1)).isoformat(),
            },
            "report_due_on",
            "报告截止日期应晚于填报结束日期",
        ),
        (
            {"opens_on": f"{TODAY.year - 1}-12-01", "closes_on": f"{TODAY.year}-01-10"},
            "closes_on",
            "同一年度",
        ),
        (
            {"opens_on": "2020-01-01", "closes_on": "2020-02-01", "report_due_on": "2020-03-01"},
            "closes_on",
            "填报时间已过",
        ),
        ({"opens_on": "2026-02-30"}, "opens_on", ""),
        ({"title": ""}, "title", ""),
        ({"target_tag": "forged"}, "target_tag", ""),
    ],
)
def test_a_bad_launch_comes_back_beside_the_field(city, browser, overrides, field, message):
    browser.login(city.email, factories.PASSWORD)
    response = browser.submit("/campaigns/", form(**overrides), action="/campaigns/launch")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}"' in page and "is-invalid" in page
    assert message in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 0


def test_nested_windows_may_not_overlap(city, app_ctx):
    province = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440000"))
    district = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440106"))
    other_province = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310000"))
    june = date(TODAY.year + 1, 6, 1)  # rounds to come, far from New Year whatever the day
    launch(province, june, 10, "全省评估")
    for authority in (city, district):
        with pytest.raises(WorkflowError, match="全省评估"):
            launch(authority, june + timedelta(days=5), 10, "市级评估")
    # Elsewhere, or after the window: fine.
    launch(other_province, june, 10, "上海评估")
    launch(city, june + timedelta(days=11), 3, "市级第二轮")


def test_the_overlap_refusal_is_shown_on_the_page(city, browser):
    province = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440000"))
    open_now(province, 10, "全省评估")
    browser.login(city.email, factories.PASSWORD)
    response = browser.submit("/campaigns/", form(), action="/campaigns/launch")
    assert response.status_code == 409
    assert "全省评估" in response.get_data(as_text=True)


def test_an_enterprise_fills_in_for_the_open_round_once(city, app_ctx):
    org = factories.organisation(region="440106")
    user = factories.user(org)
    own = assessments.start(org, user)  # no campaign open: its own, counted by none
    assert own.campaign_id is None
    with pytest.raises(WorkflowError):
        assessments.start(org, user)
    campaign = open_now(city, 10, "市级评估")
    joined = assessments.start(org, user)
    assert joined.campaign_id == campaign.id and joined.region_code == "440106"
    with pytest.raises(WorkflowError, match="市级评估"):
        assessments.start(org, user)
    assert assessments.may_start(org, assessments.assessments_of(org)) == (False, campaign)


def test_the_enterprise_sees_the_open_round(city, browser):
    campaign = open_now(city, 10, "市级评估")
    enterprise = factories.user(factories.organisation(region="440106"))
    browser.login(enterprise.email, factories.PASSWORD)
    page = browser.get("/assessments/").get_data(as_text=True)
    assert 'id="open-campaign"' in page and "参加市级评估" in page
    dashboard = browser.get("/dashboard").get_data(as_text=True)
    assert "市级评估" in dashboard
    response = browser.submit("/assessments/", {}, action="/assessments/start")
    assert response.status_code == 302
    made = db.session.scalar(
        sa.select(Assessment).where(Assessment.organisation_id == enterprise.organisation_id)
    )
    assert made.campaign_id == campaign.id


def test_units_reporting_on_their_own(app_ctx, browser):
    province = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440000"))
    browser.login(province.email, factories.PASSWORD)
    response = browser.submit("/campaigns/", {"code": "440606"}, action="/campaigns/separate-units")
    assert response.status_code == 302
    assert db.session.get(SeparateReportingUnit, (province.organisation_id, "440606"))
    for code, status in (("440100", 409), ("310115", 409), ("4406", 422), ("999999", 409)):
        response = browser.submit("/campaigns/", {"code": code}, action="/campaigns/separate-units")
        assert response.status_code == status, code
    response = browser.submit("/campaigns/", {}, action="/campaigns/separate-units/440606/remove")
    assert response.status_code == 302
    assert db.session.get(SeparateReportingUnit, (province.organisation_id, "440606")) is None


def test_forged_quota_units_are_refused(city, browser):
    campaign = open_now(city, 10, "市级评估")
    browser.login(city.email, factories.PASSWORD)
    page = f"/campaigns/{campaign.id}"
    data = {"units-0-code": "440604", "units-0-absolute": "5"}  # 佛山's: not this city's
    response = browser.submit(page, data, action=f"{page}/quotas")
    assert response.status_code == 409
    data = {"units-0-code": "440106", "units-0-absolute": "-3"}
    response = browser.submit(page, data, action=f"{page}/quotas")
    assert response.status_code == 422
    data = {"units-0-code": "440106", "units-0-absolute": "30", "units-0-share_percent": "40"}
    assert browser.submit(page, data, action=f"{page}/quotas").status_code == 302
    services_quota = services.quotas_of(campaign, ["440106"])["440106"]
    assert (services_quota.absolute, services_quota.share_percent) == (30, 40)
