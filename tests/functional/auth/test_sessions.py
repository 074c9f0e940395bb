"""Server-side sessions: a cookie copied before sign-out (or a password change) stops working.

An attacker's copy is played by a second test client holding the same cookie.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.security import sessions
from app.security.tasks import purge_expired_sessions
from models import UserSession
from tests import factories
from tests.conftest import Browser

SESSION_COOKIE = "session"
REMEMBER_COOKIE = "remember_token"


def copy_of(app, source: Browser, *names: str) -> Browser:
    """A second browser holding a copy of ``source``'s cookies (the ones named)."""
    thief = Browser(app.test_client())
    for name in names:
        cookie = source.client.get_cookie(name)
        assert cookie is not None, name
        thief.client.set_cookie(name, cookie.value)
    return thief


def rows_of(user) -> list[UserSession]:
    return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)))


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, browser):
    user = factories.user()
    browser.login(user.email, factories.PASSWORD)
    thief = copy_of(app, browser, SESSION_COOKIE)
    assert thief.get("/dashboard").status_code == 200  # the copy works while signed in

    assert browser.logout().status_code == 302
    refused = thief.get("/dashboard")
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/login")
    assert rows_of(user) == []


def test_a_remember_me_cookie_copied_before_sign_out_is_refused_after_it(app, browser):
    user = factories.user()
    browser.submit("/login", {"email": user.email, "password": factories.PASSWORD, "remember": "y"})
    thief = copy_of(app, browser, REMEMBER_COOKIE)  # no session cookie: the remember one only
    assert thief.get("/dashboard").status_code == 200
    remembered = rows_of(user)[0]
    assert remembered.expires_at - remembered.created_at > timedelta(days=300)

    browser.logout()
    assert browser.client.get_cookie(REMEMBER_COOKIE) is None  # deleted in the browser too
    late_thief = copy_of(app, thief, REMEMBER_COOKIE)
    assert late_thief.get("/dashboard").status_code == 302


def test_signing_out_ends_only_this_session(app, browser):
    user = factories.user()
    other = Browser(app.test_client())
    browser.login(user.email, factories.PASSWORD)
    other.login(user.email, factories.PASSWORD)
    assert len(rows_of(user)) == 2
    browser.logout()
    assert other.get("/dashboard").status_code == 200
    assert len(rows_of(user)) == 1


def test_a_password_change_ends_every_other_session_and_renews_this_one(app, browser):
    user = factories.user()
    other = Browser(app.test_client())
    browser.login(user.email, factories.PASSWORD)
    other.login(user.email, factories.PASSWORD)
    before_change = copy_of(app, browser, SESSION_COOKIE)

    new = "Quiet-Orchard-Lamp-77"
    form = {"current_password": factories.PASSWORD, "password": new, "confirm": new}
    response = browser.submit("/account/password", form)
    assert response.status_code == 302
    assert browser.get("/dashboard").status_code == 200  # this browser, with a new session
    assert other.get("/dashboard").status_code == 302
    assert before_change.get("/dashboard").status_code == 302  # its own old cookie, too
    assert len(rows_of(user)) == 1


def test_a_password_reset_ends_every_session(app, browser):
    from app.security.tokens import make_token

    user = factories.user()
    signed_in = Browser(app.test_client())
    signed_in.login(user.email, factories.PASSWORD)
    new = "Quiet-Orchard-Lamp-77"
    link = f"/password/reset/{make_token(user, 'reset')}"
    assert browser.submit(link, {"password": new, "confirm": new}).status_code == 302
    assert signed_in.get("/dashboard").status_code == 302
    assert rows_of(user) == []


def test_the_table_holds_a_hash_never_the_token(app, browser):
    user = factories.user()
    browser.login(user.email, factories.PASSWORD)
    serializer = app.session_interface.get_signing_serializer(app)
    content = serializer.loads(browser.client.get_cookie(SESSION_COOKIE).value)
    token = sessions.token_of(content["_user_id"])
    assert token and len(token) >= 43  # 32 random bytes, URL-safe base64
    [row] = rows_of(user)
    assert token not in row.token_hash
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_an_expired_session_is_refused_and_purged(app, browser):
    user = factories.user()
    browser.login(user.email, factories.PASSWORD)
    hours = app.config["SESSION_LIFETIME_HOURS"]
    later = datetime.now(UTC) + timedelta(hours=hours, minutes=1)
    with time_machine.travel(later, tick=False):
        # A signed cookie alone would still be good (Flask refreshes it on every request).
        assert browser.get("/dashboard").status_code == 302
        other = Browser(app.test_client())
        other.login(user.email, factories.PASSWORD)  # a live one, kept by the purge
        assert purge_expired_sessions() == "purged: 1"
    assert len(rows_of(user)) == 1


def test_cookies_from_before_server_side_sessions_are_refused(app, browser):
    """A cookie holding only ``<id>:<version>`` (signed before this change) opens nothing."""
    user = factories.user()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    assert client.get("/dashboard").status_code == 302


def test_a_signed_in_page_reads_the_session_once_and_writes_nothing(browser, count_queries):
    user = factories.user()
    browser.login(user.email, factories.PASSWORD)
    with count_queries() as counter:
        assert browser.get("/dashboard").status_code == 200
    touching = [s for s in counter.statements if "user_sessions" in s]
    assert len(touching) == 1
    assert not any(s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for s in touching)
