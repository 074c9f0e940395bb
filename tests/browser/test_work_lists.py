"""Work lists in a browser, one hand-over per role, on the demo data as `make run` loads it.

Each test signs in as a demo account, finds the item on its dashboard, follows the item's link,
does the work on that page, sees the item gone from its list, and then sees the next party's
list and notifications (in-app, and the email in their language) carry the hand-over.
These tests read the demo's dates: conftest runs them before the journey moves the clock.
"""

from __future__ import annotations

import re

from tests.browser.conftest import check_accessibility, dispatch, shot
from tests.browser.pages import act, png
from tests.conftest import Mailbox

DEMO = "@demo.certpath.cn"
NEWCOMER = "上海浦东云链智能科技有限公司"  # newcomer@: its self-assessment and its project
SHENCHENG = "上海申城新材料股份有限公司"  # contact1@: in correction after its stage-2 audit
WAIGAOQIAO = "上海外高桥智能物流装备有限公司"  # waigaoqiao@: conclusion confirmed
ZHIZAO = "上海智造精密装备有限公司"  # enterprise@: certified, a reissue request pending


def work_list(page, base: str, key: str) -> str:
    """The text of one kind of item on the dashboard ("" when there is none)."""
    page.goto(base + "/dashboard")
    check_accessibility(page)
    card = page.locator(f"#work-{key}")
    return card.inner_text() if card.count() else ""


def follow(page, base: str, key: str, whom: str) -> None:
    """Open the item of ``key`` about ``whom`` from the dashboard, as a person would."""
    page.goto(base + "/dashboard")
    item = page.locator(f"#work-{key} li", has_text=whom)
    assert item.count() == 1, page.inner_text("main")[:2000]
    with page.expect_navigation():
        item.locator("a").first.click()
    check_accessibility(page)


def notified(page, base: str, text: str) -> None:
    """The bell counts it unread, and the notification list shows it."""
    page.goto(base + "/dashboard")
    assert page.locator("nav a[href$='/notifications/'] .badge").count(), "no unread badge"
    page.goto(base + "/notifications/")
    check_accessibility(page)
    assert page.locator(".list-group-item-info", has_text=text).count(), page.inner_text("main")


def emailed(live_server, mailbox, address: str, text: str) -> None:
    """After the scheduler's outbox run, the SMTP server holds a mail to ``address`` about
    ``text``, in Chinese (every demo account here reads Chinese)."""
    dispatch(live_server)
    subjects = [m["Subject"] for m in mailbox.to(address)]
    mails = [m for m in mailbox.to(address) if text in Mailbox.text(m)]
    assert mails, subjects
    assert re.search(r"[\u4e00-\u9fff]", mails[-1]["Subject"]), mails[-1]["Subject"]


def test_district_approves_and_the_city_takes_over(person, live_server, mailbox):
    base = live_server["base"]
    district = person("district" + DEMO)
    assert NEWCOMER in work_list(district, base, "review_queue")
    shot(district, "worklist-district-zh")
    follow(district, base, "review_queue", NEWCOMER)
    assert re.search(r"/assessments/\d+$", district.url)
    with district.expect_navigation():
        district.click("button[name=decision][value=approve]")
    assert NEWCOMER not in work_list(district, base, "review_queue")

    city = person("authority" + DEMO)
    assert NEWCOMER in work_list(city, base, "review_queue")
    notified(city, base, NEWCOMER)
    emailed(live_server, mailbox, "authority" + DEMO, NEWCOMER)


def test_consultant_accepts_and_records_the_steps(person, live_server, mailbox):
    base = live_server["base"]
    consultant = person("consultant" + DEMO)
    assert NEWCOMER in work_list(consultant, base, "invitations")
    follow(consultant, base, "invitations", NEWCOMER)
    act(consultant, "accept_engagement")
    assert NEWCOMER not in work_list(consultant, base, "invitations")
    assert NEWCOMER in work_list(consultant, base, "steps_to_record")  # its next move

    newcomer = person("newcomer" + DEMO)
    notified(newcomer, base, NEWCOMER)
    emailed(live_server, mailbox, "newcomer" + DEMO, NEWCOMER)


