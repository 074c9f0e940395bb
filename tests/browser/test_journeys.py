"""Journeys in English, and the keyboard."""

import uuid

from tests.browser.conftest import check_accessibility, shot
from tests.browser.pages import activate_and_sign_in, answer_self_assessment, register

PASSWORD = "Violet-Harbour-Compass-71"
ENTERPRISE = "上海徐汇数字机床有限公司"


def test_registration_to_self_assessment_report_in_english(page, live_server, mailbox):
    """Step 1 of the path in English: the language switch, then every page and the email."""
    base = live_server["base"]
    email = f"browser.en.{uuid.uuid4().hex[:8]}@example.com"
    page.goto(base + "/register")
    page.click("nav a[lang=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    check_accessibility(page)
    assert page.title().startswith("Register")
    shot(page, "register-en")
    address = "No. 8 Caoxi Road, Xuhui, Shanghai"
    register(page, ENTERPRISE, "91310104MA1EN9L1X", "310104", "Li Na", email, PASSWORD, address)
    mail = activate_and_sign_in(page, live_server, mailbox, email, PASSWORD)
    assert mail["Subject"] == "Certpath: confirm your email address"  # the language read in
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "dashboard-enterprise-en")

    answer_self_assessment(page, base, "discrete-2026")
    report = page.inner_text("main")
    assert "100.0" in report and "Collaboration and innovation" in report
    shot(page, "self-assessment-report-en")
    with page.expect_download() as download:
        page.click("a[href$='report.pdf']")
    assert download.value.suggested_filename.endswith(".pdf")


def test_keyboard_reaches_the_sign_in_button(page, live_server):
    page.goto(live_server["base"] + "/login")
    check_accessibility(page)
    shot(page, "login-zh")
    page.focus("#email")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert page.evaluate("document.activeElement.textContent").strip() in {"登录", "Sign in"}
