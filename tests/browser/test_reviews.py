"""District then city authority approve a submitted self-assessment (demo data, Jinan)."""

import re

from tests.browser.conftest import check_accessibility, shot
from tests.browser.test_self_assessment import sign_in

ENTERPRISE = "济南泉城汽车零部件有限公司"  # its assessment waits for 历下区, then 济南市


def approve(page, base, email):
    sign_in(page, base, email)
    page.goto(base + "/assessments/queue")
    check_accessibility(page)
    page.click(f"text={ENTERPRISE}")
    page.wait_for_url(re.compile(r".*/assessments/\d+$"))
    check_accessibility(page)
    page.click("button[name=decision][value=approve]")
    page.wait_for_url(re.compile(r".*/assessments/queue$"))
    assert ENTERPRISE not in page.content()


def test_district_then_city_approve(page, live_server, playwright_browser):
    base = live_server["base"]
    approve(page, base, "authority3@demo.certpath.cn")  # 济南市历下区工业和信息化局
    shot(page, "review-queue-zh")
    city = playwright_browser.new_context(locale="zh-CN").new_page()
    approve(city, base, "authority2@demo.certpath.cn")  # 济南市工业和信息化局
    city.context.close()
