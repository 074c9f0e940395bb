"""Reminding the roster enterprises that have not taken part: the account's people in their
language (in the app and by email), a roster contact by email, at most once a week each."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.clock import local_today, utcnow
from app.errors import WorkflowError
from app.extensions import db
from blueprints.campaigns import reminders
from blueprints.campaigns.regions import units_of
from models import Notification, OutboxMessage, Region, RosterEnterprise
from tests import factories
from tests.functional.campaigns.province import CHANCHENG, build, on_roster


@pytest.fixture
def gd(app_ctx):
    made = build()
    # 禅城: e3 took part; e8 has an account and has not; one roster entry has only an email.
    e8 = factories.organisation(region=CHANCHENG, name="企业e8")
    made.enterprises["e8"] = e8
    reader = factories.user(e8, is_org_admin=True, locale="en")
    on_roster(made.province.organisation, e8, CHANCHENG)
    db.session.add(
        RosterEnterprise(
            credit_code=factories.credit_code(CHANCHENG),
            name="名录企业甲",
            region_code=CHANCHENG,
            contact_email="jia@example.com",
            imported_by_id=made.province.organisation_id,
        )
    )
    db.session.flush()
    made.reader = reader
    return made


def reminder_mails():
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.dedup_key.startswith("campaign.remind:"))
    ).all()


def remind(gd):
    units = units_of(db.session.get(Region, CHANCHENG))
    return reminders.remind(gd.round1, units, gd.province.organisation, gd.province)


def test_absentees_are_reminded_once_a_week(gd):
    # The first reminders and those a week later both fall within the window: today, or as
    # many days back as a window closing within the week (late in December) needs.
    overshoot = (local_today() + timedelta(days=8) - gd.round1.closes_on).days
    start = utcnow() - timedelta(days=max(overshoot, 0))
    with time_machine.travel(start, tick=False):
        done = remind(gd)
        # e8's reader and 名录企业甲's address; the roster's other 禅城 entry has neither.
        assert (done.enterprises, done.recently, done.unreachable) == (2, 0, 1)
        mails = {m.recipient: m for m in reminder_mails()}
        assert set(mails) == {gd.reader.email, "jia@example.com"}
        assert mails[gd.reader.email].locale == "en"
        assert "Take part in 第一轮评估" in mails[gd.reader.email].subject
        assert "参加第一轮评估" in mails["jia@example.com"].subject
        (notice,) = db.session.scalars(
            sa.select(Notification).where(Notification.user_id == gd.reader.id)
        ).all()
        assert "第一轮评估" in notice.title

        again = remind(gd)
        assert (again.enterprises, again.recently, again.unreachable) == (0, 2, 1)
        assert len(reminder_mails()) == 2

    with time_machine.travel(start + timedelta(days=8), tick=False):
        later = remind(gd)
    assert later.enterprises == 2
    assert len(reminder_mails()) == 4


def test_an_enterprise_that_took_part_is_not_reminded(gd):
    factories.assessment(gd.enterprises["e8"], campaign=gd.round1)
    assert remind(gd).enterprises == 1  # the roster contact only


def test_a_closed_window_reminds_nobody(gd):
    after = gd.round1.closes_on + timedelta(days=2)
    with time_machine.travel(after, tick=False), pytest.raises(WorkflowError):
        remind(gd)


def test_the_button_on_the_absentees_page(gd, browser):
    browser.login(gd.province.email, factories.PASSWORD)
    page = f"/campaigns/{gd.round1.id}/enterprises?region={CHANCHENG}&show=absent"
    assert f"campaigns/{gd.round1.id}/remind" in browser.get(page).get_data(as_text=True)
    action = f"/campaigns/{gd.round1.id}/remind?region={CHANCHENG}"
    response = browser.submit(page, {}, action=action)
    assert response.status_code == 302
    follow = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "2" in follow and "已提醒" in follow
    # Another region's authority cannot remind here.
    browser.logout()
    browser.login(gd.guangzhou.email, factories.PASSWORD)
    token_page = f"/campaigns/{gd.round1.id}"
    assert browser.submit(token_page, {}, action=action).status_code == 404
