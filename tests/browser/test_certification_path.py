"""The whole certification path in Chromium, as the people who walk it, on one database.

A new Pudong enterprise registers and assesses itself; Pudong's district authority and the
Shanghai authority approve; the enterprise runs a project with a consultancy; after the
operation period (the server's clock moved by the testing-only TEST_CLOCK_FILE) an evaluation
body audits it with a major and a minor nonconformity; two alliance staff review and re-review;
a member of the public objects during the publicity and is answered; the certificate is issued,
verified by the public (number and QR code) and downloaded; a year on, the scheduler emails the
surveillance reminder. Each test is one step of that story: after a failed step the later ones
are skipped, naming the step that broke.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from tests.browser.conftest import (
    check_accessibility,
    dispatch,
    flask_command,
    server_today,
    shot,
    travel,
    travel_to,
)
from tests.browser.pages import (
    act,
    action,
    activate_and_sign_in,
    answer_self_assessment,
    open_project,
    png,
    refused,
    register,
    sign_the_pledge,
    upload,
)
from tests.conftest import Mailbox
from tests.pdf_helpers import decode, pdf_text, pdftoppm_png

pytestmark = pytest.mark.journey

ENTERPRISE = "上海浦江智能装备有限公司"
PASSWORD = "Violet-Harbour-Compass-71"
CONSULTANCY = "上海数融企业管理咨询有限公司"  # consultant@demo
BODY = "上海质量体系审核中心"  # body 005: evaluator@demo (张评定) and evaluator2@demo (刘审核)
DEMO = "@demo.certpath.cn"


@pytest.fixture(scope="module")
def story(live_server) -> Iterator[dict]:
    """What one step leaves for the next, per database; the clock is set back afterwards."""
    yield {"email": f"pujiang.{uuid.uuid4().hex[:8]}@example.com"}
    travel(live_server, 0)


def test_1_a_new_enterprise_registers_and_assesses_itself(page, live_server, mailbox, story):
    base, email = live_server["base"], story["email"]
    page.goto(base + "/register")
    check_accessibility(page)
    shot(page, "register-zh")
    address = "上海市浦东新区张江路 1 号"
    register(page, ENTERPRISE, "91310115MA1BR0W5E", "310115", "王晓明", email, PASSWORD, address)
    activate_and_sign_in(page, live_server, mailbox, email, PASSWORD)
    assert ENTERPRISE in page.content()
    shot(page, "dashboard-enterprise-zh")

    answer_self_assessment(
        page, base, "discrete-2026", shoot=lambda p: shot(p, "self-assessment-fill-zh")
    )
    report = page.inner_text("body")
    assert "100.0" in report and "协同与创新" in report  # top score, top stage
    assert "浦东新区" in report  # waiting for the district authority
    shot(page, "self-assessment-report-zh")
    with page.expect_download() as download:
        page.click("a[href$='report.pdf']")
    assert download.value.suggested_filename.endswith(".pdf")


def test_2_district_then_city_authority_approve(person, live_server):
    base = live_server["base"]
    for email in ("district" + DEMO, "authority" + DEMO):  # 浦东新区, then 上海市
        page = person(email)
        page.goto(base + "/assessments/queue")
        check_accessibility(page)
        shot(page, "review-queue-zh")
        page.click(f"text={ENTERPRISE}")
        page.wait_for_url(re.compile(r".*/assessments/\d+$"))
        check_accessibility(page)
        page.click("button[name=decision][value=approve]")
        page.wait_for_url(re.compile(r".*/assessments/queue$"))
        assert ENTERPRISE not in page.inner_text("main")


def test_3_project_with_a_consultancy_and_its_six_steps(person, live_server, story):
    base, today = live_server["base"], server_today(live_server).isoformat()
    enterprise = person(story["email"], PASSWORD)
    enterprise.goto(base + "/projects/")
    check_accessibility(enterprise)
    enterprise.fill("#scope", "智能装备的研发、生产和销售")
    enterprise.fill("#capabilities", "数据驱动的精益生产管控能力\n个性化定制能力")
    enterprise.fill("#sites", "上海市浦东新区张江路 1 号")
    with enterprise.expect_navigation():
        enterprise.click("form[action$='/projects/start'] button[type=submit]")
    check_accessibility(enterprise)
    act(enterprise, "invite_consultancy", {"consultancy_id": CONSULTANCY})
    story["project"] = enterprise.url

    consultant = person("consultant" + DEMO)
    open_project(consultant, base, ENTERPRISE, shoot="projects-consultant-zh")
    act(consultant, "accept_engagement")
    deliverables = {
        1: [("step_deliverable", "现状诊断报告.pdf")],
        4: [("manual", "两化融合管理手册.pdf"), ("procedure", "程序文件汇编.pdf")],
        5: [("internal_audit_report", "内审报告.pdf")],
        6: [("management_review", "管理评审记录.pdf")],
    }
    for number in range(1, 7):
        for kind, filename in deliverables.get(number, []):
            upload(consultant, kind, filename, step=number)
        fields = {"completed_on": today, "notes": f"第 {number} 步已完成"}
        if number == 4:
            fields["operation_started_on"] = today
        act(consultant, "complete_step", fields)
    shot(consultant, "project-consulting-zh")

    # Ready to apply, but the system must first operate for three months: the button is
    # disabled and says why.
    enterprise.reload()
    assert "内审报告.pdf" in enterprise.inner_text("#documents + .table-responsive > table")
    refused(enterprise, "apply", "3 个月")


def test_4_evaluation_with_a_major_and_a_minor_nonconformity(person, live_server, story):
    base = live_server["base"]
    travel(live_server, 95)  # past the operation period
    today = server_today(live_server).isoformat()
    enterprise = person(story["email"], PASSWORD)
    enterprise.goto(story["project"])
    act(enterprise, "apply", {"body_id": BODY, "headcount": "120"})

    lead = person("evaluator" + DEMO)
    year = server_today(live_server).year
    sign_the_pledge(lead, base, year)  # a new year may have begun: no team without it
    sign_the_pledge(person("evaluator2" + DEMO), base, year)
    open_project(lead, base, ENTERPRISE)
    act(lead, "accept_application", {"lead_evaluator_id": "张评定"})
    plan = {"starts_on": today, "ends_on": today, "member_ids": ["刘审核"]}
    act(lead, "plan_stage1", plan)
    act(lead, "complete_stage1", {"completed_on": today})
    act(lead, "plan_stage2", plan)
    lead.click("a:text-is('第二阶段审核')")
    lead.wait_for_url(re.compile(r".*/audits/\d+"))
    story["stage2"] = lead.url
    for kind, clause, text in (
        ("major", "8.4", "未对新型能力的运行绩效进行测量和评价"),
        ("minor", "6.2", "部分岗位职责说明未更新"),
    ):
        lead.select_option("#kind", kind)
        lead.select_option("#clause_code", clause)
        lead.fill("#description", text)
        with lead.expect_navigation():
            lead.click("form[action$='/findings'] button[type=submit]")
        assert text in lead.inner_text("main")
    check_accessibility(lead)
    shot(lead, "audit-findings-zh")
    lead.goto(story["project"])
    act(lead, "complete_stage2", {"completed_on": today})
    upload(lead, "audit_report", "评定报告.pdf")
    # Nonconformities open: the conclusion is disabled and says why.
    refused(lead, "recommend", "严重不符合")

    enterprise.goto(story["stage2"])
    check_accessibility(enterprise)
    answers = enterprise.locator("form[action*='/answer']")
    assert answers.count() == 2
    for _ in range(2):
        form = enterprise.locator("form[action*='/answer']").first
        form.locator("textarea[name=cause]").fill("职责分工未覆盖新型能力的绩效评价")
        form.locator("textarea[name=correction]").fill("已补充绩效评价记录")
        form.locator("textarea[name=action]").fill("修订《绩效评价程序》并组织培训")
        form.locator("input[type=file]").set_input_files(
            files=[{"name": "整改证据.png", "mimeType": "image/png", "buffer": png()}]
        )
        with enterprise.expect_navigation():
            form.locator("button[type=submit]").click()
        check_accessibility(enterprise)
    assert enterprise.locator("form[action*='/answer']").count() == 0

    lead.goto(story["stage2"])
    with lead.expect_navigation():
        lead.locator(".card", has_text="严重不符合项").locator("button[value=verify]").click()
    with lead.expect_navigation():
        lead.locator(".card", has_text="一般不符合项").locator("button[value=accept]").click()
    check_accessibility(lead)
    lead.goto(story["project"])
    act(lead, "recommend")
    enterprise.goto(story["project"])
    act(enterprise, "confirm")
    shot(enterprise, "project-confirmed-zh")


def test_5_review_publicity_with_an_objection_and_issue(person, page, live_server, story):
    base = live_server["base"]
    reviewer = person("alliance" + DEMO)
    second = person("alliance2" + DEMO)
    year = server_today(live_server).year
    for someone in (reviewer, second):
        sign_the_pledge(someone, base, year)
    reviewer.goto(story["project"])
    check_accessibility(reviewer)
    assert "评定报告.pdf" in reviewer.inner_text("main")  # the dossier and its documents
    act(reviewer, "pass_compliance")
    # Four eyes: the same person is not offered the re-review (and the server refuses it).
    assert action(reviewer, "pass_re_review").count() == 0
    second.goto(story["project"])
    act(second, "pass_re_review")

    second.goto(base + "/publicity/desk")
    check_accessibility(second)
    for box in second.locator("input[name=project_ids]").all():  # only ours in this batch
        label = second.locator(f"label[for='{box.get_attribute('id')}']").inner_text()
        box.set_checked(ENTERPRISE in label)
    second.fill("#title", "2026 年浏览器测试批")
    with second.expect_navigation():
        second.click("form[action$='/batches'] button[type=submit]")
    assert second.locator(".alert-success").count()
    shot(second, "publicity-desk-zh")

    # A member of the public objects, without an account, on the period's first day: the first
    # working day from the day the batch was made (made on a Saturday, it opens on Monday).
    made = second.locator("li", has_text="2026 年浏览器测试批").inner_text()  # on the desk
    opens = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", made)
    assert opens, made
    travel_to(live_server, date(*map(int, opens.groups())))
    page.goto(base + "/publicity/")
    check_accessibility(page)
    with page.expect_navigation():
        page.locator("tr", has_text=ENTERPRISE).get_by_role("link").click()
    check_accessibility(page)
    page.locator("input[name=name]").fill("张三")
    page.locator("input[name=contact]").fill("138-0000-0000")
    page.locator("textarea[name=reason]").fill("该企业实际运行情况与申报材料不符。")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.locator(".alert-success").count()
    shot(page, "publicity-zh")

    second.goto(base + "/publicity/desk")
    objection = second.locator(".card", has_text="该企业实际运行情况与申报材料不符")
    objection.locator("textarea[name=reason]").fill("经核实，异议所述情况不成立。")
    with second.expect_navigation():
        objection.locator("button[value=dismiss]").click()
    assert second.locator(".alert-success").count()
    assert "该企业实际运行情况与申报材料不符" not in second.inner_text("main")

    travel(live_server, 120)  # well past the batch's working days
    second.goto(base + "/publicity/desk")
    batch = second.locator("li", has_text="2026 年浏览器测试批")
    with second.expect_navigation():
        batch.locator("button[type=submit]").click()
    assert second.locator(".alert-success").count()
    sign_the_pledge(second, base, server_today(live_server).year)  # the issuing day's year
    second.goto(story["project"])
    act(second, "issue")
    story["issued_on"] = server_today(live_server)
    number = second.locator("main li code").inner_text()  # the project links its certificate
    assert re.fullmatch(r"CSAIII-\d{5}IIIMS\d{7}", number), number
    story["number"] = number
    shot(second, "project-certified-zh")


def test_6_public_verification_and_the_pdf_in_both_languages(page, person, live_server, story):
    base, number = live_server["base"], story["number"]
    # The public, in English through the language switch: the register finds it by number.
    page.goto(base + "/certificates/")
    page.click("nav a[lang=en]")
    check_accessibility(page)
    assert page.locator("html").get_attribute("lang") == "en"
    page.fill("#number", number)
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    assert page.locator("table tbody tr").count() == 1
    shot(page, "certificate-register-en")
    page.click(f"table tbody a:has-text('{number}')")
    check_accessibility(page)
    assert number in page.locator("h1").inner_text()
    assert "Valid" in page.locator("[role=status]").inner_text()
    shot(page, "certificate-verification-en")

    # The enterprise downloads its certificate; the QR code on it opens the same live page.
    enterprise = person(story["email"], PASSWORD)
    enterprise.goto(base + "/certificates/mine")
    check_accessibility(enterprise)
    shot(enterprise, "certificates-mine-zh")
    with enterprise.expect_download() as download:
        enterprise.click(f"tr:has-text('{number}') a:text-is('PDF')")
    pdf = download.value.path().read_bytes()
    assert number in pdf_text(pdf) and ENTERPRISE in pdf_text(pdf)
    [url] = decode(pdftoppm_png(pdf))
    assert url.startswith(base) and number in url
    page.goto(url)
    check_accessibility(page)
    assert number in page.locator("h1").inner_text()
    assert page.locator("[role=status]").count()
    # The same page in Chinese, by the switch.
    page.click("nav a[lang=zh-CN]")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "有效" in page.locator("[role=status]").inner_text()


def test_7_the_scheduler_emails_the_surveillance_reminder(live_server, mailbox, story):
    issued_on = story["issued_on"]
    due = issued_on.replace(year=issued_on.year + 1)  # first surveillance: 12 months on
    travel_to(live_server, due - timedelta(days=90))  # the first reminder's day
    output = flask_command(live_server, "scheduler", "run-once")
    assert "plan_reminders: ok" in output and "dispatch_outbox: ok" in output
    dispatch(live_server)  # the hand-over notices of the story queued more than one run sends
    reminders = [m for m in mailbox.to(story["email"]) if "CSAIII" in m["Subject"]]
    assert reminders, [m["Subject"] for m in mailbox.to(story["email"])]
    [reminder] = reminders
    assert story["number"] in reminder["Subject"]
    body = Mailbox.text(reminder)
    assert "90" in body
    assert any(part.get_content_type() == "text/calendar" for part in reminder.walk())
