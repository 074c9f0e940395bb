"""People's journeys through the pages, in Chromium."""

import re
import uuid

from stdnum.cn import uscc

from tests.browser.conftest import check_accessibility, dispatch, shot
from tests.conftest import Mailbox, links_in

PASSWORD = "Violet-Harbour-Compass-71"


def test_registration_activation_and_first_sign_in(page, live_server, mailbox):
    base = live_server["base"]
    email = f"browser.{uuid.uuid4().hex[:8]}@example.com"  # one mailbox serves both databases
    page.goto(base + "/register")
    check_accessibility(page)
    shot(page, "register-zh")
    code = "91310115MA1BR0W5E"
    page.fill("#org_name", "上海浏览器测试装备有限公司")
    page.fill("#credit_code", code + uscc.calc_check_digit(code))
    page.select_option("#region_1", "310000")
    page.wait_for_selector("#region_2 option[value='310115']", state="attached")
    page.select_option("#region_2", "310115")
    page.select_option("#industry", "34")
    page.select_option("#size", "medium")
    page.fill("#address", "上海市浦东新区测试路 1 号")
    page.fill("#contact_phone", "021-55550000")
    page.fill("#name", "浏览器用户")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.check("#accept_terms")
    page.click("form button[type=submit]")
    page.wait_for_selector(f"text={email}")
    check_accessibility(page)

    dispatch(live_server)
    [mail] = mailbox.to(email)
    [link] = [u for u in links_in(Mailbox.text(mail)) if "/verify/" in u]
    assert link.startswith(base)
    page.goto(link)
    assert "/login" in page.url
    check_accessibility(page)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit].btn-primary")
    page.wait_for_url(re.compile(r".*/dashboard$"))
    assert "上海浏览器测试装备有限公司" in page.content()
    check_accessibility(page)
    shot(page, "dashboard-enterprise-zh")


def test_public_verification_in_english(page, live_server):
    base = live_server["base"]
    page.goto(base + "/certificates/?lang=en")
    check_accessibility(page)
    assert page.title().startswith("Certificate register")
    page.click("table tbody a")
    number = page.locator("h1").inner_text().split()[-1]
    assert re.fullmatch(r"CSAIII-\d{5}IIIMS\d{7}", number)
    assert "Valid" in page.locator("[role=status]").inner_text()
    check_accessibility(page)
    shot(page, "certificate-verification-en")
    # The search form finds it by number; the QR code's URL opens the same live page.
    page.goto(base + "/certificates/?lang=en")
    page.fill("#number", number)
    page.click("form[role=search] button[type=submit]")
    assert page.locator("table tbody tr").count() == 1
    page.goto(f"{base}/certificates/{number}")
    assert number in page.locator("h1").inner_text()
    shot(page, "register-en")


def test_keyboard_reaches_the_sign_in_button(page, live_server):
    page.goto(live_server["base"] + "/login")
    page.focus("#email")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert page.evaluate("document.activeElement.textContent").strip() in {"登录", "Sign in"}
