"""The report's Excel file as the browser receives it: streamed, complete, in either language."""

import gc
from io import BytesIO

import pytest
from openpyxl import load_workbook

from blueprints.assessment.questionnaire import load_all
from models import TOTAL_KEY, AssessmentStatus
from tests import factories

SCORES = {"infrastructure": 62.5, "single_application": 48.0, TOTAL_KEY: 55.3}


@pytest.fixture
def approved(app_ctx):
    org = factories.organisation(name="上海智造精密装备有限公司", region="310115")
    admin = factories.user(org, is_org_admin=True)
    assessment = factories.assessment(org, status=AssessmentStatus.APPROVED, scores=SCORES)
    return admin, assessment


@pytest.mark.parametrize(
    ("lang", "sheets", "header", "summary_key"),
    [
        ("zh", ["概览", "维度得分", "关键指标", "改进建议"], ["维度", "得分", "权重"], "企业"),
        (
            "en",
            ["Summary", "Dimensions", "Indicators", "Suggestions"],
            ["Dimension", "Score", "Weight"],
            "Enterprise",
        ),
    ],
)
def test_report_xlsx_is_sent_whole_in_the_chosen_language(
    browser, approved, lang, sheets, header, summary_key
):
    admin, assessment = approved
    browser.login(admin.email, factories.PASSWORD)
    response = browser.get(f"/assessments/{assessment.id}/report.xlsx?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    body = response.data
    assert body.startswith(b"PK") and response.content_length == len(body)
    org = admin.organisation
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="self-assessment-{assessment.year}-{org.credit_code}.xlsx"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"

    book = load_workbook(BytesIO(body))
    assert book.sheetnames[:4] == sheets
    summary = {row[0]: row[1] for row in book[sheets[0]].iter_rows(values_only=True)}
    assert summary[summary_key] == "上海智造精密装备有限公司"
    dimensions = book[sheets[1]]
    assert [c.value for c in dimensions[1]][:3] == header
    questionnaire = load_all()[assessment.questionnaire_id]
    titles = [row[0] for row in dimensions.iter_rows(min_row=2, values_only=True)]
    assert titles == [getattr(d.title, lang) for d in questionnaire.dimensions]
    indicators = list(book[sheets[2]].iter_rows(min_row=2, values_only=True))
    assert len(indicators) == len(questionnaire.indicators)


def test_a_draft_has_no_file(browser, app_ctx):
    org = factories.organisation()
    admin = factories.user(org, is_org_admin=True)
    draft = factories.assessment(org, status=AssessmentStatus.DRAFT)
    browser.login(admin.email, factories.PASSWORD)
    assert browser.get(f"/assessments/{draft.id}/report.xlsx").status_code == 404


def test_head_sends_the_headers_and_closes_the_file(browser, approved):
    admin, assessment = approved
    browser.login(admin.email, factories.PASSWORD)
    response = browser.client.head(f"/assessments/{assessment.id}/report.xlsx")
    assert response.status_code == 200 and response.data == b""
    assert response.content_length > 0
    response.close()  # what the server does after the last byte (here: none)
    gc.collect()  # an unclosed spooled file would warn here, failing the test
