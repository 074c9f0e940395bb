"""The authorities' campaign in a browser, on the demo data: Shanghai's open round.

The city sets a district's quota from its work list (the district is told), an enterprise takes
part, the district and the city approve, and the city's progress table, its Excel and the data
map count it; the city issues the quarter's bulletin from its work list and the district hears;
the city launches next year's round from the form and the district hears of that too.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date

import openpyxl

from tests.browser.conftest import check_accessibility, shot
from tests.browser.pages import answer_self_assessment
from tests.browser.test_work_lists import DEMO, ZHIZAO, emailed, follow, notified, work_list

ROUND = "上海市两化融合评估诊断"
PUDONG = "310115"


def pudong_row(page) -> list[str]:
    cells = page.locator(f"#progress tr[data-unit='{PUDONG}'] > *").all_inner_texts()
    return [c.strip() for c in cells]


def map_value(page, code: str):
    """The figure the data map colours ``code`` by (NaN: none), read from ECharts itself."""
    page.wait_for_selector("#region-map[data-drawn]")
    assert page.get_attribute("#region-map", "data-drawn") not in ("failed", "0")
    return page.evaluate(
        """(code) => {
          const chart = echarts.getInstanceByDom(document.getElementById("region-map"));
          const item = chart.getOption().series[0].data.find((d) => d.name === code);
          return item ? item.value : null;
        }""",
        code,
    )


def test_the_city_steers_its_round_and_the_table_follows(person, live_server, mailbox):
    base = live_server["base"]
    city = person("authority" + DEMO)
    assert ROUND in work_list(city, base, "quotas_to_set")
    follow(city, base, "quotas_to_set", ROUND)
    assert re.search(r"/campaigns/\d+", city.url)
    campaign_url = city.url.split("#")[0]
    before = pudong_row(city)
    assert before[0].startswith("浦东新区") and before[2:4] == ["1", "1"], before
    shot(city, "campaign-progress-zh")
    with city.expect_navigation():
        city.click("main a[href*='/statistics/map']")  # the round's own map
    assert math.isnan(map_value(city, PUDONG))  # no quota yet: no completion to colour by
    check_accessibility(city)
    city.goto(campaign_url)

    quota = city.locator("#quotas-title ~ form tr", has_text="浦东新区")
    quota.locator("input[name$='-absolute']").fill("2")
    with city.expect_navigation():
        city.click("#quotas-title ~ form button[type=submit]")
    check_accessibility(city)
    assert pudong_row(city)[1] == "2"
    assert ROUND not in work_list(city, base, "quotas_to_set")

    district = person("district" + DEMO)
    notified(district, base, ROUND)
    emailed(live_server, mailbox, "district" + DEMO, ROUND)

    # 上海智造 (enterprise@, in 浦东新区) takes part in the round from its work list.
    enterprise = person("enterprise" + DEMO)
    assert ROUND in work_list(enterprise, base, "open_campaigns")
    answer_self_assessment(enterprise, base, "discrete-2026")
    assert ROUND not in work_list(enterprise, base, "open_campaigns")

    for reviewer in (district, city):
        follow(reviewer, base, "review_queue", ZHIZAO)
        with reviewer.expect_navigation():
            reviewer.click("button[name=decision][value=approve]")

    city.goto(campaign_url)
    check_accessibility(city)
    after = pudong_row(city)
    assert after[1:5] == ["2", "2", "2", "100.0%"], after
    with city.expect_download() as download:
        city.click("a[href*='progress.xlsx']")
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert rows["浦东新区"][1:4] == (2, 2, 2)

    # The data map follows: Pudong has met its quota; another metric recolours it in place.
    with city.expect_navigation():
        city.click("main a[href*='/statistics/map']")  # the round's own map
    assert map_value(city, PUDONG) == 100.0
    city.select_option("#metric", "mean")
    assert city.get_attribute("#region-map", "data-metric") == "mean"
    assert map_value(city, PUDONG) > 0
    shot(city, "data-map-zh")

    # The quarter's bulletin: from the work list, asked first, sent to the districts.
    assert ROUND in work_list(city, base, "bulletins_due")
    follow(city, base, "bulletins_due", ROUND)
    city.click("#bulletins-title ~ details summary")
    with city.expect_navigation():
        city.click("#bulletins-title ~ details button[type=submit]")
    check_accessibility(city)
    assert city.locator("#bulletins li").count() == 1
    assert ROUND not in work_list(city, base, "bulletins_due")
    notified(district, base, ROUND)
    city.goto(campaign_url)
    with city.expect_download() as download:
        city.click("#bulletins a[href$='.pdf']")
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # Next year's first round, launched from the form: the district hears of it.
    year = date.today().year + 1
    city.goto(f"{base}/campaigns/")
    city.fill("#title", f"{year} 年度上海市首轮评估")
    city.fill("#opens_on", f"{year}-05-20")
    city.fill("#closes_on", f"{year}-09-30")
    city.fill("#report_due_on", f"{year}-10-31")
    with city.expect_navigation():
        city.click("#launch-title ~ form button[type=submit]")
    check_accessibility(city)
    assert re.search(r"/campaigns/\d+", city.url) and city.url.split("#")[0] != campaign_url
    notified(district, base, f"{year} 年度上海市首轮评估")

    # Drill down to the district's enterprises: who took part, who has not.
    city.goto(f"{campaign_url}/enterprises?region={PUDONG}")
    check_accessibility(city)
    assert ZHIZAO in city.inner_text("main")
    city.click("a.nav-link:has-text('未参与')")
    check_accessibility(city)
    assert "上海浦东医疗器械有限公司" in city.inner_text("main")
    shot(city, "campaign-absentees-zh")