def test_enterprise_answers_and_the_evaluator_accepts(person, live_server, mailbox):
    base = live_server["base"]
    enterprise = person("contact1" + DEMO)
    assert "一般不符合项" in work_list(enterprise, base, "answer_findings")
    follow(enterprise, base, "answer_findings", "条款")
    assert re.search(r"/audits/\d+#finding-\d+$", enterprise.url)
    finding = enterprise.url.rsplit("#", 1)[1]
    form = enterprise.locator(f"#{finding} form[action*='/answer']")
    form.locator("textarea[name=cause]").fill("岗位职责说明书未随组织调整更新")
    form.locator("textarea[name=correction]").fill("已更新全部岗位职责说明书")
    form.locator("textarea[name=action]").fill("建立职责说明书年度评审机制")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "整改证据.png", "mimeType": "image/png", "buffer": png()}]
    )
    with enterprise.expect_navigation():
        form.locator("button[type=submit]").click()
    assert enterprise.locator(".alert-success").count(), enterprise.inner_text("main")[:1500]
    assert work_list(enterprise, base, "answer_findings") == ""

    lead = person("evaluator" + DEMO)
    assert "验证一般不符合项" in work_list(lead, base, "answers_to_verify")
    notified(lead, base, SHENCHENG)
    emailed(live_server, mailbox, "evaluator" + DEMO, SHENCHENG)
    lead.goto(base + "/dashboard")
    item = lead.locator("#work-answers_to_verify li", has_text="一般不符合项")
    with lead.expect_navigation():
        item.locator("a").first.click()
    check_accessibility(lead)
    card = lead.locator(f"#{lead.url.rsplit('#', 1)[1]}")
    with lead.expect_navigation():
        card.locator("button[value=accept]").click()
    assert lead.locator(".alert-success").count(), lead.inner_text("main")[:1500]
    assert "一般不符合项" not in work_list(lead, base, "answers_to_verify")
    notified(enterprise, base, SHENCHENG)


def test_compliance_review_goes_to_another_reviewer(person, live_server, mailbox):
    base = live_server["base"]
    first = person("alliance" + DEMO)
    assert WAIGAOQIAO in work_list(first, base, "compliance_reviews")
    shot(first, "worklist-alliance-zh")
    follow(first, base, "compliance_reviews", WAIGAOQIAO)
    act(first, "pass_compliance")
    assert WAIGAOQIAO not in work_list(first, base, "compliance_reviews")
    assert WAIGAOQIAO not in work_list(first, base, "re_reviews")  # four eyes

    second = person("alliance2" + DEMO)
    assert WAIGAOQIAO in work_list(second, base, "re_reviews")
    notified(second, base, WAIGAOQIAO)
    emailed(live_server, mailbox, "alliance2" + DEMO, WAIGAOQIAO)


def test_the_alliance_carries_out_a_holder_request(person, live_server, mailbox):
    base = live_server["base"]
    holder = person("enterprise" + DEMO)
    assert "换发" in work_list(holder, base, "requests_waiting")

    staff = person("alliance" + DEMO)
    follow(staff, base, "holder_requests", ZHIZAO)
    assert "/certificates/requests" in staff.url
    request = staff.locator("form[action$='/carry_out']").first
    with staff.expect_navigation():
        request.locator("button[type=submit]").click()
    assert staff.locator(".alert-success").count(), staff.inner_text("main")[:1500]
    assert ZHIZAO not in work_list(staff, base, "holder_requests")

    assert work_list(holder, base, "requests_waiting") == ""
    notified(holder, base, "CSAIII")
    emailed(live_server, mailbox, "enterprise" + DEMO, "CSAIII")
