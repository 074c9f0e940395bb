"""Quarterly bulletins (seed 001: 按季度通报): the province keeps its progress table as issued,
once a quarter; its cities hear of it and read it; the next bulletin says what changed since."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from blueprints.campaigns import bulletins, services
from blueprints.main.worklist.authority import bulletins_due
from models import AssessmentStatus, CampaignBulletin, Notification, OrgKind
from tests import factories
from tests.functional.campaigns.province import FOSHAN, GUANGZHOU, PROVINCE, TIANHE, build


@pytest.fixture
def gd(app_ctx):
    made = build()
    services.set_quotas(
        made.round1,
        made.province.organisation,
        {GUANGZHOU: (4, None), FOSHAN: (2, None)},
        made.province,
    )
    return made


def issue(browser, gd):
    page = f"/campaigns/{gd.round1.id}"
    return browser.submit(page, {}, action=f"{page}/bulletins")


def test_the_province_issues_and_its_cities_hear_and_read(gd, browser):
    assert bulletins_due(gd.province).total == 1
    browser.login(gd.province.email, factories.PASSWORD)
    answer = issue(browser, gd)
    assert answer.status_code == 302
    bulletin = db.session.scalar(sa.select(CampaignBulletin))
    assert bulletin.region_code == PROVINCE
    kept = {row["code"]: row for row in bulletin.rows}
    assert bulletin.rows[0]["code"] == PROVINCE  # the total first
    assert (kept[GUANGZHOU]["participated"], kept[GUANGZHOU]["completed"]) == (2, 1)
    assert kept[GUANGZHOU]["quota"] == 4
    assert bulletins_due(gd.province).total == 0
    # The cities of the table hear of it, in the app (and by email through the outbox).
    for city in (gd.guangzhou, gd.foshan):
        notices = db.session.scalars(
            sa.select(Notification.title).where(Notification.user_id == city.id)
        ).all()
        assert any("通报" in t or "bulletin" in t for t in notices), notices
    # Once a quarter: the button is gone and a second try is refused.
    page = browser.get(f"/campaigns/{gd.round1.id}").get_data(as_text=True)
    assert f'action="/campaigns/{gd.round1.id}/bulletins"' not in page
    again = issue(browser, gd)
    assert again.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignBulletin)) == 1

    # Guangzhou reads the province's bulletin (it covers Guangzhou); Excel and PDF.
    browser.logout()
    browser.login(gd.guangzhou.email, factories.PASSWORD)
    base = f"/campaigns/{gd.round1.id}/bulletins/{bulletin.id}"
    sheet = openpyxl.load_workbook(io.BytesIO(browser.get(f"{base}.xlsx").data)).active
    cells = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert cells["广州市"][1:3] == (4, 2)
    pdf = browser.get(f"{base}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "广州市" in text and "佛山市" in text


def test_the_next_bulletin_says_what_changed(gd, browser):
    browser.login(gd.province.email, factories.PASSWORD)
    issue(browser, gd)
    first = db.session.scalar(sa.select(CampaignBulletin))
    # As if issued last quarter.
    first.issued_at -= timedelta(days=95)
    first.quarter = "1999Q4"
    db.session.flush()
    for n in range(3):
        org = factories.organisation(region=TIANHE, name=f"新参与企业{n}")
        factories.assessment(org, status=AssessmentStatus.APPROVED, campaign=gd.round1)
    assert issue(browser, gd).status_code == 302
    latest = db.session.scalar(sa.select(CampaignBulletin).order_by(CampaignBulletin.id.desc()))
    assert bulletins.previous(latest).id == first.id
    lines = {line.code: line for line in bulletins.lines(latest, first)}
    assert (lines[GUANGZHOU].change_participated, lines[GUANGZHOU].change_completed) == (3, 3)
    assert lines[FOSHAN].change_participated == 0
    assert lines[PROVINCE].change_completed == 3
    # Guangzhou went from 1/4 to 4/4: it now ranks first, ahead of Foshan (1/2).
    assert lines[GUANGZHOU].rank == 1 and lines[GUANGZHOU].change_rank == 1
    base = f"/campaigns/{gd.round1.id}/bulletins/{latest.id}"
    sheet = openpyxl.load_workbook(io.BytesIO(browser.get(f"{base}.xlsx").data)).active
    cells = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert cells["广州市"][2:6] == (5, 3, 4, 3)


def test_only_the_regions_concerned_read_a_bulletin(gd, browser):
    browser.login(gd.province.email, factories.PASSWORD)
    issue(browser, gd)
    bulletin = db.session.scalar(sa.select(CampaignBulletin))
    base = f"/campaigns/{gd.round1.id}/bulletins/{bulletin.id}"
    browser.logout()
    other = factories.user(factories.organisation(OrgKind.AUTHORITY, region="320000"))
    browser.login(other.email, factories.PASSWORD)
    assert browser.get(f"{base}.xlsx").status_code == 404
    assert browser.get(f"{base}.pdf").status_code == 404
    browser.logout()
    enterprise = factories.user(gd.enterprises["e1"])
    browser.login(enterprise.email, factories.PASSWORD)
    assert browser.get(f"{base}.pdf").status_code == 403
    # A city issues its own bulletin, of its districts, not the province's.
    browser.logout()
    browser.login(gd.guangzhou.email, factories.PASSWORD)
    assert issue(browser, gd).status_code == 302
    city = db.session.scalar(
        sa.select(CampaignBulletin).where(CampaignBulletin.region_code == GUANGZHOU)
    )
    assert city is not None and {r["code"] for r in city.rows[1:]} >= {TIANHE}
    # The province does not see the city's bulletin (it reads its own table).
    browser.logout()
    browser.login(gd.province.email, factories.PASSWORD)
    assert browser.get(f"/campaigns/{gd.round1.id}/bulletins/{city.id}.xlsx").status_code == 404


def test_no_bulletin_before_the_campaign_opens(gd, browser):
    browser.login(gd.province.email, factories.PASSWORD)
    page = f"/campaigns/{gd.round2.id}"
    answer = browser.submit(page, {}, action=f"{page}/bulletins")
    assert answer.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignBulletin)) == 0
