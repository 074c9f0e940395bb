"""The progress table of seed 001's annex 2: counts by the seed's definitions, totals that are
the sums of their units, a separately reported unit left out of its prefecture, quotas."""

from __future__ import annotations

import io

import openpyxl
import pytest

from app.extensions import db
from blueprints.campaigns import progress, services
from models import OrgKind, Region
from tests import factories
from tests.functional.campaigns.province import (
    CHANCHENG,
    FOSHAN,
    GUANGZHOU,
    PROVINCE,
    SHUNDE,
    TIANHE,
    build,
)


@pytest.fixture
def gd(app_ctx):
    return build()


def rows_by_code(table: progress.Table) -> dict[str, progress.Row]:
    return {row.unit.code: row for row in table.rows}


def test_the_province_counts_by_the_seeds_definitions(gd):
    table = progress.table(gd.round1, db.session.get(Region, PROVINCE))
    rows = rows_by_code(table)
    # 参与评估数: any record in the round (a draft, a returned one); 完成评估数: submitted.
    assert (rows[GUANGZHOU].participated, rows[GUANGZHOU].completed) == (2, 1)
    # 佛山 without 顺德, which has its row of its own.
    assert (rows[FOSHAN].participated, rows[FOSHAN].completed) == (1, 1)
    assert rows[SHUNDE].unit.separate
    assert (rows[SHUNDE].participated, rows[SHUNDE].completed) == (2, 1)
    assert (table.total.participated, table.total.completed) == (5, 3)
    assert table.total.participated == sum(r.participated for r in table.rows)
    assert table.total.completed == sum(r.completed for r in table.rows)
    # Every prefecture has its row, with nothing yet where nobody took part.
    assert rows["440300"].participated == 0
    assert (rows[GUANGZHOU].roster, rows[FOSHAN].roster, rows[SHUNDE].roster) == (4, 2, 3)


def test_round_two_counts_only_its_own(gd):
    table = progress.table(gd.round2, db.session.get(Region, PROVINCE))
    rows = rows_by_code(table)
    assert (rows[GUANGZHOU].participated, rows[GUANGZHOU].completed) == (2, 1)
    assert (table.total.participated, table.total.completed) == (2, 1)


def test_the_drill_down_keeps_the_totals(gd):
    foshan = progress.table(gd.round1, db.session.get(Region, FOSHAN))
    rows = rows_by_code(foshan)
    assert SHUNDE not in rows  # reported by the province on its own
    assert (foshan.total.participated, foshan.total.completed) == (1, 1)
    assert rows[CHANCHENG].participated == 1
    guangzhou = progress.table(gd.round1, db.session.get(Region, GUANGZHOU))
    assert rows_by_code(guangzhou)[TIANHE].participated == 2
    assert guangzhou.total.participated == 2


def test_quotas_absolute_share_and_the_larger_of_the_two(gd):
    authority = gd.province.organisation
    services.set_quotas(
        gd.round1,
        authority,
        {GUANGZHOU: (400, None), FOSHAN: (0, 50), SHUNDE: (1, 100)},
        gd.province,
    )
    rows = rows_by_code(progress.table(gd.round1, db.session.get(Region, PROVINCE)))
    assert rows[GUANGZHOU].quota == 400
    assert rows[FOSHAN].quota == 1  # half of a roster of 2
    assert rows[SHUNDE].quota == 3  # all of 3 beats 1
    assert rows[GUANGZHOU].below_quota and rows[SHUNDE].below_quota
    assert not rows[FOSHAN].below_quota
    # Ranked by the completion rate: Foshan 100 %, Shunde 33 %, Guangzhou 0.25 %.
    assert (rows[FOSHAN].rank, rows[SHUNDE].rank, rows[GUANGZHOU].rank) == (1, 2, 3)
    assert rows["440300"].rank is None  # no quota, no rank


