"""Keys about to expire: the administrators are reminded (14 and 3 days before, once each,
whatever reruns), the keys show on their work list and with their last day on the keys page,
and the keys list exports to Excel as searched."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from blueprints.api import expiry, keys
from models import ApiKey, Notification, OutboxMessage
from tests import factories
from tests.conftest import Browser
from tests.functional.roster.helpers import read_xlsx


@pytest.fixture
def org_admins(app_ctx):
    maker = factories.user(factories.organisation(), is_org_admin=True, locale="en")
    colleague = factories.user(maker.organisation, is_org_admin=True)
    return maker, colleague


def _notices(user) -> list[str]:
    """The expiry reminders ``user`` got."""
    return list(
        db.session.scalars(
            sa.select(Notification.title)
            .where(Notification.user_id == user.id, Notification.key.like("api_key.expiring:%"))
            .order_by(Notification.id)
        )
    )


def test_administrators_are_reminded_once_at_each_reminder_day(org_admins, time_machine):
    maker, colleague = org_admins
    made = factories.api_key(maker, days=20)
    # A revoked key is nobody's concern.
    keys.revoke(factories.api_key(maker, days=10).key, colleague)
    db.session.flush()
    assert expiry.remind() == 0
    time_machine.move_to(made.key.expires_at - timedelta(days=13))
    assert expiry.remind() == 1
    assert expiry.remind() == 0  # a rerun tells nobody twice
    [told] = _notices(maker)
    assert "省平台对接" in told and "works until" in told
    assert len(_notices(colleague)) == 1
    emails = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.dedup_key.like("api_key.expiring:%"))
    )
    assert emails == 2
    time_machine.move_to(made.key.expires_at - timedelta(days=2))
    assert expiry.remind() == 1
    assert expiry.remind() == 0
    assert len(_notices(maker)) == 2
    assert db.session.get(ApiKey, made.key.id).reminded_days == 3
    # Past expiry: nothing more.
    time_machine.move_to(made.key.expires_at + timedelta(hours=1))
    assert expiry.remind() == 0


def test_a_key_first_seen_inside_the_last_reminder_gets_only_that_one(org_admins):
    maker, _colleague = org_admins
    factories.api_key(maker, days=2)
    assert expiry.remind() == 1
    assert db.session.scalars(sa.select(ApiKey.reminded_days)).one() == 3
    assert expiry.remind() == 0


def test_an_expiring_key_is_on_the_administrators_work_list(app, org_admins):
    maker, colleague = org_admins
    soon = factories.api_key(maker, days=5).key
    factories.api_key(maker, days=60)
    member = factories.user(maker.organisation)
    db.session.commit()
    for person, listed in ((colleague, True), (member, False)):
        browser = Browser(app.test_client())
        assert browser.login(person.email, factories.PASSWORD).status_code == 302
        page = browser.get("/dashboard").get_data(as_text=True)
        assert (f"/api-keys/#key-{soon.id}" in page) is listed, person


def test_the_keys_page_shows_the_last_valid_day_and_exports_as_searched(browser, org_admins):
    maker, _colleague = org_admins
    browser.login(maker.email, factories.PASSWORD)
    made = browser.submit(
        "/api-keys/",
        {"name": "资金申报系统", "scopes": ["assessments:read"], "expires_on": "2027-06-30"},
    )
    assert made.status_code == 201
    factories.api_key(maker, days=5)
    page = browser.get("/api-keys/").get_data(as_text=True)
    assert "30 Jun 2027" in page or "2027/6/30" in page  # the day given, not the day after
    assert "Expires soon" in page
    export = browser.get("/api-keys/keys.xlsx?q=资金")
    assert export.status_code == 200
    rows = read_xlsx(export.get_data())
    assert [row[0] for row in rows[1:]] == ["资金申报系统"]
    assert rows[1][1].startswith("cp_") and rows[1][1].endswith("_…")
    assert rows[1][2] == "assessments:read" and rows[1][5].date().isoformat() == "2027-06-30"
    assert len(read_xlsx(browser.get("/api-keys/keys.xlsx").get_data())) == 3
