"""The demo enterprise answers this year's questionnaire in the browser and reads its report."""

import re

from blueprints.assessment.questionnaire import load_all
from tests.browser.conftest import check_accessibility, shot
from tests.functional.assessment.helpers import answers_for


def sign_in(page, base, email, password="Certpath-Demo-2026"):
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form button[type=submit].btn-primary")
    page.wait_for_url(re.compile(r".*/dashboard$"))


def test_enterprise_completes_its_self_assessment(page, live_server):
    base = live_server["base"]
    sign_in(page, base, "enterprise@demo.certpath.cn")
    page.goto(base + "/assessments/")
    check_accessibility(page)
    page.click("form[action$='/assessments/start'] button")
    page.wait_for_url(re.compile(r".*/fill/.*"))
    questionnaire_id = "discrete-2026"  # the demo enterprise makes machine tools (division 34)
    questionnaire = load_all()[questionnaire_id]
    answers = answers_for(questionnaire)
    for index, section in enumerate(questionnaire.sections):
        check_accessibility(page)
        if index == 1:
            shot(page, "self-assessment-fill-zh")
        for question in section.questions:
            name = "q_" + question.key
            values = answers[name]
            if question.type in ("single", "yes_no"):
                page.check(f"input[name='{name}'][value='{values[0]}']")
            elif question.type == "multiple":
                for value in values:
                    page.check(f"input[name='{name}'][value='{value}']")
            else:
                page.fill(f"[name='{name}']", values[0])
        page.click("button[name=move][value=next]")
        page.wait_for_load_state()
    assert "/confirm" in page.url
    check_accessibility(page)
    page.check("#confirm")
    page.click("form[action$='/submit'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/assessments/\d+$"))
    check_accessibility(page)
    report = page.content()
    assert "100.0" in report
    assert questionnaire.stage("innovation").title.zh in report
    shot(page, "self-assessment-report-zh")
    with page.expect_download() as download:
        page.click("a[href$='report.pdf']")
    assert download.value.suggested_filename.endswith(".pdf")
