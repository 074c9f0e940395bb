"""Who reaches the roster: authorities (their region), the administrator (reading)."""

from __future__ import annotations

from io import BytesIO

import pytest

from models import OrgKind, Role
from tests import factories

from .helpers import HEADER, authority, count_roster, on_roster, signed_in, xlsx

GETS = ["/roster/", "/roster/export.xlsx", "/roster/template.xlsx", "/roster/import"]


@pytest.mark.parametrize("kind", [OrgKind.ENTERPRISE, OrgKind.CONSULTANCY, OrgKind.ALLIANCE])
def test_other_roles_are_refused(client, kind):
    org = factories.organisation(kind, region="310115")
    browser = signed_in(client, factories.user(org, is_org_admin=True))
    for url in GETS:
        assert browser.get(url).status_code == 403, url
    data = xlsx([[factories.credit_code(), "某公司", "310115", None, None, None]], HEADER)
    response = browser.submit(
        "/dashboard",
        {"file": (BytesIO(data), "名录.xlsx")},
        action="/roster/import",
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert count_roster() == 0


def test_anonymous_is_sent_to_sign_in(client):
    for url in GETS:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_another_regions_authority_sees_nothing_of_the_row(client):
    shanghai = authority("310000")
    row = on_roster(shanghai, "310115", name="上海名录企业")
    browser = signed_in(client, authority("440000"))
    page = browser.get("/roster/", query_string={"q": row.credit_code})
    assert page.status_code == 200 and row.name not in page.get_data(as_text=True)
    export = browser.get("/roster/export.xlsx")
    assert row.credit_code.encode() not in export.data  # in a zip: not even compressed text
    assert row.name not in browser.get("/roster/").get_data(as_text=True)


def test_the_administrator_reads_the_whole_roster_and_imports_nothing(client):
    shanghai = authority("310000")
    guangdong = authority("440000")
    rows = [on_roster(shanghai, "310115"), on_roster(guangdong, "440106")]
    staff = factories.organisation(OrgKind.ALLIANCE, region="110000")
    admin = factories.user(staff, role=Role.ADMIN)
    browser = signed_in(client, admin)
    page = browser.get("/roster/").get_data(as_text=True)
    assert all(row.name in page for row in rows)
    assert "/roster/import" not in page
    assert browser.get("/roster/import").status_code == 403
    assert browser.get("/roster/template.xlsx").status_code == 200


HOSTILE = ["", "x" * 5_000, "\u202e逆", "😀", "9" * 400, "<script>", "no_such_value", "%", "_"]


def test_hostile_filters_and_tokens_give_no_error_and_write_nothing(client, count_queries):
    city = authority("310000")
    on_roster(city, "310115")
    browser = signed_in(client, city)
    with count_queries() as counter:
        for value in HOSTILE:
            for name in ("q", "tag", "region", "page"):
                for url in ("/roster/", "/roster/export.xlsx"):
                    response = browser.get(url, query_string={name: value})
                    assert response.status_code == 200, (url, name, value)
            for url in ("/roster/imports/{}", "/roster/imports/{}/errors.xlsx"):
                if value:
                    assert browser.get(url.format(value)).status_code == 404, (url, value)
        for url in GETS:
            assert browser.get(url).status_code == 200, url
    writes = [
        s
        for s in counter.statements
        if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
