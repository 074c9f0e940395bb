"""Registration → verification email over real SMTP → activation → sign-in."""

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.mail.dispatcher import dispatch_due
from models import Organisation, OutboxMessage, User
from tests import factories
from tests.conftest import Mailbox, links_in

PASSWORD = "Blue-Lantern-Harbour-42"


def registration(**overrides) -> dict:
    data = {
        "org_name": "上海测试智能制造有限公司",
        "credit_code": factories.credit_code("310115"),
        "region_1": "310000",
        "region_2": "310115",
        "region_3": "",
        "industry": "34",
        "size": "medium",
        "address": "上海市浦东新区张江路 1 号",
        "contact_phone": "021-12345678",
        "name": "张三",
        "email": "zhang.san@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "locale": "zh",
        "accept_terms": "y",
    }
    data.update(overrides)
    return data


def counts():
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)),
        db.session.scalar(sa.select(sa.func.count()).select_from(User)),
        db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)),
    )


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_register_verify_and_sign_in_end_to_end(browser, smtp_server: Mailbox):
    response = browser.submit("/register", registration())
    assert response.status_code == 200
    assert "zhang.san@example.com" in response.get_data(as_text=True)

    # Unverified: sign-in is refused with a clear message, and no session is opened.
    refused = browser.login("zhang.san@example.com", PASSWORD)
    assert "尚未验证" in refused.get_data(as_text=True)
    assert browser.get("/dashboard").status_code == 302

    assert dispatch_due().sent == 1
    [mail] = smtp_server.to("zhang.san@example.com")
    assert mail["Subject"] == "Certpath：请确认您的电子邮箱"
    body = Mailbox.text(mail)
    [link] = [u for u in links_in(body) if "/verify/" in u]
    assert link.startswith("http://localhost/verify/")

    # Opening the link confirms nothing (mail gateways open every link); its button does.
    page = browser.get(path_of(link))
    assert page.status_code == 200 and "确认" in page.get_data(as_text=True)
    assert "尚未验证" in browser.login("zhang.san@example.com", PASSWORD).get_data(as_text=True)
    activated = browser.submit(path_of(link), {})
    assert activated.status_code == 302
    again = browser.get(path_of(link)).get_data(as_text=True)
    assert "已确认" in again  # a second visit says so, with nothing left to confirm
    signed_in = browser.login("zhang.san@example.com", PASSWORD)
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"].endswith("/dashboard")
    dashboard = browser.get("/dashboard").get_data(as_text=True)
    assert "上海测试智能制造有限公司" in dashboard

    user = db.session.scalar(sa.select(User).where(User.email == "zhang.san@example.com"))
    assert user.is_org_admin and user.organisation.region_code == "310115"


def test_verification_email_in_english_for_an_english_registrant(browser, smtp_server):
    browser.submit("/register", registration(email="en@example.com", locale="en"))
    dispatch_due()
    [mail] = smtp_server.to("en@example.com")
    assert mail["Subject"] == "Certpath: confirm your email address"
    assert "Thank you for registering" in Mailbox.text(mail)


def test_the_preferred_language_defaults_to_the_one_being_read(client):
    """Whoever registers after switching to English gets English mail without a second choice."""
    english = client.get("/register?lang=en").get_data(as_text=True)
    assert re.search(r'<option selected value="en">|<option value="en" selected>', english)
    chinese = client.get("/register?lang=zh").get_data(as_text=True)
    assert re.search(r'<option selected value="zh">|<option value="zh" selected>', chinese)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91310115MA1K3BQ2X0", "校验位"),  # wrong check digit
        ("91310115MA1K3BQ2X", "18"),  # wrong length
        ("91310115ma1k3bq2xx", "大写字母"),  # lower case
        ("91310115MA1K3BQ2OX", "大写字母"),  # O is not in the alphabet
    ],
)
def test_invalid_credit_codes_are_refused_and_nothing_is_stored(browser, code, message):
    before = counts()
    response = browser.submit("/register", registration(credit_code=code))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert counts() == before


def test_duplicate_credit_code_is_refused(browser):
    """Credit codes of registered enterprises are public (the certificate register): saying
    so tells nothing. A taken email is answered like a new one: test_registration_taken.py."""
    existing = factories.user(email="taken@example.com")
    before = counts()
    page = browser.submit("/register", registration(credit_code=existing.organisation.credit_code))
    assert "已经注册" in page.get_data(as_text=True)
    assert counts() == before


@pytest.mark.parametrize("weak", ["short1!", "password123", "zhang.san@example.com1"])
def test_weak_passwords_are_refused(browser, weak):
    before = counts()
    page = browser.submit("/register", registration(password=weak, confirm=weak))
    text = page.get_data(as_text=True)
    assert "密码" in text and "is-invalid" in text
    assert counts() == before


def test_region_must_be_a_consistent_leaf(browser):
    before = counts()
    page = browser.submit("/register", registration(region_2="", region_3=""))
    assert "区县" in page.get_data(as_text=True)
    page = browser.submit("/register", registration(region_1="440000", region_2="310115"))
    assert "不属于" in page.get_data(as_text=True)
    assert counts() == before


def test_forged_industry_and_size_are_refused(browser):
    before = counts()
    page = browser.submit("/register", registration(industry="C", size="huge"))
    assert page.get_data(as_text=True).count("is-invalid") >= 2
    assert counts() == before


def test_missing_csrf_token_is_refused(client):
    before = counts()
    response = client.post("/register", data=registration())
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)
    assert counts() == before


def test_tampered_and_expired_verification_links(browser, smtp_server):
    browser.submit("/register", registration(email="late@example.com"))
    dispatch_due()
    [link] = [
        u for u in links_in(Mailbox.text(smtp_server.to("late@example.com")[0])) if "/verify/" in u
    ]
    tampered = browser.get(path_of(link)[:-3] + "abc")
    assert tampered.status_code == 400
    assert "无效" in tampered.get_data(as_text=True)
    with time_machine.travel("2099-01-01", tick=False):
        expired = browser.get(path_of(link))
    assert expired.status_code == 400
    assert "已过期" in expired.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == "late@example.com"))
    assert user.email_verified_at is None
