"""Importing the roster from Excel: good rows in, bad rows reported, re-imports update."""

from __future__ import annotations

import os
import re
from io import BytesIO

import pytest

from models import EnterpriseTag
from tests import factories
from tests.conftest import upload_folder

from .helpers import (
    FLAG_HEADER,
    HEADER,
    authority,
    count_roster,
    on_roster,
    read_xlsx,
    roster_of,
    signed_in,
    upload,
    xlsx,
)

T = EnterpriseTag
_TOKEN_URL = re.compile(r"/roster/imports/([0-9a-f]{32})$")


def result_of(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert _TOKEN_URL.search(location), location
    return location


def counts(browser, location: str) -> tuple[int, int, int]:
    page = browser.get(location).get_data(as_text=True)
    found = {}
    for key in ("created", "updated", "refused"):
        match = re.search(rf'<dd class="col-sm-9" id="{key}">(\d+)</dd>', page)
        assert match, key
        found[key] = int(match.group(1))
    return found["created"], found["updated"], found["refused"]


def test_an_import_creates_then_a_reimport_updates(client):
    official = authority("310000")
    browser = signed_in(client, official)
    a, b, c = (factories.credit_code("310115") for _ in range(3))
    first = xlsx(
        [
            [a, "上海甲智能制造有限公司", "310115", "34", "规上；专精特新", "a@example.com"],
            [b, "上海乙新材料有限公司", 310104, None, None, None],  # a code typed as a number
        ]
    )
    before = _stored_files()
    location = result_of(upload(browser, first))
    assert counts(browser, location) == (2, 0, 0)
    # The uploaded file is read and thrown away; only the outcome of the import is kept.
    kept = _stored_files() - before
    assert len(kept) == 1 and next(iter(kept)).endswith(".json")
    row_a = roster_of(a)
    assert row_a is not None
    assert (row_a.name, row_a.region_code, row_a.industry_code) == (
        "上海甲智能制造有限公司",
        "310115",
        "34",
    )
    assert row_a.tag_set == {T.ABOVE_SCALE, T.SPECIALISED}
    assert row_a.contact_email == "a@example.com"
    assert row_a.imported_by_id == official.organisation_id
    row_b = roster_of(b)
    assert row_b is not None and row_b.region_code == "310104" and row_b.tag_set == frozenset()

    # English headers in another order; A renamed, moved and retagged; C new.
    second = xlsx(
        [
            ["专精特新“小巨人”、试点", "310104", a, "上海甲智能制造股份有限公司", ""],
            ["", "310104", b, "上海乙新材料有限公司", "b@example.com"],
            ["above_scale", "310101", c, "上海丙科技有限公司", ""],
        ],
        header=["Tags", "Region code", "Credit code", "Name", "Contact email"],
    )
    location = result_of(upload(browser, second))
    assert counts(browser, location) == (1, 2, 0)
    assert count_roster() == 3
    row_a = roster_of(a)
    assert row_a is not None
    assert (row_a.name, row_a.region_code) == ("上海甲智能制造股份有限公司", "310104")
    assert row_a.tag_set == {T.LITTLE_GIANT, T.PILOT}  # replaced, not added to
    assert row_a.industry_code == "34"  # no industry column: left as it was
    assert row_a.contact_email == ""  # an empty cell empties it
    row_b = roster_of(b)
    assert row_b is not None and row_b.contact_email == "b@example.com"
    row_c = roster_of(c)
    assert row_c is not None and row_c.tag_set == {T.ABOVE_SCALE}


def test_bad_rows_are_refused_and_reported_good_rows_imported(client):
    official = authority("310000", locale="en")
    elsewhere = authority("440000")
    kept_by_guangdong = on_roster(elsewhere, "440106", name="广州某企业")
    browser = signed_in(client, official)
    good = factories.credit_code("310115")
    bad_checksum = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows: list[list] = [
        [good, "上海好企业有限公司", "310115", "34", "试点", "ok@example.com"],  # row 2
        [bad_checksum, "校验位错误公司", "310115", None, None, None],  # row 3
        [good, "重复代码公司", "310115", None, None, None],  # row 4
        [factories.credit_code(), "未知区划公司", "319999", None, None, None],  # row 5
        [factories.credit_code(), "区外公司", "440106", None, None, None],  # row 6
        [factories.credit_code(), "未知标签公司", "310115", None, "五百强", None],  # row 7
        [factories.credit_code(), "邮箱错误公司", "310115", None, None, "not-an-address"],  # 8
        [kept_by_guangdong.credit_code, "外省名录企业", "310115", None, None, None],  # row 9
        [factories.credit_code(), None, "310115", "99x", None, None],  # row 10
        [None, None, None, None, None, None],  # blank: skipped, not refused
    ]
    location = result_of(upload(browser, xlsx(rows)))
    assert counts(browser, location) == (1, 0, 8)
    assert count_roster() == 2  # the good row and Guangdong's own
    assert roster_of(good).name == "上海好企业有限公司"
    guangdong = roster_of(kept_by_guangdong.credit_code)
    assert (guangdong.name, guangdong.region_code) == ("广州某企业", "440106")

    page = browser.get(location).get_data(as_text=True)
    report = browser.get(location + "/errors.xlsx")
    assert report.status_code == 200
    assert report.headers["Content-Disposition"].startswith("attachment")
    header, *lines = read_xlsx(report.data)
    assert header == ("Row", "Unified social credit code", "Enterprise name", "Reasons")
    by_row = {line[0]: line for line in lines}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]
    expected = {
        3: "check digit",
        4: "already in row 2",
        5: "no region with the code 319999",
        6: "440106 is outside your region",
        7: "Unknown tag “五百强”",
        8: "not a valid address",
        9: "roster of a region outside yours",
        10: "name is missing",
    }
    for number, words in expected.items():
        assert words in by_row[number][3], (number, by_row[number])
        assert words in page, number
    assert by_row[3][1:3] == (bad_checksum, "校验位错误公司")
    # Every reason of a row, not the first only.
    assert "no industry with the code 99x" in by_row[10][3]


