"""Seed 001's contact table: an authority names its people; the authorities above read them."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.extensions import db
from blueprints.main.worklist.authority import contacts_to_report
from models import AuthorityContact, ContactRole, OrgKind
from tests import factories
from tests.functional.campaigns.province import launch, opening

LEAD = {
    "lead-name": "高亚华",
    "lead-department_title": "信息化推进处 处长",
    "lead-phone": "020-83134276",
    "lead-email": "gdxxhtj@163.com",
}


def test_a_city_names_its_people_and_the_province_reads_them(app_ctx, browser):
    province = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440000"))
    city = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440100"))
    browser.login(city.email, factories.PASSWORD)
    data = {**LEAD, "liaison-name": "李联络", "liaison-mobile": "13800000000"}
    response = browser.submit("/campaigns/contacts", data)
    assert response.status_code == 302
    saved = {c.role: c for c in db.session.scalars(sa.select(AuthorityContact))}
    assert set(saved) == {ContactRole.LEAD, ContactRole.LIAISON}
    assert saved[ContactRole.LEAD].department_title == "信息化推进处 处长"

    # A name cleared clears the role.
    response = browser.submit("/campaigns/contacts", {**LEAD})
    assert response.status_code == 302
    roles = db.session.scalars(sa.select(AuthorityContact.role)).all()
    assert roles == [ContactRole.LEAD]

    browser.logout()
    browser.login(province.email, factories.PASSWORD)
    page = browser.get("/campaigns/contacts").get_data(as_text=True)
    assert "高亚华" in page and "020-83134276" in page
    sheet = openpyxl.load_workbook(io.BytesIO(browser.get("/campaigns/contacts.xlsx").data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[4] for row in rows] == ["高亚华"]


def test_someone_named_must_be_reachable(app_ctx, browser):
    city = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440100"))
    browser.login(city.email, factories.PASSWORD)
    bad = {"lead-name": "高亚华", "liaison-name": "李", "liaison-email": "not an address"}
    response = browser.submit("/campaigns/contacts", bad)
    assert response.status_code == 422
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for field in ("lead-mobile", "liaison-email"):
        assert "is-invalid" in soup.find(id=field)["class"], field
    assert soup.find(id="lead-name")["value"] == "高亚华"  # the input is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthorityContact)) == 0


def test_a_sibling_is_not_below_and_an_enterprise_is_refused(app_ctx, browser):
    city = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440100"))
    sibling = factories.organisation(OrgKind.AUTHORITY, region="440300")
    db.session.add(
        AuthorityContact(authority_id=sibling.id, role=ContactRole.LEAD, name="深圳负责人")
    )
    db.session.flush()
    browser.login(city.email, factories.PASSWORD)
    assert "深圳负责人" not in browser.get("/campaigns/contacts").get_data(as_text=True)
    browser.logout()
    browser.login(factories.user().email, factories.PASSWORD)
    assert browser.get("/campaigns/contacts").status_code == 403


def test_the_districts_are_asked_for_their_contacts_while_a_round_runs(app_ctx):
    city = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440100"))
    district = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440106"))
    assert contacts_to_report(district).total == 0  # no campaign above
    launch(city, opening(date.today(), 0, 5), 5, "广州市评估")
    assert contacts_to_report(district).total == 1
    assert contacts_to_report(city).total == 0  # its own campaign asks nothing of it
    db.session.add(
        AuthorityContact(
            authority_id=district.organisation_id, role=ContactRole.LEAD, name="区负责人"
        )
    )
    db.session.flush()
    assert contacts_to_report(district).total == 0
