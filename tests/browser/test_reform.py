"""A reform project's main path in a browser, on the demo data (seed 004 三(二)): 长春汽开区冲压件's
冲压工艺仿真 project waits for the county; the county agrees, the city files it, the enterprise
records the three in step and declares it implemented; the city names the evaluation body and
the audit firm; evaluator@ grades the enterprise 二级 with the SME level table and records the
expert group's acceptance, the county concludes it; the audit firm files its report; the
enterprise records an outcome and applies for the subsidy; the city approves and pays it; the
programme board counts it. Each party finds the project from its work list or the page."""

from __future__ import annotations

from tests.browser.conftest import check_accessibility, server_today, shot
from tests.browser.test_work_lists import DEMO, notified, work_list
from tests.functional.projects.helpers import PDF

PROJECT = "冲压工艺仿真与模具寿命优化"
ENTERPRISE = "长春汽开区冲压件有限公司"
PDF_FILE = {"name": "报告.pdf", "mimeType": "application/pdf", "buffer": PDF}


def open_project(page, base: str) -> None:
    page.goto(base + "/reform/?q=" + PROJECT)
    with page.expect_navigation():
        page.locator("main a", has_text=PROJECT).first.click()
    check_accessibility(page)


def choose(page, select: str, text: str) -> None:
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    page.select_option(select, value)


def submit(page, form: str, button: str = "button[type=submit]") -> None:
    with page.expect_navigation():
        page.locator(form).locator(button).first.click()
    check_accessibility(page)
    assert not page.locator(".invalid-feedback:visible").count(), page.inner_text("main")[:1500]
    assert not page.locator(".alert-danger").count(), page.inner_text("main")[:1500]


def test_a_reform_project_from_the_county_to_the_paid_subsidy(person, live_server):
    base = live_server["base"]
    today = server_today(live_server).isoformat()

    county = person("changchun-county" + DEMO)
    assert PROJECT in work_list(county, base, "reform_projects_to_decide")
    open_project(county, base)
    county.fill("#d-reason", "同意报市级备案。")
    submit(county, "form[action$='/decide']", "button[value=county_agree]")

    city = person("changchun" + DEMO)
    assert PROJECT in work_list(city, base, "reform_projects_to_decide")
    open_project(city, base)
    city.fill("#d-reason", "准予备案入库。")
    submit(city, "form[action$='/decide']", "button[value=city_file]")

    owner = person("changchun-d" + DEMO)
    notified(owner, base, PROJECT)
    open_project(owner, base)
    owner.fill("#t-plan", "改造前全员培训：工艺仿真软件操作。")
    owner.fill("#t-on", today)
    submit(owner, "form[action$='/training']")
    owner.fill("#dl-notes", "仿真平台部署上线。")
    owner.fill("#dl-on", today)
    submit(owner, "form[action$='/deliveries']")
    owner.fill("#e-evaluation", "培训效果验收合格。")
    owner.fill("#e-on", today)
    submit(owner, "form[action$='/evaluation']")
    submit(owner, "form[action$='/move']", "button[value=complete]")

    # The city names the third parties: the demo's evaluation body and audit firm.
    open_project(city, base)
    choose(city, "#ap-body", "上海质量体系审核中心")
    choose(city, "#ap-firm", "长春正信")
    submit(city, "#appoint")

    evaluator = person("evaluator" + DEMO)
    assert PROJECT in work_list(evaluator, base, "reform_projects_to_grade")
    open_project(evaluator, base)
    with evaluator.expect_navigation():
        evaluator.click("#grade")
    evaluator.fill("#graded_on", today)
    evaluator.fill("#systems_checked", "工艺仿真平台、模具寿命管理系统上线运行。")
    evaluator.set_input_files("#report", PDF_FILE)
    points = evaluator.locator("form[enctype] input[inputmode=decimal]")
    for n in range(points.count()):
        points.nth(n).fill("50" if n == 0 else "0")
    levels = evaluator.locator("form[enctype] select")
    for n in range(levels.count()):
        levels.nth(n).select_option("2")
    shot(evaluator, "reform-grading-zh")
    submit(evaluator, "form[enctype]")
    assert "target-reached" in evaluator.content()

    evaluator.fill("#a-members", "王工\n李工")
    evaluator.fill("#a-reviewed_on", today)
    evaluator.fill("#a-site_checked_on", today)
    evaluator.select_option("#a-verdict", "pass")
    evaluator.fill("#a-opinion", "改造按既定方案实施，系统运行稳定。")
    evaluator.set_input_files("#a-signed", PDF_FILE)
    submit(evaluator, "#new-acceptance")

    assert PROJECT in work_list(county, base, "reform_projects_to_review")
    open_project(county, base)
    county.fill("#co-opinion", "同意验收意见。")
    submit(county, "#county-opinion")

    auditor = person("changchun-audit" + DEMO)
    assert PROJECT in work_list(auditor, base, "reform_projects_to_audit")
    open_project(auditor, base)
    auditor.fill("#ar-reported_on", today)
    auditor.fill("#ar-eligible_cost", "500000")
    auditor.fill("#ar-conclusion", "项目支出真实、合规。")
    auditor.set_input_files("#ar-report", PDF_FILE)
    submit(auditor, "#new-audit-report")

    # The subsidy: an outcome first, then at most 30 % of the audited 500,000.
    assert PROJECT in work_list(owner, base, "reform_subsidies_to_apply")
    open_project(owner, base)
    owner.select_option("#o-category", "efficiency")
    owner.fill("#o-indicator", "模具寿命")
    owner.fill("#o-unit", "万次")
    owner.fill("#o-before", "12")
    owner.fill("#o-after", "15")
    submit(owner, "#new-outcome")
    owner.fill("#s-amount", "150000")
    submit(owner, "#apply-subsidy")

    assert PROJECT in work_list(city, base, "reform_subsidies_to_handle")
    open_project(city, base)
    city.fill("#sd-amount", "150000")
    submit(city, "#decide-subsidy", "button[value=approve]")
    city.fill("#p-paid_amount", "150000")
    city.fill("#p-paid_on", today)
    city.fill("#p-reference", "长财拨〔2026〕18号")
    submit(city, "#pay-subsidy")
    shot(city, "reform-paid-zh")

    # The board: 南关区's subsidised enterprises now count 冲压件 too.
    city.goto(base + "/reform/board")
    check_accessibility(city)
    subsidised = city.locator("#by-county tr[data-county='220102'] td[data-stage=subsidised]")
    assert int(subsidised.inner_text()) >= 2  # 长春高新生物药业's paid project and this one
