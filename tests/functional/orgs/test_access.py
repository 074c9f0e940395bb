"""Object-level access: a user reaches only what their organisation is a party to."""

import pytest

from models import OrgKind, Role
from tests import factories


@pytest.fixture
def two_enterprises():
    a = factories.user(is_org_admin=True)
    b = factories.user(is_org_admin=True)
    return a, b


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/orgs/{org}"),
        ("get", "/orgs/{org}/members"),
        ("get", "/orgs/{org}/edit"),
        ("post", "/orgs/{org}/edit"),
        ("post", "/orgs/{org}/members/invite"),
        ("post", "/orgs/{org}/members/{user}/active"),
        ("post", "/orgs/{org}/members/{user}/resend-invitation"),
    ],
)
def test_organisation_a_gets_404_for_organisation_b(browser, two_enterprises, method, path):
    a, b = two_enterprises
    browser.login(a.email, factories.PASSWORD)
    url = path.format(org=b.organisation_id, user=b.id)
    if method == "get":
        response = browser.get(url)
    else:
        response = browser.submit(
            "/dashboard", {"active": "0", "name": "x", "email": "x@example.com"}, action=url
        )
    assert response.status_code == 404


def test_member_of_own_org_in_foreign_org_url_is_404(browser, two_enterprises):
    """Mixing ids: A's admin addressing A's own member through B's organisation id."""
    a, b = two_enterprises
    colleague = factories.user(a.organisation)
    browser.login(a.email, factories.PASSWORD)
    response = browser.submit(
        "/dashboard", {"active": "0"}, action=f"/orgs/{a.organisation_id}/members/{b.id}/active"
    )
    assert response.status_code == 404
    ok = browser.submit(
        "/dashboard",
        {"active": "0"},
        action=f"/orgs/{a.organisation_id}/members/{colleague.id}/active",
    )
    assert ok.status_code == 302


def test_authority_sees_its_region_and_below_only(browser):
    city = factories.organisation(OrgKind.AUTHORITY, region="310000")
    official = factories.user(city, role=Role.AUTHORITY)
    inside = factories.organisation(region="310115")
    outside = factories.organisation(region="440106")
    browser.login(official.email, factories.PASSWORD)
    assert browser.get(f"/orgs/{inside.id}").status_code == 200
    assert browser.get(f"/orgs/{outside.id}").status_code == 404
    listing = browser.get("/orgs/").get_data(as_text=True)
    assert inside.name in listing and outside.name not in listing
    # Seeing is not editing.
    assert browser.get(f"/orgs/{inside.id}/edit").status_code == 403


def test_district_authority_does_not_see_the_rest_of_the_city(browser):
    district = factories.organisation(OrgKind.AUTHORITY, region="310115")
    official = factories.user(district, role=Role.AUTHORITY)
    pudong = factories.organisation(region="310115")
    xuhui = factories.organisation(region="310104")
    browser.login(official.email, factories.PASSWORD)
    assert browser.get(f"/orgs/{pudong.id}").status_code == 200
    assert browser.get(f"/orgs/{xuhui.id}").status_code == 404


def test_org_admin_edits_own_contacts(browser):
    admin = factories.user(is_org_admin=True)
    browser.login(admin.email, factories.PASSWORD)
    url = f"/orgs/{admin.organisation_id}/edit"
    response = browser.submit(
        url,
        {
            "address": "新地址 9 号",
            "contact_name": "王五",
            "contact_phone": "123",
            "contact_email": "ok@example.com",
        },
    )
    assert response.status_code == 302
    assert "新地址 9 号" in browser.get(f"/orgs/{admin.organisation_id}").get_data(as_text=True)


def test_plain_member_cannot_edit(browser):
    member = factories.user()
    browser.login(member.email, factories.PASSWORD)
    assert browser.get(f"/orgs/{member.organisation_id}/edit").status_code == 403


def test_last_admin_cannot_be_deactivated(browser):
    admin = factories.user(is_org_admin=True)
    other_admin = factories.user(admin.organisation, is_org_admin=True)
    browser.login(admin.email, factories.PASSWORD)
    url = f"/orgs/{admin.organisation_id}/members/{other_admin.id}/active"
    assert browser.submit("/dashboard", {"active": "0"}, action=url).status_code == 302
    self_url = f"/orgs/{admin.organisation_id}/members/{admin.id}/active"
    assert browser.submit("/dashboard", {"active": "0"}, action=self_url).status_code == 409


def test_anonymous_is_sent_to_login(client):
    response = client.get("/orgs/1")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
