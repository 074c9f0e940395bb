"""The portal as the public meets it, on the demo data: the front page's announcements and
figures, the certificate search box that opens the register, an announcement and its PDF."""

from __future__ import annotations

from blueprints.demo.people import credit_code
from tests.browser.conftest import check_accessibility, shot

ZHIZAO = "上海智造精密装备有限公司"  # enterprise@: certified
ZHIZAO_CODE = credit_code("91310115MA1K3BQ2X")
BODIES = "评定机构名录的公告"  # the alliance's announcement with the list as a PDF


def test_the_front_page_searches_the_register(page, live_server):
    base = live_server["base"]
    page.goto(base + "/")
    check_accessibility(page)
    shot(page, "portal-home-zh")
    news = page.locator("#latest-announcements li")
    assert news.count() == 3, page.inner_text("main")[:1500]
    assert int(page.inner_text("[data-figure=valid] dd").replace(",", "")) >= 1
    # A member of the public types the holder's credit code: the register lists its certificate.
    page.fill("#portal-number", ZHIZAO_CODE)
    with page.expect_navigation():
        page.click("#certificate-search button[type=submit]")
    assert "/certificates/?number=" in page.url
    check_accessibility(page)
    assert ZHIZAO in page.inner_text("main")


def test_an_announcement_and_its_attachment(page, live_server):
    base = live_server["base"]
    page.goto(base + "/")
    with page.expect_navigation():
        page.locator("#latest-announcements a", has_text=BODIES).click()
    check_accessibility(page)
    assert "两化融合服务联盟" in page.inner_text("#publisher")
    shot(page, "announcement-zh")
    with page.expect_download() as download:
        page.click("#attachments a")
    assert download.value.suggested_filename.endswith("评定机构名录.pdf")
    page.goto(base + "/announcements/")
    check_accessibility(page)
    assert page.locator("#announcements li").count() == 3
