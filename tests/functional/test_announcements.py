"""Notices to the public (通知公告): the alliance and the authorities publish them on the
portal; anyone reads them and downloads their attachments, signed in or not; nobody is
addressed (no receipt, no work-list item, nobody told); a notice to a region and its
attachments stay out of the public's sight; nobody else publishes."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db
from blueprints.main.worklist.notices import notices_to_confirm
from blueprints.notices import services
from models import Notice, NoticeAudience, Notification, OrgKind
from tests import factories
from tests.functional.projects.helpers import PDF


@pytest.fixture
def cast(app_ctx):
    staff = factories.alliance_staff()
    city = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310000"))
    enterprise = factories.user(factories.organisation(region="310115"))
    elsewhere = factories.user(factories.organisation(region="440106"))
    consultant = factories.user(factories.organisation(OrgKind.CONSULTANCY, region="310104"))
    return staff, city, enterprise, elsewhere, consultant


def send(browser, audience="public", files=None, page="/notices/", **fields):
    data = {"title": "关于2026年两化融合管理体系评定工作的公告", "body": "现将有关事项公告如下。"}
    data |= {"audience": audience, **fields}
    if files is not None:
        data["files"] = files
    return browser.submit(page, data, action="/notices/", content_type="multipart/form-data")


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_the_alliance_publishes_and_anyone_reads_it(cast, browser):
    staff, _city, enterprise, _elsewhere, _consultant = cast
    browser.login(staff.email, factories.PASSWORD)
    form = browser.get("/notices/").get_data(as_text=True)
    # The alliance addresses the public only: one choice, its sent list shown.
    assert 'value="public"' in form and 'value="everyone"' not in form
    answer = send(browser, files=[(io.BytesIO(PDF), "评定机构名录.pdf")])
    assert answer.status_code == 302
    notice = db.session.scalars(sa.select(Notice)).one()
    assert notice.audience == NoticeAudience.PUBLIC and notice.region_code is None
    assert notice.title in browser.get("/notices/").get_data(as_text=True)  # its sent list
    # Nothing is addressed to the alliance: whatever list is asked, it sees what it sent.
    assert notice.title in browser.get("/notices/?show=received").get_data(as_text=True)
    assert 'id="published"' in browser.get(f"/notices/{notice.id}").get_data(as_text=True)
    # Nobody is addressed: nobody told, no receipts, on nobody's work list.
    assert count(Notification) == 0
    assert services.counts(notice) == (0, 0)
    assert notices_to_confirm(enterprise.organisation).total == 0
    assert browser.get(f"/notices/{notice.id}/receipts.xlsx").status_code in (403, 404)
    browser.logout()

    listing = browser.get("/announcements/")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert notice.title in text and staff.organisation.name in text
    page = browser.get(f"/announcements/{notice.id}")
    assert page.status_code == 200
    assert "现将有关事项公告如下" in page.get_data(as_text=True)
    attachment_id = notice.attachments[0].id
    download = browser.get(f"/announcements/{notice.id}/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    download.close()
    assert browser.get(f"/announcements/{notice.id}/attachments/999999").status_code == 404
    assert browser.get("/announcements/999999").status_code == 404
    # A signed-in enterprise reads it too, on the same pages.
    browser.login(enterprise.email, factories.PASSWORD)
    assert browser.get(f"/announcements/{notice.id}").status_code == 200


def test_an_authority_publishes_to_the_public_or_sends_to_its_region(cast, browser):
    _staff, city, enterprise, _elsewhere, _consultant = cast
    browser.login(city.email, factories.PASSWORD)
    form = browser.get("/notices/").get_data(as_text=True)
    assert 'value="public"' in form and 'value="everyone"' in form
    assert send(browser).status_code == 302
    public = db.session.scalars(sa.select(Notice)).one()
    assert public.region_code == "310000"  # the publisher's region, shown nowhere as audience
    assert count(Notification) == 0
    assert send(browser, audience="everyone", title="关于开展评估的通知").status_code == 302
    assert notices_to_confirm(enterprise.organisation).total == 1  # only the regional one
    browser.logout()
    text = browser.get("/announcements/").get_data(as_text=True)
    assert public.title in text and "关于开展评估的通知" not in text


def test_a_notice_to_a_region_is_not_public(cast, browser):
    _staff, city, enterprise, elsewhere, _consultant = cast
    regional = services.publish(
        city, "内部通知", "仅限辖区。", NoticeAudience.EVERYONE, [_pdf("内部.pdf")]
    )
    attachment = regional.attachments[0].id
    for reader in (None, elsewhere, enterprise):  # anonymous, outside, even addressed
        if reader is not None:
            browser.login(reader.email, factories.PASSWORD)
        assert browser.get(f"/announcements/{regional.id}").status_code == 404
        refused = browser.get(f"/announcements/{regional.id}/attachments/{attachment}")
        assert refused.status_code == 404
        assert "内部通知" not in browser.get("/announcements/").get_data(as_text=True)
        if reader is not None:
            browser.logout()
    # Nor is a public notice's path a way to another notice's attachment.
    public = services.publish(city, "公告", "正文", NoticeAudience.PUBLIC, [])
    assert browser.get(f"/announcements/{public.id}/attachments/{attachment}").status_code == 404
    # The outsider does not read the regional one on the notices pages either.
    browser.login(elsewhere.email, factories.PASSWORD)
    assert browser.get(f"/notices/{regional.id}").status_code == 404
    assert browser.get(f"/notices/{regional.id}/attachments/{attachment}").status_code == 404


def _pdf(name):
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(PDF), filename=name, content_type="application/pdf")


def test_only_the_alliance_and_authorities_publish(cast, browser):
    staff, _city, enterprise, _elsewhere, consultant = cast
    browser.login(enterprise.email, factories.PASSWORD)
    assert send(browser).status_code == 403
    browser.logout()
    browser.login(consultant.email, factories.PASSWORD)
    assert send(browser, page="/dashboard").status_code == 403
    browser.logout()
    # The alliance forging a regional audience is refused beside the field.
    browser.login(staff.email, factories.PASSWORD)
    forged = send(browser, audience="everyone")
    assert forged.status_code == 422
    assert "is-invalid" in forged.get_data(as_text=True)
    assert send(browser, audience="nobody").status_code == 422
    assert count(Notice) == 0
    # The service refuses it too, for a caller without a form.
    from app.errors import WorkflowError

    with pytest.raises(WorkflowError):
        services.publish(staff, "t", "b", NoticeAudience.EVERYONE, [])
    with pytest.raises(WorkflowError):
        services.publish(enterprise, "t", "b", NoticeAudience.PUBLIC, [])


def test_the_list_is_newest_first_searchable_and_paginated(cast, browser, app):
    staff = cast[0]
    per_page = app.config["ITEMS_PER_PAGE"]
    now = utcnow()
    for n in range(per_page + 2):
        notice = services.publish(staff, f"公告第{n}号", "正文", NoticeAudience.PUBLIC, [])
        notice.published_at = now - timedelta(days=per_page + 2 - n)
    db.session.flush()
    first = browser.get("/announcements/").get_data(as_text=True)
    newest = f"公告第{per_page + 1}号"
    assert first.index(newest) < first.index(f"公告第{per_page}号")
    assert "公告第0号<" not in first
    assert "公告第0号<" in browser.get("/announcements/?page=2").get_data(as_text=True)
    found = browser.get("/announcements/?q=第3号").get_data(as_text=True)
    assert "公告第3号" in found and "公告第4号" not in found
    for odd in ("?page=99999999999999999999", "?page=-1", "?q=" + "%25_" * 200):
        assert browser.get("/announcements/" + odd).status_code == 200
    assert browser.get("/announcements/?q=%00").status_code == 400  # the app refuses NUL
    assert browser.get("/announcements/99999999999999999999").status_code == 404


def test_anonymous_pages_are_cacheable_and_rate_limited(cast, browser):
    staff = cast[0]
    notice = services.publish(staff, "公告", "正文", NoticeAudience.PUBLIC, [])
    answer = browser.get(f"/announcements/{notice.id}")
    assert answer.headers.get("ETag") and "public" in answer.headers["Cache-Control"]
    assert "RateLimit-Limit" not in answer.headers  # told on a refusal (test_certificates)
