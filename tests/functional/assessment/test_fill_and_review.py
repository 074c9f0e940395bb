"""An enterprise fills in, submits and downloads its report; authorities review it."""

from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from blueprints.assessment.questionnaire import load_all
from models import Assessment, AssessmentStatus, OrgKind, Role
from tests import factories
from tests.functional.assessment.helpers import answers_for, section_form

S = AssessmentStatus


@pytest.fixture
def enterprise(app_ctx):
    org = factories.organisation(region="310115", industry_code="34")
    return factories.user(org, is_org_admin=True)


def authority(region: str):
    org = factories.organisation(OrgKind.AUTHORITY, region=region)
    return factories.user(org, role=Role.AUTHORITY)


def start(browser) -> tuple[Assessment, object]:
    response = browser.submit("/assessments/", {}, action="/assessments/start")
    assert response.status_code == 302
    assessment = db.session.scalar(sa.select(Assessment).order_by(Assessment.id.desc()))
    return assessment, load_all()[assessment.questionnaire_id]


def fill_all(browser, assessment, questionnaire, best=True):
    answers = answers_for(questionnaire, best)
    for section in questionnaire.sections:
        url = f"/assessments/{assessment.id}/fill/{section.key}"
        response = browser.submit(
            url, {**section_form(questionnaire, section.key, answers), "move": "next"}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return answers


def submit(browser, assessment):
    return browser.submit(
        f"/assessments/{assessment.id}/confirm",
        {"confirm": "y"},
        action=f"/assessments/{assessment.id}/submit",
    )


def test_fill_submit_report_and_exports(browser, enterprise):
    browser.login(enterprise.email, factories.PASSWORD)
    assessment, questionnaire = start(browser)
    assert questionnaire.group == "discrete"
    fill_all(browser, assessment, questionnaire)
    confirm = browser.get(f"/assessments/{assessment.id}/confirm").get_data(as_text=True)
    assert "disabled" not in confirm.split("confirm")[-1][:400]
    response = submit(browser, assessment)
    assert response.status_code == 302
    db.session.refresh(assessment)
    assert assessment.status == S.AWAITING_CITY  # no district authority registered
    assert assessment.total == 100.0 and assessment.stage == "innovation"

    page = browser.get(f"/assessments/{assessment.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "100.0" in html and questionnaire.stage("innovation").title.zh in html

    pdf = browser.get(f"/assessments/{assessment.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"
    xlsx = browser.get(f"/assessments/{assessment.id}/report.xlsx")
    book = load_workbook(BytesIO(xlsx.data))
    summary = book.worksheets[0]
    cells = [c.value for row in summary.iter_rows() for c in row]
    assert enterprise.organisation.name in cells
    assert 100 in cells or 100.0 in cells


def test_lowest_answers_give_the_basic_stage(browser, enterprise):
    browser.login(enterprise.email, factories.PASSWORD)
    assessment, questionnaire = start(browser)
    fill_all(browser, assessment, questionnaire, best=False)
    assert submit(browser, assessment).status_code == 302
    db.session.refresh(assessment)
    assert assessment.stage == "basic"
    assert assessment.total == 0.0


def test_second_assessment_in_the_same_year_is_refused(browser, enterprise):
    browser.login(enterprise.email, factories.PASSWORD)
    start(browser)
    again = browser.submit("/assessments/", {}, action="/assessments/start")
    assert again.status_code == 409
    assert "已有" in again.get_data(as_text=True)
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Assessment)
        .where(Assessment.organisation_id == enterprise.organisation_id)
    )
    assert count == 1


def _first(questionnaire, kind):
    return next(q for q in questionnaire.questions if q.type == kind)


def test_out_of_range_and_forged_fields_store_nothing(browser, enterprise):
    browser.login(enterprise.email, factories.PASSWORD)
    assessment, questionnaire = start(browser)
    answers = answers_for(questionnaire)
    percentage = _first(questionnaire, "percentage")
    section = next(s for s in questionnaire.sections if percentage in s.questions)
    url = f"/assessments/{assessment.id}/fill/{section.key}"
    data = section_form(questionnaire, section.key, answers)

    bad = browser.submit(url, {**data, "q_" + percentage.key: "101", "move": "next"})
    assert bad.status_code == 422
    assert "is-invalid" in bad.get_data(as_text=True)
    forged = browser.submit(url, {**data, "q_no_such_question": "1", "move": "next"})
    assert "不存在" in forged.get_data(as_text=True)
    db.session.refresh(assessment)
    assert assessment.answers == {}


def test_count_cannot_exceed_its_total(browser, enterprise):
    browser.login(enterprise.email, factories.PASSWORD)
    assessment, questionnaire = start(browser)
    pair = next(q for q in questionnaire.questions if getattr(q, "not_greater_than", None))
    answers = answers_for(questionnaire)
    answers["q_" + pair.not_greater_than] = ["5"]
    answers["q_" + pair.key] = ["9"]
    for section in questionnaire.sections:
        browser.submit(
            f"/assessments/{assessment.id}/fill/{section.key}",
            {**section_form(questionnaire, section.key, answers), "move": "next"},
        )
    db.session.refresh(assessment)
    if assessment.answers.get(pair.key) == 9:  # saved per page: caught at submission
        refused = submit(browser, assessment)
        assert refused.status_code == 409
        db.session.refresh(assessment)
        assert assessment.status == S.DRAFT
    else:  # caught on the page that holds both questions
        assert pair.key not in assessment.answers or assessment.answers[pair.key] <= 5


def test_incomplete_submission_is_refused(browser, enterprise):
    browser.login(enterprise.email, factories.PASSWORD)
    assessment, _questionnaire = start(browser)
    refused = submit(browser, assessment)
    assert refused.status_code == 409
    assert "不完整" in refused.get_data(as_text=True) or "缺" in refused.get_data(as_text=True)
    db.session.refresh(assessment)
    assert assessment.status == S.DRAFT and not assessment.events


def test_submit_requires_the_confirmation_box(browser, enterprise):
    browser.login(enterprise.email, factories.PASSWORD)
    assessment, questionnaire = start(browser)
    fill_all(browser, assessment, questionnaire)
    response = browser.submit(
        f"/assessments/{assessment.id}/confirm", {}, action=f"/assessments/{assessment.id}/submit"
    )
    assert response.status_code == 422
    db.session.refresh(assessment)
    assert assessment.status == S.DRAFT


def test_district_then_city_review_with_return_and_resubmission(app, browser, enterprise):
    from tests.conftest import Browser

    district, city = authority("310115"), authority("310000")
    browser.login(enterprise.email, factories.PASSWORD)
    assessment, questionnaire = start(browser)
    fill_all(browser, assessment, questionnaire)
    submit(browser, assessment)
    db.session.refresh(assessment)
    assert assessment.status == S.AWAITING_DISTRICT
    assert assessment.reviewer_id == district.organisation_id

    city_browser = Browser(app.test_client())
    city_browser.login(city.email, factories.PASSWORD)
    decision = f"/assessments/{assessment.id}/decision"
    # Not the city's turn yet.
    early = city_browser.submit(
        f"/assessments/{assessment.id}", {"decision": "approve"}, action=decision
    )
    assert early.status_code == 409

    district_browser = Browser(app.test_client())
    district_browser.login(district.email, factories.PASSWORD)
    queue = district_browser.get("/assessments/queue").get_data(as_text=True)
    assert enterprise.organisation.name in queue
    assert (
        district_browser.submit(
            f"/assessments/{assessment.id}", {"decision": "approve"}, action=decision
        ).status_code
        == 302
    )
    db.session.refresh(assessment)
    assert assessment.status == S.AWAITING_CITY and assessment.reviewer_id == city.organisation_id

    # Returning needs a reason.
    no_reason = city_browser.submit(
        f"/assessments/{assessment.id}", {"decision": "return", "comment": " "}, action=decision
    )
    assert no_reason.status_code == 422
    city_browser.submit(
        f"/assessments/{assessment.id}",
        {"decision": "return", "comment": "请补充研发设计数据"},
        action=decision,
    )
    db.session.refresh(assessment)
    assert assessment.status == S.RETURNED

    # The enterprise sees the comment, edits and resubmits; the route starts again.
    assert "请补充研发设计数据" in browser.get(f"/assessments/{assessment.id}/confirm").get_data(
        as_text=True
    )
    fill_all(browser, assessment, questionnaire, best=False)
    assert submit(browser, assessment).status_code == 302
    db.session.refresh(assessment)
    assert assessment.status == S.AWAITING_DISTRICT and assessment.stage == "basic"
    district_browser.submit(
        f"/assessments/{assessment.id}", {"decision": "approve"}, action=decision
    )
    city_browser.submit(f"/assessments/{assessment.id}", {"decision": "approve"}, action=decision)
    db.session.refresh(assessment)
    assert assessment.status == S.APPROVED
    actions = [e.action.value for e in assessment.events]
    assert actions == [
        "submit",
        "approve_district",
        "return",
        "submit",
        "approve_district",
        "approve_city",
    ]
    assert all(e.actor_id for e in assessment.events)


def test_authority_of_another_region_gets_404(app, browser, enterprise):
    from tests.conftest import Browser

    browser.login(enterprise.email, factories.PASSWORD)
    assessment, questionnaire = start(browser)
    fill_all(browser, assessment, questionnaire)
    submit(browser, assessment)
    outsider = Browser(app.test_client())
    outsider.login(authority("440000").email, factories.PASSWORD)
    assert outsider.get(f"/assessments/{assessment.id}").status_code == 404
    assert outsider.get(f"/assessments/{assessment.id}/report.pdf").status_code == 404
    refused = outsider.submit(
        "/dashboard", {"decision": "approve"}, action=f"/assessments/{assessment.id}/decision"
    )
    assert refused.status_code == 404


def test_other_enterprise_cannot_see_or_fill(app, browser, enterprise):
    from tests.conftest import Browser

    browser.login(enterprise.email, factories.PASSWORD)
    assessment, questionnaire = start(browser)
    other = Browser(app.test_client())
    other.login(factories.user().email, factories.PASSWORD)
    first = questionnaire.sections[0].key
    assert other.get(f"/assessments/{assessment.id}/fill/{first}").status_code == 404
    assert other.get(f"/assessments/{assessment.id}").status_code == 404


def test_report_page_query_count_is_constant(browser, enterprise, count_queries):
    browser.login(enterprise.email, factories.PASSWORD)
    assessment, questionnaire = start(browser)
    fill_all(browser, assessment, questionnaire)
    submit(browser, assessment)
    from models import TOTAL_KEY

    def peers(n):
        for _ in range(n):
            factories.assessment(scores={"infrastructure": 40.0, TOTAL_KEY: 40.0})

    peers(3)
    with count_queries() as small:
        assert browser.get(f"/assessments/{assessment.id}").status_code == 200
    peers(40)
    with count_queries() as large:
        assert browser.get(f"/assessments/{assessment.id}").status_code == 200
    assert small.count == large.count, large.statements
    assert large.count <= 12, large.statements
