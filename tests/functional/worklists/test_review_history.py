"""An authority's decided reviews: its own decisions only, filtered, paginated."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from models import AssessmentAction, AssessmentEvent, AssessmentStatus, OrgKind
from tests import factories
from tests.functional.projects.helpers import browser_for

HISTORY = "/dashboard/reviews"


def decided(authority, name: str, year: int, action: AssessmentAction, comment: str = ""):
    org = factories.organisation(region="310115", name=name)
    assessment = factories.assessment(org, year=year, status=AssessmentStatus.APPROVED)
    db.session.add(
        AssessmentEvent(
            assessment_id=assessment.id,
            action=action,
            from_status=AssessmentStatus.AWAITING_CITY,
            to_status=AssessmentStatus.APPROVED,
            actor_id=authority.id,
            comment=comment,
        )
    )
    db.session.flush()


@pytest.fixture
def history(app_ctx):
    year = date.today().year
    city = factories.organisation(OrgKind.AUTHORITY, region="310000")
    official, colleague = factories.user(city), factories.user(city)
    decided(official, "浦东智能制造有限公司", year, AssessmentAction.APPROVE_CITY)
    decided(colleague, "松江新材料有限公司", year - 1, AssessmentAction.RETURN, "请补充数据")
    district = factories.organisation(OrgKind.AUTHORITY, region="310115")
    decided(factories.user(district), "别处审核的企业", year, AssessmentAction.APPROVE_DISTRICT)
    db.session.commit()
    return official, year


def test_the_history_lists_the_organisations_decisions(app, history):
    official, _year = history
    page = browser_for(app, official).get(HISTORY).get_data(as_text=True)
    assert "浦东智能制造有限公司" in page and "松江新材料有限公司" in page  # a colleague's too
    assert "请补充数据" in page
    assert "别处审核的企业" not in page  # another authority's decision


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("decision=return", "松江", "浦东"),
        ("decision=approve", "浦东", "松江"),
        ("name=松江", "松江", "浦东"),
        ("year={year}", "浦东", "松江"),
    ],
)
def test_filters(app, history, query, shown, hidden):
    official, year = history
    page = browser_for(app, official).get(f"{HISTORY}?{query.format(year=year)}")
    text = page.get_data(as_text=True)
    assert shown in text and hidden not in text


def test_pages_and_access(app, history):
    official, year = history
    for n in range(30):
        decided(official, f"批量企业{n:02d}", year, AssessmentAction.APPROVE_CITY)
    db.session.commit()
    browser = browser_for(app, official)
    first = browser.get(HISTORY).get_data(as_text=True)
    assert "第 1 页，共 2 页" in first
    second = browser.get(f"{HISTORY}?page=2").get_data(as_text=True)
    assert "松江新材料有限公司" in second  # the oldest, last
    enterprise = factories.user(factories.organisation())
    db.session.commit()
    assert browser_for(app, enterprise).get(HISTORY).status_code == 403
