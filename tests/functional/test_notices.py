"""Notices down a region: a city sends one with an attachment to its districts and enterprises;
those addressed hear of it, find it on their work list, read it and confirm; the city sees who
has; nobody outside the region reads it; a disguised attachment keeps nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from blueprints.main.worklist.notices import notices_to_confirm
from blueprints.notices import services
from models import Notice, NoticeAttachment, NoticeReceipt, Notification, OrgKind
from tests import factories
from tests.functional.projects.helpers import PDF


@pytest.fixture
def region(app_ctx):
    city = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310000"))
    district = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310115"))
    enterprise = factories.user(factories.organisation(region="310115"))
    elsewhere = factories.user(factories.organisation(region="440106"))
    other_city = factories.user(factories.organisation(OrgKind.AUTHORITY, region="440100"))
    return city, district, enterprise, elsewhere, other_city


def send(browser, audience="everyone", files=None, **fields):
    data = {"title": "关于开展2026年两化融合评估诊断工作的通知", "body": "请各区于9月30日前完成。"}
    data |= {"audience": audience, **fields}
    if files is not None:
        data["files"] = files
    return browser.submit("/notices/", data, content_type="multipart/form-data")


def test_sent_heard_read_confirmed_and_counted(region, browser):
    city, district, enterprise, elsewhere, other_city = region
    browser.login(city.email, factories.PASSWORD)
    answer = send(browser, files=[(io.BytesIO(PDF), "通知.pdf")])
    assert answer.status_code == 302
    notice = db.session.scalar(sa.select(Notice))
    assert [a.original_name for a in notice.attachments] == ["通知.pdf"]
    # Those addressed hear of it; the others do not.
    told = set(db.session.scalars(sa.select(Notification.user_id)))
    assert {district.id, enterprise.id} <= told
    assert not told & {elsewhere.id, other_city.id, city.id}
    assert notices_to_confirm(enterprise.organisation).total == 1
    assert notices_to_confirm(elsewhere.organisation).total == 0

    browser.logout()
    browser.login(enterprise.email, factories.PASSWORD)
    page = browser.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "请各区于9月30日前完成" in page
    attachment = browser.get(f"/notices/{notice.id}/attachments/{notice.attachments[0].id}")
    assert attachment.status_code == 200 and attachment.data == PDF
    attachment.close()
    confirm = browser.submit(f"/notices/{notice.id}", {}, action=f"/notices/{notice.id}/confirm")
    assert confirm.status_code == 302
    assert notices_to_confirm(enterprise.organisation).total == 0
    assert 'id="confirmed"' in browser.get(f"/notices/{notice.id}").get_data(as_text=True)
    # Confirming again changes nothing.
    browser.submit(f"/notices/{notice.id}", {}, action=f"/notices/{notice.id}/confirm")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NoticeReceipt)) == 1

    browser.logout()
    browser.login(city.email, factories.PASSWORD)
    assert services.counts(notice) == (2, 1)  # the district and the enterprise; one confirmed
    receipts = browser.get(f"/notices/{notice.id}/receipts.xlsx").data
    sheet = openpyxl.load_workbook(io.BytesIO(receipts)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert rows[enterprise.organisation.name][5] is not None  # confirmed
    assert rows[district.organisation.name][5] is None
    assert elsewhere.organisation.name not in rows


def test_nobody_outside_the_region_reads_it(region, browser):
    city, district, enterprise, elsewhere, other_city = region
    browser.login(city.email, factories.PASSWORD)
    send(browser, audience="authorities", files=[(io.BytesIO(PDF), "a.pdf")])
    notice = db.session.scalar(sa.select(Notice))
    attachment_id = notice.attachments[0].id
    for outsider in (elsewhere, other_city, enterprise):  # the enterprise is not addressed
        browser.logout()
        browser.login(outsider.email, factories.PASSWORD)
        assert browser.get(f"/notices/{notice.id}").status_code == 404
        refused = browser.get(f"/notices/{notice.id}/attachments/{attachment_id}")
        assert refused.status_code == 404
        confirm = browser.submit("/notices/", {}, action=f"/notices/{notice.id}/confirm")
        assert confirm.status_code == 404
    browser.logout()
    browser.login(district.email, factories.PASSWORD)
    assert browser.get(f"/notices/{notice.id}").status_code == 200
    assert browser.get(f"/notices/{notice.id}/receipts.xlsx").status_code == 404  # not its own
    assert browser.get(f"/notices/{notice.id}/attachments/999999").status_code == 404


def test_a_bad_field_or_a_disguised_file_keeps_nothing(region, browser):
    city = region[0]
    browser.login(city.email, factories.PASSWORD)
    empty = send(browser, title="")
    assert empty.status_code == 422
    assert "请各区于9月30日前完成" in empty.get_data(as_text=True)  # the input is kept
    disguised = send(browser, files=[(io.BytesIO(b"MZ\x90\x00 not a pdf"), "通知.pdf")])
    assert disguised.status_code == 422
    forged = send(browser, audience="everybody-in-china")
    assert forged.status_code == 422
    too_many = send(browser, files=[(io.BytesIO(PDF), f"{n}.pdf") for n in range(6)])
    assert too_many.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NoticeAttachment)) == 0


def test_only_authorities_send(region, browser):
    enterprise = region[2]
    browser.login(enterprise.email, factories.PASSWORD)
    assert send(browser).status_code == 403
    assert browser.get("/notices/?show=sent").status_code == 200  # falls back to received


def test_the_list_runs_the_same_queries_for_2_notices_as_for_12(region, browser, count_queries):
    city, _district, enterprise = region[:3]
    browser.login(city.email, factories.PASSWORD)
    for n in range(2):
        send(browser, title=f"通知{n}")
    browser.logout()
    browser.login(enterprise.email, factories.PASSWORD)
    browser.get("/notices/")
    with count_queries() as few:
        assert browser.get("/notices/").status_code == 200
    browser.logout()
    browser.login(city.email, factories.PASSWORD)
    for n in range(10):
        send(browser, title=f"更多通知{n}")
    browser.logout()
    browser.login(enterprise.email, factories.PASSWORD)
    with count_queries() as many:
        page = browser.get("/notices/")
    assert page.status_code == 200
    assert many.count == few.count, many.statements
