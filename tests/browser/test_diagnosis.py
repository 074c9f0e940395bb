"""A diagnosis engagement of each programme in a browser, on the demo data, from enrolment to
the accepted report: the authority enrols an enterprise of its region, the provider files the
agreement from its work list, forms the work group, records a training and a visit with its
photos (EXIF time inside the visit), writes and submits the report, presents it; the
enterprise answers the survey from its work list; the authority accepts it, and the provider
hears of it."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, time, timedelta

import pytest
from PIL import Image

from blueprints.diagnosis import programmes, sme_level
from blueprints.engagements import indicators
from tests.browser.conftest import check_accessibility, server_today, shot
from tests.browser.test_work_lists import DEMO, follow, notified, work_list
from tests.functional.projects.helpers import PDF

PROVIDER = "吉数数字化转型服务有限公司"
CASES = {
    # programme: (authority, enterprise account, enterprise, credit code)
    "changchun_pilot": (
        "changchun",
        "changchun-e",
        "长春净月数码科技有限公司",
        "91220101MA0Y1C2D8D",
    ),
    "nmg_offline": ("nmg", "hohhot", "呼和浩特云谷乳业科技有限公司", "91150102MA0Y1C2D9L"),
}


def jpeg(taken: datetime) -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def submit(page, form: str) -> None:
    with page.expect_navigation():
        page.locator(form).locator("button[type=submit]").last.click()
    check_accessibility(page)


def local_input(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def fill_forms(page, engagement_url: str, programme, before: str, party: str, day) -> None:
    """The programme's forms ``party`` fills in before the move ``before``, each from the
    engagement page's list of forms: a table with a row per choice it must cover."""
    for form in programme.fillable_forms:
        if form.before != before or form.filled_by != party:
            continue
        page.goto(engagement_url)
        with page.expect_navigation():
            page.click(f"[data-form='{form.key}'] a")
        check_accessibility(page)
        cover = form.field(form.must_cover) if form.must_cover else None
        rows = max(form.min_rows, len(cover.choices) if cover else 0) if form.rows else 1
        for n in range(rows):
            for field in form.fields:
                where = f"#value_{field.key}"
                if field.kind == "choice":
                    page.select_option(where, field.choices[n % len(field.choices)].key)
                elif field.kind == "date":
                    page.fill(where, day.isoformat())
                elif field.kind == "integer":
                    page.fill(where, str(field.minimum + 10))
                else:
                    page.fill(where, f"{field.title.zh}（{n + 1}）")
            submit(page, "#paperwork-form")
        assert page.locator("#form-complete").count(), page.inner_text("main")[:800]