def test_the_report_follows_the_readers_language(client):
    official = authority("310000", locale="en")
    browser = signed_in(client, official)
    location = result_of(upload(browser, xlsx([[factories.credit_code(), "", "310115"]])))
    english = read_xlsx(browser.get(location + "/errors.xlsx").data)
    chinese = read_xlsx(browser.get(location + "/errors.xlsx?lang=zh").data)
    assert english[0][0] == "Row" and chinese[0][0] != "Row"


def test_the_result_is_kept_for_its_importer_only(client, app):
    official = authority("310000")
    browser = signed_in(client, official)
    location = result_of(upload(browser, xlsx([["bad", "某公司", "310115"]])))
    assert browser.get(location).status_code == 200
    assert browser.get(location).status_code == 200  # a reload shows it again
    assert browser.get(location + "/errors.xlsx").status_code == 200
    colleague = signed_in(app.test_client(), authority("310000"))
    assert colleague.get(location).status_code == 404
    assert colleague.get(location + "/errors.xlsx").status_code == 404
    assert browser.get("/roster/imports/" + "0" * 32).status_code == 404
    assert browser.get("/roster/imports/..").status_code == 404


def test_the_template_imports_as_it_is(client):
    official = authority("310115")
    browser = signed_in(client, official)
    response = browser.get("/roster/template.xlsx")
    assert response.status_code == 200
    rows = read_xlsx(response.data)
    assert rows[0] == tuple(HEADER + FLAG_HEADER)
    assert rows[1][2] == "310115" and rows[1][6:] == ("否", "否")
    location = result_of(upload(browser, response.data))
    assert counts(browser, location) == (1, 0, 0)
    assert roster_of(rows[1][0]).tag_set == {T.ABOVE_SCALE, T.SPECIALISED}


def test_a_title_line_above_the_header_is_passed_over(client):
    browser = signed_in(client, authority("310000"))
    code = factories.credit_code()
    data = xlsx([[code, "标题下的企业", "310115"]], header=HEADER_MIN, title="2026年企业名录")
    location = result_of(upload(browser, data))
    assert counts(browser, location) == (1, 0, 0)


HEADER_MIN = ["统一社会信用代码", "企业名称", "行政区划代码"]


def _refused(response, words: str) -> None:
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is-invalid" in page
    assert words in page, page[:3000]


def _stored_files() -> set[str]:
    found: set[str] = set()
    for folder, _dirs, files in os.walk(upload_folder()):
        found.update(os.path.join(folder, name) for name in files)
    return found


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (b"credit code,name\n91310115MA1K4B2C3J,x\n", "名录.xlsx", "does not match"),
        (b"credit code,name\n", "名录.csv", "not accepted"),
        (b"PK\x03\x04 not really a zip", "名录.xlsx", "does not match"),
    ],
)
def test_a_file_that_is_no_workbook_is_refused(client, data, filename, words):
    official = authority("310000", locale="en")
    browser = signed_in(client, official)
    before = _stored_files()
    _refused(upload(browser, data, filename), words)
    assert count_roster() == 0
    assert _stored_files() == before


