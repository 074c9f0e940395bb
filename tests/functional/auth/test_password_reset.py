"""Password reset by email and invitations: single-use, expiring links."""

from urllib.parse import urlsplit

import sqlalchemy as sa

from app.extensions import db
from app.mail.dispatcher import dispatch_due
from models import OutboxMessage, Role, User
from tests import factories
from tests.conftest import Mailbox, links_in

NEW = "Granite-Meadow-Violin-5"


def _link(mailbox: Mailbox, email: str, marker: str) -> str:
    dispatch_due()
    [mail] = mailbox.to(email)
    [link] = [u for u in links_in(Mailbox.text(mail)) if marker in u]
    return urlsplit(link).path


def test_reset_password_by_email(browser, smtp_server):
    user = factories.user()
    response = browser.submit("/password/forgot", {"email": user.email})
    assert response.status_code == 302
    path = _link(smtp_server, user.email, "/password/reset/")
    page = browser.submit(path, {"password": NEW, "confirm": NEW})
    assert page.status_code == 302
    assert browser.login(user.email, NEW).status_code == 302
    # Single use: the link died with the old password.
    again = browser.get(path)
    assert again.status_code == 400


def test_reset_for_unknown_email_reveals_nothing_and_sends_nothing(browser):
    response = browser.submit("/password/forgot", {"email": "ghost@example.com"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_reset_link_is_built_from_base_url_not_host_header(app, browser):
    user = factories.user()
    browser.submit("/password/forgot", {"email": user.email}, headers={"Host": "attacker.example"})
    message = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == user.email)
    )
    assert "attacker.example" not in message.body_text
    assert app.config["BASE_URL"] + "/password/reset/" in message.body_text


def test_weak_new_password_is_refused(browser, smtp_server):
    user = factories.user()
    browser.submit("/password/forgot", {"email": user.email})
    path = _link(smtp_server, user.email, "/password/reset/")
    page = browser.submit(path, {"password": "12345678", "confirm": "12345678"})
    assert page.status_code == 422  # the same page, the error beside the field
    assert "至少" in page.get_data(as_text=True)


def test_org_admin_invites_a_colleague(browser, smtp_server):
    admin = factories.user(is_org_admin=True)
    browser.login(admin.email, factories.PASSWORD)
    org_id = admin.organisation_id
    response = browser.submit(
        f"/orgs/{org_id}/members",
        {"name": "李四", "email": "li.si@example.com", "locale": "en"},
        action=f"/orgs/{org_id}/members/invite",
    )
    assert response.status_code == 302
    path = _link(smtp_server, "li.si@example.com", "/invitation/")
    mail = smtp_server.to("li.si@example.com")[0]
    assert "invited you to join" in Mailbox.text(mail)
    browser.logout()
    assert browser.submit(path, {"password": NEW, "confirm": NEW}).status_code == 302
    assert browser.login("li.si@example.com", NEW).status_code == 302
    invited = db.session.scalar(sa.select(User).where(User.email == "li.si@example.com"))
    assert invited.organisation_id == org_id
    assert invited.role == Role.ENTERPRISE
    assert invited.is_verified


def test_member_without_admin_right_cannot_invite(browser):
    member = factories.user(is_org_admin=False)
    browser.login(member.email, factories.PASSWORD)
    org_id = member.organisation_id
    response = browser.submit(
        f"/orgs/{org_id}/members",
        {"name": "x", "email": "x@example.com", "locale": "zh"},
        action=f"/orgs/{org_id}/members/invite",
    )
    assert response.status_code == 403


def test_repeated_reset_requests_queue_one_email_per_few_minutes(browser):
    user = factories.user()
    for _ in range(3):
        browser.submit("/password/forgot", {"email": user.email})
    queued = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.recipient == user.email)
    )
    assert queued == 1