@pytest.mark.parametrize("programme_key", list(CASES))
def test_an_engagement_from_enrolment_to_acceptance(person, live_server, programme_key):
    base = live_server["base"]
    authority_account, enterprise_account, enterprise, code = CASES[programme_key]
    programme = programmes.programme(programme_key)
    today = server_today(live_server)
    day = today - timedelta(days=1)  # the visit, the day before the server's today

    # The authority enrols the enterprise with the provider.
    authority = person(authority_account + DEMO)
    authority.goto(base + "/engagements/")
    authority.click("details summary:has-text('纳入本地区企业')")
    authority.select_option("#programme", programme_key)
    authority.fill("#credit_code", code)
    authority.select_option("#provider", label=PROVIDER)
    submit(authority, "form[action$='/engagements/']")
    assert enterprise in authority.inner_text("h1")
    engagement_url = authority.url.split("#")[0]

    # The provider files the agreement from its work list.
    provider = person("diagnosis" + DEMO)
    follow(provider, base, "agreements_to_file", enterprise)
    provider.fill("#signed_on", (today - timedelta(days=3)).isoformat())
    provider.set_input_files(
        "#scan", files=[{"name": "协议.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    submit(provider, "form[action$='/agreement']")
    assert "协议已备案" in provider.inner_text("#status")

    # The work group: three members, an expert lead, engineers, every pledge signed.
    provider.goto(engagement_url)
    for n, (name, title) in enumerate((("郑专家", "senior"), ("冯工", "mid"), ("王工", "mid"))):
        provider.click("details summary:has-text('添加成员')")
        provider.fill("#name", name)
        provider.select_option("#title", title)
        if n == 0:
            provider.check("#lead")
            provider.check("#expert")
        provider.fill("#pledged_on", (today - timedelta(days=3)).isoformat())
        submit(provider, "form[action$='/members']")
    assert provider.locator("#team-ok").count()

    # Seed 002: the enterprise's application (from its work list), the plan and the notice.
    company = person(enterprise_account + DEMO)
    if any(f.filled_by == "enterprise" for f in programme.fillable_forms):
        follow(company, base, "diagnosis_forms_to_fill", enterprise)
    fill_forms(company, engagement_url, programme, "start", "enterprise", today)
    fill_forms(provider, engagement_url, programme, "start", "provider", today)
    provider.goto(engagement_url)
    submit(provider, "form[action$='/start']")
    assert "入企诊断中" in provider.inner_text("#status")

    # A training and a visit, as the sign-in sheets give them.
    for kind, start, end in (("training", 8, 11), ("visit", 13, 17)):
        provider.click("details summary:has-text('记录会议、培训或现场诊断')")
        provider.select_option("#kind", kind)
        provider.fill("#started_at", local_input(datetime.combine(day, time(start))))
        provider.fill("#ended_at", local_input(datetime.combine(day, time(end))))
        provider.fill("#topic", "数字化转型诊断")
        submit(provider, "form[action$='/activities']")
    visit = provider.locator("[id^='activity-']").first
    visit_id = visit.get_attribute("id").split("-")[1]
    categories = [c.key for c in programme.visits.photos for _ in range(c.at_least)] or ["other"]
    for n, category in enumerate(categories):
        form = provider.locator(f"form[action$='/activities/{visit_id}/photos']")
        form.locator("select").select_option(category)
        form.locator("input[type=file]").set_input_files(files=[{
            "name": f"现场{n}.jpg", "mimeType": "image/jpeg",
            "buffer": jpeg(datetime.combine(day, time(14, n))),
        }])  # fmt: skip
        submit(provider, f"form[action$='/activities/{visit_id}/photos']")
    assert provider.locator(".photo-flag").count() == 0

    # Seed 002: the 24 key indicators verified on site.
    if "indicators_24" in programme.grading:
        for key in indicators.definitions():
            provider.fill(f"#verified_{key.key}", "60")
        submit(provider, "form[action$='/indicators']")

    # Seed 004: the SME digital level graded on site (tables 7 and 8).
    if "sme_level_2024" in programme.grading:
        provider.goto(engagement_url + "/sme-level")
        check_accessibility(provider)
        table = sme_level.table()
        for indicator in table.indicators:
            provider.fill(f"#points_{indicator.key}", "5")
        for scenario in table.scenarios:
            provider.select_option(f"#level_{scenario.key}", "2")
        submit(provider, "main form")
        assert provider.locator("#sme-grades").count(), provider.inner_text("main")[:1500]

    # Seed 002: the information collected and the documents reviewed.
    fill_forms(provider, engagement_url, programme, "submit_report", "provider", day)
    provider.goto(engagement_url)

    # The report, long enough for the programme, then submitted.
    share = programme.report.min_characters // len(programme.report.sections) + 10
    for section in programme.report.sections:
        provider.fill(f"#section_{section.key}", "诊" * max(share, 20))
    submit(provider, "form[action$='/report']")
    submit(provider, "form[action$='/submit']")
    assert "报告已提交" in provider.inner_text("#status")
    shot(provider, f"diagnosis-{programme_key}-reported")

    # The presentation to the enterprise's head, now (the server's time).
    now = datetime.now(UTC).replace(tzinfo=None) + (today - datetime.now(UTC).date())
    provider.fill("#p-started_at", local_input(now - timedelta(minutes=40)))
    provider.fill("#p-ended_at", local_input(now + timedelta(minutes=2)))
    provider.fill("#p-attendees", "总经理\n信息化主管")
    submit(provider, "form[action$='/present']")
    assert "待企业评价" in provider.inner_text("#status")

    # The enterprise answers the survey from its work list.
    follow(company, base, "surveys_to_answer", enterprise)
    for criterion in programme.satisfaction.criteria:
        company.check(f"input[name='rating_{criterion.key}'][value='very_good']")
    company.check("input[name='verdict'][value='satisfied']")
    company.check("input[name='adoption'][value='adopted']")
    submit(company, "form[action$='/survey']")
    assert "待验收" in company.inner_text("#status")

    # The authority accepts it from its work list; the provider hears.
    follow(authority, base, "reports_to_accept", enterprise)
    authority.fill("#opinion", "报告内容完整，同意通过验收。")
    authority.select_option("#decision", "accept")
    submit(authority, "form[action$='/decide']")
    assert "已验收" in authority.inner_text("#status")
    assert re.search("同意通过验收", authority.inner_text("#acceptance"))
    assert enterprise not in work_list(authority, base, "reports_to_accept")
    notified(provider, base, enterprise)