def test_an_oversized_file_is_refused(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    browser = signed_in(client, authority("310000", locale="en"))
    rows = [[factories.credit_code(), f"企业{n}", "310115"] for n in range(200)]
    _refused(upload(browser, xlsx(rows, header=HEADER_MIN)), "larger than")
    assert count_roster() == 0


def test_missing_columns_and_too_many_rows_refuse_the_file(client, monkeypatch):
    browser = signed_in(client, authority("310000", locale="en"))
    no_region = xlsx([[factories.credit_code(), "某公司"]], header=["信用代码", "企业名称"])
    _refused(upload(browser, no_region), "行政区划代码")
    monkeypatch.setattr("blueprints.roster.workbook.MAX_ROWS", 3)
    four = [[factories.credit_code(), f"企业{n}", "310115"] for n in range(4)]
    _refused(upload(browser, xlsx(four, header=HEADER_MIN)), "more than 3 rows")
    assert count_roster() == 0
    twice = xlsx([["x", "y", "z"]], header=["信用代码", "Credit code", "企业名称"])
    _refused(upload(browser, twice), "both hold")


def test_an_import_without_its_token_is_refused(client):
    browser = signed_in(client, authority("310000"))
    data = xlsx([[factories.credit_code(), "某公司", "310115"]], header=HEADER_MIN)
    response = client.post(
        "/roster/import",
        data={"file": (BytesIO(data), "名录.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert browser.get("/roster/import").status_code == 200
    assert count_roster() == 0


def test_a_form_without_a_file_is_answered_on_its_page(client):
    browser = signed_in(client, authority("310000", locale="en"))
    response = browser.submit("/roster/import", {}, content_type="multipart/form-data")
    _refused(response, "Choose a file to upload.")


def test_a_district_and_its_city_share_the_districts_rows(client, app):
    """The city's region covers the district's: the city's file updates the district's rows;
    the district's file cannot touch a row of another district."""
    district = authority("310115", locale="en")
    city = authority("310000")
    xuhui_row = on_roster(city, "310104", name="徐汇企业")
    code = factories.credit_code()
    browser = signed_in(client, district)
    rows = [[code, "浦东企业", "310115"], [xuhui_row.credit_code, "改名", "310115"]]
    location = result_of(upload(browser, xlsx(rows, header=HEADER_MIN)))
    assert counts(browser, location) == (1, 0, 1)
    assert roster_of(xuhui_row.credit_code).name == "徐汇企业"
    city_browser = signed_in(app.test_client(), city)
    renamed = xlsx([[code, "浦东企业（新名）", "310115"]], header=HEADER_MIN)
    location = result_of(upload(city_browser, renamed))
    assert counts(city_browser, location) == (0, 1, 0)
    updated = roster_of(code)
    assert updated.name == "浦东企业（新名）"
    assert updated.imported_by_id == city.organisation_id


def test_an_import_costs_the_same_queries_for_5_rows_as_for_60(client, count_queries):
    """Set-based: the reference codes and the touched rows are read once per file, the rows
    written in batches — never a query per row."""
    city = authority("310000")
    browser = signed_in(client, city)
    token = browser.token("/roster/import")

    def cost(rows: list[list]) -> int:
        with count_queries() as counter:
            response = client.post(
                "/roster/import",
                data={"csrf_token": token, "file": (BytesIO(xlsx(rows)), "名录.xlsx")},
                content_type="multipart/form-data",
            )
        result_of(response)
        return counter.count

    def rows(n: int, known: list[str]) -> list[list]:
        new = [factories.credit_code() for _ in range(n - len(known))]
        return [
            [code, f"企业{i}", "310115" if i % 2 else "310104", "34", "规上、试点", ""]
            for i, code in enumerate([*known, *new])
        ]

    small = rows(5, [])
    first = cost(small)
    # As many updates and inserts as before, but twelve times the rows of each.
    large = rows(60, [row[0] for row in small] + [on_roster(city, "310115").credit_code])
    assert cost(large) <= first + 2  # the update and the tags' delete, absent the first time
