"""The holder's own certificates: searched by number or the name on the certificate (pinyin
initials too), filtered by live status, evaluation body and the effective date, sorted by its
columns, paged with the filters kept, and in Excel with exactly the filtered rows of every page
— the holder's own only; bad input breaks nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.clock import local_today
from app.extensions import db
from models import CertificateStatus, OrgKind
from tests import factories
from tests.functional.projects.helpers import browser_for

LIST, EXCEL = "/certificates/mine", "/certificates/mine.xlsx"
S = CertificateStatus


class World:
    pass


@pytest.fixture
def world(app_ctx):
    """Four certificates of one holder — valid, suspended, one past its expiry (live: expired)
    under its old name, and one of another body — and another holder's."""
    w = World()
    w.parties = factories.Parties()
    w.parties.enterprise_org.name = "上海精工机械有限公司"
    staff = factories.alliance_staff()
    other_body = factories.organisation(OrgKind.EVALUATION_BODY, name="中国船级社质量认证公司")
    today = local_today()
    w.made = {}
    for key, status, effective, name, body in (
        ("old", S.VALID, date(2019, 3, 1), "上海精工机械厂", None),
        ("valid", S.VALID, date(2024, 5, 1), "上海精工机械有限公司", None),
        ("suspended", S.SUSPENDED, date(2025, 2, 1), "上海精工机械有限公司", None),
        ("other_body", S.VALID, date(2025, 8, 1), "上海精工机械有限公司", other_body),
    ):
        c = factories.certificate(w.parties, staff=staff)
        c.status = status
        c.effective_on = effective
        c.expires_on = effective.replace(year=effective.year + 3)
        c.enterprise_name = name
        if body is not None:
            c.body_id = body.id
        w.made[key] = c
    assert w.made["old"].expires_on < today  # valid in the table, expired live
    w.elsewhere = factories.Parties()
    w.foreign = factories.certificate(w.elsewhere, staff=staff)
    db.session.commit()
    for c in (*w.made.values(), w.foreign):
        db.session.refresh(c)
    w.numbers = {c.number: key for key, c in w.made.items()}
    w.today = today
    return w


def listed(browser, world, **args) -> list[str]:
    """The keys of the certificates shown, in order."""
    html = browser.get(LIST, query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("#certificates tbody tr[data-certificate]")
    return [world.numbers.get(row.find("code").get_text(strip=True), "?") for row in rows]


def excel(browser, **args) -> list[tuple]:
    response = browser.get(EXCEL, query_string=args)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return list(sheet.iter_rows(values_only=True))


BAD = (
    {"status": "forged"},
    {"body": "forged"},
    {"body": "99999999999999999999"},
    {"since": "2026-13-45"},
    {"until": "99999-01-01"},
    {"sort": "-" + "x" * 500},
    {"q": "%_" * 200},
    {"page": "99999999999"},
)


def test_searched_and_filtered(app, world):
    browser = browser_for(app, world.parties.enterprise)
    assert set(listed(browser, world)) == set(world.made)  # not the other holder's
    number = world.made["suspended"].number
    assert listed(browser, world, q=number) == ["suspended"]
    assert listed(browser, world, q=number[-8:].lower()) == ["suspended"]
    assert listed(browser, world, q="机械厂") == ["old"]  # the name on the certificate
    assert listed(browser, world, q="shjgjxc") == ["old"]  # its pinyin initials
    assert listed(browser, world, status="expired") == ["old"]  # live, not as stored
    assert listed(browser, world, status="valid", sort="effective") == ["valid", "other_body"]
    assert listed(browser, world, status="suspended") == ["suspended"]
    body = str(world.made["other_body"].body_id)
    assert listed(browser, world, body=body) == ["other_body"]
    assert listed(browser, world, since="2024-01-01", until="2025-03-01", sort="effective") == [
        "valid",
        "suspended",
    ]
    # Another holder's body is no filter of this list.
    assert world.foreign.body_id != world.made["valid"].body_id
    assert len(listed(browser, world, body=str(world.foreign.body_id))) == 4
    for args in BAD:
        assert browser.get(LIST, query_string=args).status_code == 200, args
        assert browser.get(EXCEL, query_string=args).status_code == 200, args


def test_sorted_by_its_columns_and_paged_with_the_filters(app, world, monkeypatch):
    browser = browser_for(app, world.parties.enterprise)
    by_effective = ["old", "valid", "suspended", "other_body"]
    assert listed(browser, world, sort="effective") == by_effective
    assert listed(browser, world, sort="-expires") == by_effective[::-1]
    assert listed(browser, world, sort="number") == listed(browser, world, sort="-number")[::-1]
    assert listed(browser, world, sort="body") == listed(browser, world, sort="-body")[::-1]
    assert listed(browser, world, sort="status")[-1] == "suspended"  # valid ones first
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "有限公司", "sort": "effective"}
    html = browser.get(LIST, query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "sort=effective" in following["href"] and "q=" in following["href"]
    pages = [listed(browser, world, page=n, **args) for n in (1, 2, 3)]
    assert pages == [["valid"], ["suspended"], ["other_body"]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    browser = browser_for(app, world.parties.enterprise)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"since": "2019-01-01", "until": "2025-06-30", "sort": "-effective"}
    shown = [key for n in (1, 2, 3, 4) for key in listed(browser, world, page=n, **args)]
    assert shown == ["suspended", "valid", "old"]
    rows = excel(browser, **args)
    assert rows[0][:4] == ("证书编号", "企业", "评定机构", "状态")
    assert [world.numbers[row[0]] for row in rows[1:]] == shown
    assert [row[3] for row in rows[1:]] == ["暂停", "有效", "过期"]


def test_another_holder_s_certificates_stay_theirs(app, world):
    browser = browser_for(app, world.elsewhere.enterprise)
    html = browser.get(LIST).get_data(as_text=True)
    assert world.foreign.number in html
    assert not any(number in html for number in world.numbers)
    assert [row[0] for row in excel(browser)[1:]] == [world.foreign.number]
    assert listed(browser, world, q=world.made["valid"].number) == []
    assert browser_for(app, world.parties.lead).get(EXCEL).status_code == 403


def test_the_list_costs_the_same_queries_for_one_certificate_or_many(app, world, count_queries):
    browser = browser_for(app, world.parties.enterprise)
    browser.get(LIST)
    with count_queries() as many:
        browser.get(LIST, query_string={"sort": "body"})
    with count_queries() as one:
        browser.get(LIST, query_string={"sort": "body", "status": "suspended"})
    assert many.count == one.count, many.statements
    with count_queries() as workbook:
        browser.get(EXCEL)
    assert workbook.count <= 6, workbook.statements


def test_a_certificate_expiring_today_is_still_valid(app, world):
    world.made["valid"].expires_on = world.today
    db.session.commit()
    browser = browser_for(app, world.parties.enterprise)
    assert "valid" in listed(browser, world, status="valid")
    world.made["valid"].expires_on = world.today - timedelta(days=1)
    db.session.commit()
    assert "valid" in listed(browser, world, status="expired")
