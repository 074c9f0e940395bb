"""A programme's progress for the authority that runs it: engagements by state and provider,
the overdue ones, the grades before and on site, the verified indicators averaged by
prefecture and industry — its own engagements only, in a bounded number of queries, and in
Excel."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import openpyxl
import pytest

from app.extensions import db
from blueprints.demo.engagements import FULL_GROUP, fill_forms, grade_on_site
from blueprints.demo.projects import pdf_file
from blueprints.diagnosis import programmes, sme_level
from blueprints.diagnosis.services import record_self_evaluation
from blueprints.engagements import indicators, services
from models import AssessmentStatus, OrgKind
from tests import factories
from tests.functional.engagements.helpers import sign_in_as

TODAY = date.today()


@pytest.fixture
def province(app_ctx):
    """Jilin's authority, a provider, and an engagement maker for enterprises of its cities."""
    authority = factories.user(factories.organisation(OrgKind.AUTHORITY, region="220000"))
    provider = factories.organisation(OrgKind.SERVICE_PROVIDER, name="吉数", region="220100")
    expert = factories.user(provider)

    def engage(programme: str, county: str, *, industry: str = "34", signed_days_ago: int = 40,
               on_site: bool = False):  # fmt: skip
        org = factories.organisation(region=county, industry_code=industry)
        engagement = services.enrol(authority, programmes.programme(programme),
                                    org.credit_code, provider.id)  # fmt: skip
        if signed_days_ago:
            services.file_agreement(engagement, expert, TODAY - timedelta(days=signed_days_ago),
                                    pdf_file("协议.pdf"))  # fmt: skip
        if on_site:
            for n, (name, title) in enumerate(FULL_GROUP):
                services.add_member(engagement, expert, name=name, unit="", title=title,
                                    lead=n == 0, expert=n == 0, pledged_on=TODAY)  # fmt: skip
            factories.assessment(org, status=AssessmentStatus.APPROVED)
            fill_forms(engagement, "start", provider=expert, enterprise=factories.user(org),
                       day=TODAY)  # fmt: skip
            services.perform(engagement, "start", expert)
        return engagement, org

    return {"authority": authority, "expert": expert, "engage": engage}


def test_states_providers_and_overdue(browser, province):
    engage = province["engage"]
    engage("changchun_pilot", "220102", signed_days_ago=0)  # enrolled
    late, _ = engage("changchun_pilot", "220102", signed_days_ago=40)  # 30-day term: overdue
    engage("changchun_pilot", "220202", signed_days_ago=10)  # agreed, in term
    # Another authority's engagement is not counted.
    other = factories.user(factories.organisation(OrgKind.AUTHORITY, region="220100"))
    elsewhere = factories.organisation(region="220102")
    services.enrol(other, programmes.programme("changchun_pilot"), elsewhere.credit_code,
                   late.provider_id)  # fmt: skip
    db.session.commit()
    sign_in_as(browser, province["authority"])
    page = browser.get("/engagements/progress?programme=changchun_pilot").text
    assert "共 3 项" in page
    assert f'/engagements/{late.id}"' in page.split('id="overdue"')[1].split("</ul>")[0]


def test_grades_and_indicators_by_prefecture_and_industry(browser, province):
    engage = province["engage"]
    expert = province["expert"]
    pilot, pilot_org = engage("changchun_pilot", "220102", on_site=True)
    owner = factories.user(pilot_org)
    table = sme_level.table()
    record_self_evaluation(owner, {i.key: 2.0 for i in table.indicators},
                           {s.key: 1 if s.constrained else 0 for s in table.scenarios})  # fmt: skip
    grade_on_site(pilot, expert)  # grade 2
    values = {"changchun": 40.0, "jilin": 80.0}
    for name, county, industry in (("changchun", "220102", "34"), ("jilin", "220202", "36")):
        engagement, _org = engage("nmg_offline", county, industry=industry, on_site=True)
        indicators.save(
            engagement, expert, {d.key: (values[name], "") for d in indicators.definitions()}
        )
    db.session.commit()
    sign_in_as(browser, province["authority"])
    pilot_page = browser.get("/engagements/progress?programme=changchun_pilot").text
    grades = pilot_page.split('id="grades"')[1]
    assert '<tr data-grade="2">' in grades
    row = grades.split('data-grade="2"')[1].split("</tr>")[0]
    assert row.count(">1<") == 1  # graded 2 on site; the self-evaluation fell short of grade 1
    nmg = browser.get("/engagements/progress?programme=nmg_offline").text
    averages = nmg.split('id="indicator-averages"')[1]
    first = averages.split('data-indicator="key_process_cnc_rate"')[1].split("</tr>")[0]
    assert "60.0" in first and "40.0" in first and "80.0" in first
    book = openpyxl.load_workbook(
        BytesIO(browser.get("/engagements/progress.xlsx?programme=nmg_offline").data)
    )
    by_industry = book.worksheets[-1]
    rows = [[c.value for c in r] for r in by_industry.iter_rows()]
    assert any(r[0] == "34" and 40.0 in r for r in rows), rows
    assert any(r[0] == "36" and 80.0 in r for r in rows), rows


def test_the_page_costs_the_same_with_more_engagements(browser, province, count_queries):
    engage = province["engage"]
    engage("nmg_offline", "220102", on_site=True)
    db.session.commit()
    sign_in_as(browser, province["authority"])

    def cost() -> int:
        with count_queries() as counter:
            assert browser.get("/engagements/progress?programme=nmg_offline").status_code == 200
        return counter.count

    few = cost()
    for county in ("220102", "220202", "220203", "220104"):
        engage("nmg_offline", county, on_site=True)
    db.session.commit()
    assert cost() == few


@pytest.mark.parametrize("kind", [OrgKind.ENTERPRISE, OrgKind.SERVICE_PROVIDER])
def test_only_authorities_see_progress(browser, app_ctx, kind):
    user = factories.user(factories.organisation(kind, region="220102"))
    sign_in_as(browser, user)
    assert browser.get("/engagements/progress").status_code == 403
    assert browser.get("/engagements/progress.xlsx").status_code == 403
