"""Registering with an address that has an account looks exactly like registering a new one.

The registrant sees the same page; the owner of the address gets an email (in their language)
saying someone tried, with links to sign in and to reset the password. Nothing is created.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.extensions import db
from app.mail.dispatcher import dispatch_due
from app.security import passwords
from models import OutboxMessage
from tests import factories
from tests.conftest import Browser, Mailbox, links_in
from tests.functional.auth.test_registration import counts, registration
from tests.functional.auth.test_signin_hashing import RecordingHasher

NEW, TAKEN = "brand.new@example.com", "owner@example.com"


def visible(page: str, email: str) -> str:
    """What a person reads: the text, with the address they typed blanked out."""
    text = BeautifulSoup(page, "html.parser").get_text(" ", strip=True)
    return re.sub(r"\s+", " ", text.replace(email, "<email>"))


def test_a_taken_address_gets_the_same_answer_as_a_new_one(app, monkeypatch):
    factories.user(email=TAKEN)
    hasher = RecordingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", hasher)

    new = Browser(app.test_client()).submit("/register", registration(email=NEW))
    assert hasher.hashed == 1
    before = counts()
    taken = Browser(app.test_client()).submit(
        "/register", registration(email=TAKEN.upper(), credit_code=factories.credit_code())
    )
    # The password is hashed on this path too: the answer takes as long.
    assert hasher.hashed == 2

    assert new.status_code == taken.status_code == 200
    assert sorted(new.headers.keys()) == sorted(taken.headers.keys())
    new_text, taken_text = (
        visible(new.get_data(as_text=True), NEW),
        visible(taken.get_data(as_text=True), TAKEN),
    )
    assert new_text == taken_text
    assert "请查收邮件" in taken_text
    assert "已有账户" not in taken_text
    # No organisation, no user: only the message to the owner.
    organisations, users, messages = counts()
    assert (organisations, users, messages) == (before[0], before[1], before[2] + 1)


def test_the_owner_is_told_by_email_in_their_language(browser, smtp_server: Mailbox):
    owner = factories.user(email=TAKEN, locale="en", name="Li Lei")
    browser.submit("/register", registration(email=TAKEN, locale="zh"))
    assert dispatch_due().sent == 1

    [mail] = smtp_server.to(TAKEN)
    assert mail["Subject"] == "Certpath: someone tried to register with your email address"
    body = Mailbox.text(mail)
    assert "Hello Li Lei" in body
    assert "No new account was created" in body
    links = links_in(body)
    assert "http://localhost/login" in links
    assert "http://localhost/password/forgot" in links
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert 'href="http://localhost/login"' in html
    assert 'href="http://localhost/password/forgot"' in html
    # The account is as it was.
    db.session.refresh(owner)
    assert owner.organisation.name != registration()["org_name"]


def test_the_owner_email_in_chinese(browser, smtp_server: Mailbox):
    factories.user(email=TAKEN, locale="zh")
    browser.submit("/register", registration(email=TAKEN, locale="en"))
    dispatch_due()
    [mail] = smtp_server.to(TAKEN)
    assert mail["Subject"] == "Certpath：有人尝试使用您的电子邮箱注册"
    assert "未创建新账户" in Mailbox.text(mail)


def test_repeated_attempts_do_not_flood_the_owner(app):
    owner = factories.user(email=TAKEN)
    for _ in range(3):
        page = Browser(app.test_client()).submit("/register", registration(email=TAKEN))
        assert page.status_code == 200
    keys = db.session.scalars(
        sa.select(OutboxMessage.dedup_key).where(OutboxMessage.recipient == owner.email)
    ).all()
    assert len(keys) == 1
    assert keys[0].startswith(f"registration-attempt:{owner.id}:")


def test_a_weak_password_is_refused_alike_for_taken_and_new_addresses(browser):
    """The password rules are checked before the address is looked at: a refusal says nothing
    about the address either."""
    factories.user(email=TAKEN)
    before = counts()
    pages = [
        browser.submit(
            "/register", registration(email=email, password="password123", confirm="password123")
        )
        for email in (NEW, TAKEN)
    ]
    assert [p.status_code for p in pages] == [422, 422]
    for page in pages:
        assert "is-invalid" in page.get_data(as_text=True)
    assert visible(pages[0].get_data(as_text=True), NEW) == visible(
        pages[1].get_data(as_text=True), TAKEN
    )
    assert counts() == before


def test_a_deactivated_owner_is_not_mailed(browser):
    factories.user(email=TAKEN, active=False)
    before = counts()
    page = browser.submit("/register", registration(email=TAKEN))
    assert page.status_code == 200
    assert counts() == before
