"""Account recovery by an authority (issue 15, item 7): the district or city authority helps a
member of an enterprise of its region back into their account — by the reset link sent to
their own confirmed address, or by a one-time password shown once, which leads only to
choosing a password of their own and expires. Never a fixed password (seed 000's "123456")."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app import rate_limits
from app.clock import utcnow
from app.extensions import db
from app.mail.dispatcher import dispatch_due
from app.security.passwords import ONE_TIME_ALPHABET, password_problem
from blueprints.notifications.table import Category
from models import (
    AccountAction,
    AccountEvent,
    Notification,
    OrgKind,
    OutboxMessage,
    Role,
    User,
    UserSession,
)
from tests import factories
from tests.conftest import Browser, Mailbox, links_in

NEW = "Granite-Meadow-Violin-5"


@pytest.fixture(autouse=True)
def _full_allowance(app):
    """The limits are counted in memory for the whole session: each test starts with its own."""
    with app.app_context():
        rate_limits.storage().reset()
    yield
    with app.app_context():
        rate_limits.storage().reset()


def authority(region: str = "310115", **fields) -> User:
    org = factories.organisation(OrgKind.AUTHORITY, region=region)
    return factories.user(org, role=Role.AUTHORITY, locale="en", **fields)


def enterprise_member(region: str = "310115", **fields) -> User:
    org = factories.organisation(region=region)
    return factories.user(org, locale="en", **fields)


def signed_in(app, user: User) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user.email, factories.PASSWORD).status_code == 302
    return browser


def recovery_url(member: User, action: str = "") -> str:
    return f"/orgs/{member.organisation_id}/members/{member.id}/recovery{action}"


def act(browser: Browser, member: User, action: str, data: dict | None = None):
    """Tick the box and press the button of ``action`` (reset-link, one-time-password)."""
    return browser.submit(
        recovery_url(member),
        {"confirm": "y"} if data is None else data,
        action=recovery_url(member, f"/{action}"),
    )


def shown_password(response) -> str:
    shown = BeautifulSoup(response.get_data(as_text=True), "html.parser").find(
        id="one-time-password"
    )
    assert shown is not None, "no one-time password on the page"
    return shown.get_text(strip=True)


def events_of(member: User) -> list[AccountEvent]:
    return list(
        db.session.scalars(sa.select(AccountEvent).where(AccountEvent.user_id == member.id))
    )


def fresh(user: User) -> User:
    db.session.expire_all()
    found = db.session.get(User, user.id)
    assert found is not None
    return found


def sign_out(browser: Browser) -> None:
    """Signing out from the one page such a session may open (the dashboard redirects)."""
    assert browser.submit("/account/password", {}, action="/logout").status_code == 302


# --- the reset link --------------------------------------------------------------------------


def test_a_district_authority_sends_the_reset_link(app, browser, smtp_server):
    official = authority()
    member = enterprise_member()
    helper = signed_in(app, official)
    members = helper.get(f"/orgs/{member.organisation_id}/members").get_data(as_text=True)
    assert recovery_url(member) in members  # the way in, beside the member

    page = helper.get(recovery_url(member))
    assert page.status_code == 200
    response = act(helper, member, "reset-link")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/orgs/{member.organisation_id}/members"

    [event] = events_of(member)
    assert (event.action, event.actor_id, event.authority_id) == (
        AccountAction.RESET_LINK_SENT,
        official.id,
        official.organisation_id,
    )
    [notice] = db.session.scalars(sa.select(Notification).where(Notification.user_id == member.id))
    assert official.organisation.name in notice.title and "reset" in notice.title
    recorded = helper.get(recovery_url(member)).get_data(as_text=True)
    assert "Password reset link sent" in recorded and official.name in recorded

    dispatch_due()
    mails = smtp_server.to(member.email)
    assert len(mails) == 2  # the link, and the notice that the authority sent it
    [link] = [u for m in mails for u in links_in(Mailbox.text(m)) if "/password/reset/" in u]
    [told] = [m for m in mails if "/password/reset/" not in Mailbox.text(m)]
    assert official.organisation.name in Mailbox.text(told)
    assert "If you did not ask for this" in Mailbox.text(told)

    assert browser.submit(urlsplit(link).path, {"password": NEW, "confirm": NEW}).status_code == 302
    assert browser.login(member.email, NEW).status_code == 302
    assert browser.get("/dashboard").status_code == 200


def test_an_unconfirmed_address_gets_no_link(app):
    member = enterprise_member(verified=False)
    helper = signed_in(app, authority())
    page = helper.get(recovery_url(member)).get_data(as_text=True)
    assert "has not been confirmed" in page  # said before anyone presses a button
    for action in ("reset-link", "one-time-password"):
        refused = act(helper, member, action)
        assert refused.status_code == 409
        text = refused.get_data(as_text=True)
        assert "email address has not been confirmed" in text
        assert 'id="conflict"' in text  # on the recovery page, with the reason at the top
    assert events_of(member) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert fresh(member).must_change_password is False


def test_a_second_link_within_minutes_is_refused_with_the_reason(app):
    member = enterprise_member()
    helper = signed_in(app, authority())
    assert act(helper, member, "reset-link").status_code == 302
    again = act(helper, member, "reset-link")
    assert again.status_code == 409
    assert "less than 5 minutes ago" in again.get_data(as_text=True)
    assert len(events_of(member)) == 1


# --- the one-time password -------------------------------------------------------------------


def test_the_one_time_password_is_shown_once_and_stored_only_as_a_hash(app, browser, caplog):
    caplog.set_level(logging.DEBUG)
    official = authority()
    member = enterprise_member()
    assert browser.login(member.email, factories.PASSWORD).status_code == 302  # a session
    helper = signed_in(app, official)

    response = act(helper, member, "one-time-password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = shown_password(response)
    letters = password.replace("-", "")
    assert len(letters) >= 16 and set(letters) <= set(ONE_TIME_ALPHABET)
    assert password_problem(password, user_inputs=[member.email, member.name]) is None

    # Never again: neither the recovery page nor the members page shows it.
    for url in (recovery_url(member), f"/orgs/{member.organisation_id}/members"):
        again = helper.get(url)
        assert again.status_code == 200
        assert password not in again.get_data(as_text=True)

    account = fresh(member)
    assert account.must_change_password
    assert account.password_hash is not None
    assert account.password_hash.startswith("$argon2id$")
    assert password not in account.password_hash
    expected = utcnow() + timedelta(hours=72)
    assert account.one_time_password_expires_at is not None
    assert abs(account.one_time_password_expires_at - expected) < timedelta(minutes=5)
    # Nowhere in clear: not in the record, the notice, the emails, the log.
    [event] = events_of(member)
    assert event.action == AccountAction.ONE_TIME_PASSWORD_SET
    [notice] = db.session.scalars(sa.select(Notification).where(Notification.user_id == member.id))
    assert "one-time password" in notice.title and password not in notice.title
    [message] = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == member.email)
    )
    assert password not in message.body_text and password not in message.body_html
    assert "it is not in this email" in message.body_text
    assert "If you did not ask for this, contact" in message.body_text
    assert password not in caplog.text

    # The member's other sessions ended, and the old password is gone.
    assert browser.get("/dashboard").status_code == 302
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == member.id)
    ) == 0  # fmt: skip
    assert "not correct" in browser.login(member.email, factories.PASSWORD).get_data(as_text=True)


def test_signing_in_with_it_leads_only_to_choosing_a_new_password(app, browser):
    member = enterprise_member()
    password = shown_password(act(signed_in(app, authority()), member, "one-time-password"))

    assert browser.login(member.email, password).status_code == 302
    for url in ("/dashboard", "/projects/", f"/orgs/{member.organisation_id}", "/notifications/"):
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == "/account/password", url
    page = browser.get("/account/password")
    assert page.status_code == 200
    assert 'id="one-time-password"' in page.get_data(as_text=True)
    static = browser.get("/static/css/app.css")
    static.close()
    assert static.status_code == 200

    # Keeping the one-time password is no new password.
    kept = browser.submit(
        "/account/password",
        {"current_password": password, "password": password, "confirm": password},
    )
    assert kept.status_code == 422
    assert "cannot be kept" in kept.get_data(as_text=True)

    changed = browser.submit(
        "/account/password", {"current_password": password, "password": NEW, "confirm": NEW}
    )
    assert changed.status_code == 302
    assert changed.headers["Location"] == "/dashboard"
    assert browser.get("/dashboard").status_code == 200
    assert browser.get("/projects/").status_code == 200
    account = fresh(member)
    assert not account.must_change_password and account.one_time_password_expires_at is None
    sign_out(browser)
    assert browser.login(member.email, NEW).status_code == 302
    assert browser.get("/dashboard").status_code == 200


def test_signing_out_stays_possible(app, browser):
    member = enterprise_member()
    password = shown_password(act(signed_in(app, authority()), member, "one-time-password"))
    browser.login(member.email, password)
    sign_out(browser)
    assert browser.get("/account/password").headers["Location"].startswith("/login")


def test_an_expired_one_time_password_signs_nobody_in(app, browser):
    member = enterprise_member()
    password = shown_password(act(signed_in(app, authority()), member, "one-time-password"))
    browser.get("/?lang=en")
    assert browser.login(member.email, password).status_code == 302  # in time

    account = fresh(member)
    account.one_time_password_expires_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    # The session it opened ends with it …
    ended = browser.get("/account/password")
    assert ended.status_code == 302 and ended.headers["Location"] == "/login"
    # Told in the account's language (the flash is written before the page is asked for).
    told = browser.get("/login?lang=en").get_data(as_text=True)
    assert "has expired" in told or "一次性密码已过期" in told
    assert browser.get("/dashboard").headers["Location"].startswith("/login")
    # … and it signs nobody in again: they are told to ask for a new one.
    refused = browser.login(member.email, password)
    assert refused.status_code == 200
    text = refused.get_data(as_text=True)
    assert "This one-time password has expired" in text and "for a new one" in text


def test_its_lifetime_is_a_setting(app):
    member = enterprise_member()
    saved = app.config["ONE_TIME_PASSWORD_HOURS"]
    app.config["ONE_TIME_PASSWORD_HOURS"] = 4
    try:
        assert act(signed_in(app, authority()), member, "one-time-password").status_code == 200
    finally:
        app.config["ONE_TIME_PASSWORD_HOURS"] = saved
    expires_at = fresh(member).one_time_password_expires_at
    assert expires_at is not None
    assert abs(expires_at - (utcnow() + timedelta(hours=4))) < timedelta(minutes=5)


def test_the_account_holder_is_emailed_whatever_their_settings(app):
    member = enterprise_member()
    member.email_muted = [category.value for category in Category]
    db.session.flush()
    assert act(signed_in(app, authority()), member, "one-time-password").status_code == 200
    emailed = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.recipient == member.email)
    )
    assert emailed == 1


# --- who may, on whom ------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["310104", "440106"])
def test_an_authority_of_another_region_gets_404(app, region):
    member = enterprise_member("310115")
    outsider = signed_in(app, authority(region))
    assert outsider.get(recovery_url(member)).status_code == 404
    members_page = f"/orgs/{member.organisation_id}/members"
    for action in ("reset-link", "one-time-password"):
        response = outsider.submit(
            "/dashboard", {"confirm": "y"}, action=recovery_url(member, f"/{action}")
        )
        assert response.status_code == 404, action
    assert outsider.get(members_page).status_code == 404
    assert events_of(member) == [] and not fresh(member).must_change_password


def test_a_city_authority_helps_in_its_districts(app):
    member = enterprise_member("310115")
    city = signed_in(app, authority("310000"))
    assert act(city, member, "one-time-password").status_code == 200


@pytest.mark.parametrize("kind", [OrgKind.ENTERPRISE, OrgKind.CONSULTANCY])
def test_enterprise_users_and_consultants_get_403(app, kind):
    member = enterprise_member()
    org = member.organisation if kind == OrgKind.ENTERPRISE else factories.organisation(kind)
    someone = signed_in(app, factories.user(org, is_org_admin=True))
    assert someone.get(recovery_url(member)).status_code == 403
    for action in ("reset-link", "one-time-password"):
        response = someone.submit(
            "/dashboard", {"confirm": "y"}, action=recovery_url(member, f"/{action}")
        )
        assert response.status_code == 403, action
    members = someone.get(f"/orgs/{member.organisation_id}/members").get_data(as_text=True)
    assert recovery_url(member) not in members
    assert events_of(member) == []


def test_ids_that_do_not_belong_together_are_404(app):
    member = enterprise_member()
    other = enterprise_member()  # same district, another enterprise
    consultancy = factories.organisation(OrgKind.CONSULTANCY, region="310115")
    consultant = factories.user(consultancy)
    helper = signed_in(app, authority())
    mixed = f"/orgs/{member.organisation_id}/members/{other.id}/recovery"
    not_an_enterprise = f"/orgs/{consultancy.id}/members/{consultant.id}/recovery"
    for url in (mixed, not_an_enterprise, f"/orgs/{member.organisation_id}/members/0/recovery"):
        assert helper.get(url).status_code == 404, url
        for action in ("/reset-link", "/one-time-password"):
            response = helper.submit("/dashboard", {"confirm": "y"}, action=url + action)
            assert response.status_code == 404, url + action
    assert events_of(other) == [] and events_of(consultant) == []


def test_forged_form_fields_act_on_the_account_of_the_url_only(app):
    member = enterprise_member()
    other = enterprise_member()
    helper = signed_in(app, authority())
    forged = {"confirm": "y", "user_id": str(other.id), "org_id": str(other.organisation_id)}
    assert act(helper, member, "one-time-password", forged).status_code == 200
    assert fresh(member).must_change_password
    assert not fresh(other).must_change_password and events_of(other) == []


def test_each_action_asks_first_and_needs_the_form_token(app):
    member = enterprise_member()
    helper = signed_in(app, authority())
    for action in ("reset-link", "one-time-password"):
        unconfirmed = act(helper, member, action, {})
        assert unconfirmed.status_code == 422, action
        assert "Tick the box" in unconfirmed.get_data(as_text=True)
        no_token = helper.client.post(recovery_url(member, f"/{action}"), data={"confirm": "y"})
        assert no_token.status_code == 400, action
    assert events_of(member) == [] and not fresh(member).must_change_password
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_a_deactivated_account_is_refused(app):
    member = enterprise_member(active=False)
    helper = signed_in(app, authority())
    refused = act(helper, member, "one-time-password")
    assert refused.status_code == 409
    assert "deactivated" in refused.get_data(as_text=True)


# --- the allowance ---------------------------------------------------------------------------


def test_an_authority_has_so_many_recoveries_an_hour(app):
    saved = app.config["ACCOUNT_RECOVERIES_PER_HOUR"]
    app.config["ACCOUNT_RECOVERIES_PER_HOUR"] = 2
    try:
        official = authority()
        colleague = factories.user(official.organisation, role=Role.AUTHORITY, locale="en")
        helper = signed_in(app, official)
        members = [enterprise_member() for _ in range(3)]
        # Refused requests take nothing from the allowance.
        assert act(helper, members[0], "one-time-password", {}).status_code == 422
        nobody = f"/orgs/{members[0].organisation_id}/members/0/recovery/reset-link"
        assert helper.submit("/dashboard", {"confirm": "y"}, action=nobody).status_code == 404
        assert act(helper, members[0], "reset-link").status_code == 302
        assert act(helper, members[1], "one-time-password").status_code == 200
        # The third of the hour, by a colleague of the same authority: too many.
        too_many = act(signed_in(app, colleague), members[2], "one-time-password")
        assert too_many.status_code == 429
        assert "limit of 2 account recoveries per hour" in too_many.get_data(as_text=True)
        assert events_of(members[2]) == [] and not fresh(members[2]).must_change_password
        # Another authority has its own.
        assert act(signed_in(app, authority()), members[2], "reset-link").status_code == 302
    finally:
        app.config["ACCOUNT_RECOVERIES_PER_HOUR"] = saved
