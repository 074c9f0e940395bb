"""Sign-in, sign-out, throttling, the next parameter, sessions after a password change."""

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from models import LoginFailure
from tests import factories
from tests.conftest import Browser


def test_login_page_renders_in_both_languages(client):
    zh = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert zh.status_code == 200
    assert 'lang="zh-CN"' in zh.get_data(as_text=True)
    assert "登录" in zh.get_data(as_text=True)
    en = client.get("/login?lang=en")
    assert 'lang="en"' in en.get_data(as_text=True)
    assert "Sign in" in en.get_data(as_text=True)
    # The switch is remembered in the session.
    assert "Sign in" in client.get("/login").get_data(as_text=True)


def test_accept_language_then_default_chinese(app):
    english = app.test_client().get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert 'lang="en"' in english.get_data(as_text=True)
    default = app.test_client().get("/login", headers={"Accept-Language": "fr"})
    assert 'lang="zh-CN"' in default.get_data(as_text=True)


def test_user_preference_wins_and_switch_updates_it(browser):
    user = factories.user(locale="en")
    browser.login(user.email, factories.PASSWORD)
    page = browser.get("/dashboard", headers={"Accept-Language": "zh-CN"})
    assert 'lang="en"' in page.get_data(as_text=True)
    browser.get("/dashboard?lang=zh")  # a link's switch: this session only, never the profile
    db.session.refresh(user)
    assert user.locale == "en"
    switched = browser.submit(
        "/dashboard", {"lang": "zh", "next": "/dashboard"}, action="/language"
    )
    assert switched.headers["Location"].endswith("/dashboard")
    db.session.refresh(user)
    assert user.locale == "zh"
    assert 'lang="zh-CN"' in browser.get("/dashboard").get_data(as_text=True)


def test_successful_login_and_logout_by_post_only(browser):
    user = factories.user()
    response = browser.login(user.email.upper(), factories.PASSWORD)
    assert response.status_code == 302
    assert browser.get("/dashboard").status_code == 200
    assert browser.get("/logout").status_code == 405
    assert browser.logout().status_code == 302
    assert browser.get("/dashboard").status_code == 302


def test_wrong_password_gives_one_message_for_unknown_and_known_accounts(browser):
    user = factories.user()
    wrong = browser.login(user.email, "not-the-password").get_data(as_text=True)
    unknown = browser.login("nobody@example.com", "whatever").get_data(as_text=True)
    assert "邮箱或密码不正确" in wrong
    assert "邮箱或密码不正确" in unknown


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/orgs/mine", "/orgs/mine"),
        ("https://evil.example/phish", "/dashboard"),
        ("//evil.example/phish", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_next_accepts_only_local_paths(browser, target, expected):
    user = factories.user()
    response = browser.submit(
        f"/login?next={target}", {"email": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_account_throttle_after_repeated_failures(app, browser):
    user = factories.user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        browser.login(user.email, "wrong-password")
    # Even the right password is refused while throttled.
    page = browser.login(user.email, factories.PASSWORD).get_data(as_text=True)
    assert "尝试次数过多" in page
    assert browser.get("/dashboard").status_code == 302
    # The window passes: the right password works again.
    with time_machine.travel(_later(app), tick=False):
        assert browser.login(user.email, factories.PASSWORD).status_code == 302


def _later(app):
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) + timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"] + 1)


def test_address_throttle_across_accounts(app, browser):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for n in range(limit):
        browser.login(f"spray{n}@example.com", "guess")
    user = factories.user()
    page = browser.login(user.email, factories.PASSWORD).get_data(as_text=True)
    assert "尝试次数过多" in page


def test_success_clears_the_account_failures(browser):
    user = factories.user()
    browser.login(user.email, "wrong")
    browser.login(user.email, factories.PASSWORD)
    remaining = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.key == f"account:{user.email}")
    )
    assert remaining == 0


def test_deactivated_account_cannot_sign_in(browser):
    user = factories.user(active=False)
    page = browser.login(user.email, factories.PASSWORD).get_data(as_text=True)
    assert "停用" in page


def test_change_password_ends_other_sessions(app, browser):
    user = factories.user()
    other = Browser(app.test_client())
    browser.login(user.email, factories.PASSWORD)
    other.login(user.email, factories.PASSWORD)
    assert other.get("/dashboard").status_code == 200

    new = "Quiet-Orchard-Lamp-77"
    response = browser.submit(
        "/account/password",
        {
            "current_password": factories.PASSWORD,
            "password": new,
            "confirm": new,
        },
    )
    assert response.status_code == 302
    assert browser.get("/dashboard").status_code == 200  # this session lives on
    assert other.get("/dashboard").status_code == 302  # the other one is signed out
    assert other.login(user.email, new).status_code == 302


def test_change_password_requires_the_current_one(browser):
    user = factories.user()
    browser.login(user.email, factories.PASSWORD)
    page = browser.submit(
        "/account/password",
        {
            "current_password": "wrong",
            "password": "Quiet-Orchard-Lamp-77",
            "confirm": "Quiet-Orchard-Lamp-77",
        },
    )
    assert "当前密码不正确" in page.get_data(as_text=True)


def test_session_cookie_flags(app, browser):
    user = factories.user()
    response = browser.login(user.email, factories.PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_security_headers(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