def test_quota_helper():
    assert services.effective_quota(None, None, 10) is None
    assert services.effective_quota(5, None, 10) == 5
    assert services.effective_quota(None, 50, 9) == 5  # rounded up
    assert services.effective_quota(4, 50, 9) == 5
    assert services.effective_quota(6, 50, 9) == 6


def test_an_authority_sets_only_its_own_units(gd):
    with pytest.raises(services.WorkflowError):
        services.set_quotas(
            gd.round1, gd.guangzhou.organisation, {CHANCHENG: (5, None)}, gd.guangzhou
        )
    services.set_quotas(gd.round1, gd.guangzhou.organisation, {TIANHE: (3, None)}, gd.guangzhou)
    rows = rows_by_code(progress.table(gd.round1, db.session.get(Region, GUANGZHOU)))
    assert rows[TIANHE].quota == 3


def test_the_page_and_the_excel_agree(gd, browser):
    services.set_quotas(gd.round1, gd.province.organisation, {GUANGZHOU: (400, None)}, gd.province)
    browser.login(gd.province.email, factories.PASSWORD)
    page = browser.get(f"/campaigns/{gd.round1.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-unit="{SHUNDE}"' in html and "table-warning" in html
    response = browser.get(f"/campaigns/{gd.round1.id}/progress.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "第一轮评估" in cells[0][0]  # the title line
    header, total = cells[1], cells[2]
    assert header[:4] == ["属地", "任务数", "参与评估数", "完成评估数"]
    assert total[0] == "广东省" and total[2:4] == [5, 3]
    by_name = {row[0]: row for row in cells[3:-1]}
    assert by_name["广州市"][1:4] == [400, 2, 1]
    assert by_name["佛山市"][2:4] == [1, 1]
    assert by_name["顺德区"][2:4] == [2, 1]
    assert "参与评估数" in cells[-1][0]  # the definitions, as a note row


def test_a_city_starts_at_its_own_region_and_cannot_leave_it(gd, browser):
    browser.login(gd.guangzhou.email, factories.PASSWORD)
    page = browser.get(f"/campaigns/{gd.round1.id}").get_data(as_text=True)
    assert f'data-unit="{TIANHE}"' in page and f'data-unit="{FOSHAN}"' not in page
    assert browser.get(f"/campaigns/{gd.round1.id}?region={FOSHAN}").status_code == 404
    assert browser.get(f"/campaigns/{gd.round1.id}?region=44XXXX").status_code == 404


def test_the_enterprises_who_took_part_and_who_did_not(gd, browser):
    browser.login(gd.province.email, factories.PASSWORD)
    url = f"/campaigns/{gd.round1.id}/enterprises?region={TIANHE}"
    taken = browser.get(url).get_data(as_text=True)
    assert "企业e1" in taken and "企业e2" in taken and "企业e6" not in taken
    absent = browser.get(url + "&show=absent").get_data(as_text=True)
    # Two roster enterprises of 天河 without an account, so without a record.
    assert absent.count("<code>440106</code>") == 2
    assert "企业e1" not in absent
    for shown in ("taken", "absent"):  # the list shown: header + 2 each
        xlsx = f"/campaigns/{gd.round1.id}/enterprises.xlsx?region={TIANHE}&show={shown}"
        sheet = openpyxl.load_workbook(io.BytesIO(browser.get(xlsx).data)).active
        assert sheet.max_row == 3, shown


def test_other_roles_are_refused(gd, browser):
    enterprise = factories.user(gd.enterprises["e1"])
    browser.login(enterprise.email, factories.PASSWORD)
    assert browser.get(f"/campaigns/{gd.round1.id}").status_code == 403
    assert browser.get("/campaigns/").status_code == 403


def test_an_authority_elsewhere_gets_404(gd, browser):
    shanghai = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310000"))
    browser.login(shanghai.email, factories.PASSWORD)
    assert browser.get(f"/campaigns/{gd.round1.id}").status_code == 404
    assert browser.get(f"/campaigns/{gd.round1.id}/progress.xlsx").status_code == 404
    assert browser.get("/campaigns/999999").status_code == 404
