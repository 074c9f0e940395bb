"""The demand library (seed 004 annex 1): the diagnosing provider files needs under the
catalogue's third-level scenarios (its industry's too) and matches solutions to them; the
enterprise hears of it; each party reads only its own (the authority its region's); the list
searches, filters, sorts and pages; the Excel has the annex's columns, a row per solution;
bad input comes back beside its field and leaves nothing behind."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.extensions import db
from models import (
    DemandEntry,
    DemandSolution,
    DiagnosisEngagement,
    EngagementStatus,
    Notification,
    OrgKind,
    OutboxMessage,
    PoolMember,
    PoolStatus,
)
from tests import factories
from tests.functional.projects.helpers import browser_for

LIST, EXCEL = "/demand/", "/demand/export.xlsx"


class World:
    pass


def _engagement(w, enterprise, provider, status=EngagementStatus.ON_SITE):
    engagement = DiagnosisEngagement(
        programme_key="changchun_pilot",
        authority_id=w.city.id,
        enterprise_id=enterprise.id,
        provider_id=provider.id,
        status=status,
        created_by_id=w.authority.id,
    )
    db.session.add(engagement)
    db.session.flush()
    return engagement


@pytest.fixture
def world(app_ctx):
    w = World()
    w.city = factories.organisation(OrgKind.AUTHORITY, region="220100", name="长春市工业和信息化局")
    w.authority = factories.user(w.city)
    w.provider = factories.organisation(
        OrgKind.SERVICE_PROVIDER, region="220100", name="吉林数智咨询服务有限公司"
    )
    w.expert = factories.user(w.provider, is_org_admin=True)
    w.vendor = factories.organisation(
        OrgKind.SERVICE_PROVIDER, region="220100", name="长春云仿真软件有限公司"
    )
    w.pharma = factories.organisation(
        region="220102", name="长春华康药业有限公司", industry_code="27"
    )
    w.owner = factories.user(w.pharma, is_org_admin=True)
    w.parts = factories.organisation(
        region="220104", name="长春鑫达汽车零部件有限公司", industry_code="36"
    )
    # The vendor is in the programme's provider pool: the library matches only its providers.
    db.session.add(
        PoolMember(
            programme_key="changchun_pilot",
            authority_id=w.city.id,
            provider_id=w.vendor.id,
            status=PoolStatus.ADMITTED,
            created_by_id=w.authority.id,
        )
    )
    w.engagement = _engagement(w, w.pharma, w.provider)
    w.other = _engagement(w, w.parts, w.provider)
    # Another district's authority, another provider: they read none of these.
    w.district = factories.user(factories.organisation(OrgKind.AUTHORITY, region="220104"))
    w.stranger = factories.user(factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100"))
    w.far = factories.user(factories.organisation(OrgKind.AUTHORITY, region="150100"))
    db.session.commit()
    return w


def library(w, engagement=None):
    return f"/demand/engagements/{(engagement or w.engagement).id}"


def file_need(browser, w, engagement=None, **changes):
    data = {
        "scenario": "2.3.1",
        "problem": "批次质量记录靠纸质台账，追溯一次需两天。",
        "need": "行业共性：药品追溯码；企业个性：与现有ERP对接。",
        "description": "原料入库至成品出库全程赋码，扫码追溯。",
    }
    data.update(changes)
    page = library(w, engagement)
    return browser.submit(page, data, action=f"{page}/entries")


def match(browser, w, entry, **changes):
    data = {
        "name": "云质量追溯平台",
        "summary": "赋码、采集、追溯一体化。",
        "provider": str(w.vendor.id),
        "price_low": "10",
        "price_high": "25.5",
        "origin": "existing",
    }
    data.update(changes)
    return browser.submit(
        library(w, entry.engagement), data, action=f"/demand/entries/{entry.id}/solutions"
    )


def entries():
    db.session.expire_all()
    return list(db.session.scalars(sa.select(DemandEntry).order_by(DemandEntry.id)))


def test_the_provider_files_needs_and_matches_solutions_and_the_enterprise_hears(app, world):
    w = world
    expert = browser_for(app, w.expert)
    assert "demand_libraries_to_file" in expert.get("/dashboard").text
    assert file_need(expert, w).status_code == 302
    # The industry's own scenario (医药制造业 2.3.6) is offered to its enterprise.
    assert file_need(expert, w, scenario="2.3.6").status_code == 302
    first, second = entries()
    assert (first.scenario_code, first.enterprise_id) == ("2.3.1", w.pharma.id)
    assert match(expert, w, first).status_code == 302
    assert (
        match(expert, w, first, name="新开发的批记录", origin="new", price_high="10").status_code
        == 302
    )
    solutions = entries()[0].solutions
    assert [(s.price_low, s.price_high, s.origin.value) for s in solutions] == [
        (10, 25.5, "existing"),
        (10, 10, "new"),
    ]
    # The enterprise hears once that day (in the app and by email), however many were filed.
    titles = list(
        db.session.scalars(sa.select(Notification.title).where(Notification.user_id == w.owner.id))
    )
    assert len(titles) == 1 and "供需适配库" in titles[0]
    mails = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == w.owner.email)
    ).all()
    assert len(mails) == 1
    page = browser_for(app, w.owner).get(library(w)).text
    assert "云质量追溯平台" in page and "10.00–25.50" in page and "药品生产电子批记录" in page
    assert "File the need" not in page and "填报需求" not in page  # the enterprise reads only
    # Filed: off the provider's work list; the other diagnosed enterprise is still on it.
    dashboard = expert.get("/dashboard").text
    assert (
        "长春鑫达汽车零部件有限公司" in dashboard
        and "长春华康药业有限公司"
        not in dashboard.split("demand_libraries_to_file")[-1].split("</section>")[0]
    )
    assert second.scenario_code == "2.3.6"


BAD_NEEDS = [
    ({"scenario": "2.3"}, "scenario"),  # a second level
    ({"scenario": "3.3.3"}, "scenario"),  # another industry's (汽车制造业)
    ({"scenario": "9.9.9"}, "scenario"),
    ({"problem": ""}, "problem"),
    ({"need": "x" * 4001}, "need"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_NEEDS)
def test_a_bad_need_comes_back_beside_its_field(app, world, changes, field):
    expert = browser_for(app, world.expert)
    response = file_need(expert, world, **changes)
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    assert "is-invalid" in soup.select_one(f"#{field}")["class"]
    if field != "scenario":
        kept = "批次质量记录" if field == "need" else "行业共性"
        assert kept in response.text  # the rest of the input is kept
    assert entries() == []


BAD_SOLUTIONS = [
    ({"price_low": "30", "price_high": "20"}, "price_high"),
    ({"price_high": "100001"}, "price_high"),
    ({"price_low": "-1"}, "price_low"),
    ({"price_low": "NaN"}, "price_low"),
    ({"provider": "99999999"}, "provider"),
    ({"provider": "forged"}, "provider"),
    ({"origin": "stolen"}, "origin"),
    ({"name": ""}, "name"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_SOLUTIONS)
def test_a_bad_solution_comes_back_beside_its_field(app, world, changes, field):
    expert = browser_for(app, world.expert)
    file_need(expert, world)
    entry = entries()[0]
    response = match(expert, world, entry, **changes)
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    assert "is-invalid" in soup.select_one(f"#{field}-{entry.id}")["class"]
    assert db.session.scalar(sa.select(sa.func.count(DemandSolution.id))) == 0


def test_an_enterprise_not_of_the_programme_kinds_is_no_solution_provider(app, world):
    expert = browser_for(app, world.expert)
    file_need(expert, world)
    consultancy = factories.organisation(OrgKind.CONSULTANCY, region="220100")
    db.session.commit()
    assert match(expert, world, entries()[0], provider=str(consultancy.id)).status_code == 422


def test_removal_asks_first_and_a_withdrawn_engagement_is_fixed(app, world):
    w = world
    expert = browser_for(app, w.expert)
    file_need(expert, w)
    entry = entries()[0]
    match(expert, w, entry)
    solution_id = entries()[0].solutions[0].id
    remove = f"/demand/solutions/{solution_id}/remove"
    assert expert.submit(library(w), {}, action=remove).status_code == 422  # not confirmed
    assert expert.submit(library(w), {"confirm": "y"}, action=remove).status_code == 302
    assert entries()[0].solutions == []
    db.session.get(DiagnosisEngagement, w.engagement.id).status = EngagementStatus.WITHDRAWN
    db.session.commit()
    response = expert.submit(
        library(w), {"confirm": "y"}, action=f"/demand/entries/{entry.id}/remove"
    )
    assert response.status_code == 409 and "撤回" in response.text
    assert file_need(expert, w).status_code == 409
    assert len(entries()) == 1


def test_each_party_reads_its_own_and_the_authority_its_region(app, world):
    w = world
    expert = browser_for(app, w.expert)
    file_need(expert, w)
    file_need(expert, w, engagement=w.other, scenario="3.3.3")
    for user, pharma, parts in (
        (w.expert, 200, 200),
        (w.owner, 200, 404),
        (w.authority, 200, 200),  # the city's, all of its region
        (w.district, 404, 200),  # a district reads its own district's
        (w.far, 404, 404),
        (w.stranger, 404, 404),
    ):
        browser = browser_for(app, user)
        assert browser.get(library(w)).status_code == pharma, user.email
        assert browser.get(library(w, w.other)).status_code == parts, user.email
        listed = browser.get(LIST).text
        assert ("长春华康药业有限公司" in listed) == (pharma == 200)
        assert ("长春鑫达汽车零部件有限公司" in listed) == (parts == 200)
    # Neither the enterprise nor another provider may file, nor may anyone signed out read.
    owner = browser_for(app, w.owner)
    assert file_need(owner, w).status_code == 403
    assert file_need(browser_for(app, w.stranger), w).status_code == 404
    assert app.test_client().get(library(w)).status_code == 302
    assert len(entries()) == 2


def names(browser, **args):
    html = browser.get(LIST, query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("#demand tbody tr[data-entry]")
    return [row.find("td").get_text(strip=True) for row in rows]


def test_the_list_searches_filters_sorts_and_exports_in_the_annex_layout(app, world, monkeypatch):
    w = world
    expert = browser_for(app, w.expert)
    file_need(expert, w)
    file_need(expert, w, engagement=w.other, scenario="3.3.3")
    file_need(expert, w, scenario="4.1.2")
    match(expert, w, entries()[0])
    match(expert, w, entries()[0], name="第二方案")
    browser = browser_for(app, w.authority)
    assert len(names(browser)) == 3
    assert names(browser, q="华康") == ["长春华康药业有限公司"] * 2
    assert names(browser, q="cchk") == ["长春华康药业有限公司"] * 2  # pinyin initials
    assert names(browser, q="财务") == ["长春华康药业有限公司"]  # a scenario's title
    assert names(browser, q="Supply chain management") == []  # no need under 3.1
    assert names(browser, q="supply chains") == ["长春鑫达汽车零部件有限公司"]  # under 3
    assert names(browser, q="主机厂") == ["长春鑫达汽车零部件有限公司"]
    assert names(browser, first="3") == ["长春鑫达汽车零部件有限公司"]
    assert names(browser, first="2", second="2.3") == ["长春华康药业有限公司"]
    assert names(browser, industry="36") == ["长春鑫达汽车零部件有限公司"]
    assert names(browser, region="220104") == ["长春鑫达汽车零部件有限公司"]
    # A region outside the authority's is no filter: nothing else leaks.
    assert len(names(browser, region="150100")) == 3
    assert names(browser, engagement=str(w.other.id)) == ["长春鑫达汽车零部件有限公司"]
    by_scenario = names(browser, sort="scenario")
    assert by_scenario == [
        "长春华康药业有限公司",
        "长春鑫达汽车零部件有限公司",
        "长春华康药业有限公司",
    ]
    assert names(browser, sort="-solutions")[0] == "长春华康药业有限公司"
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    assert [names(browser, page=n, sort="scenario") for n in (1, 2, 3)] == [
        [n] for n in by_scenario
    ]
    for bad in (
        {"first": "forged"},
        {"industry": "ZZ"},
        {"engagement": "99999999999999999999"},
        {"region": "abc"},
        {"q": "%_" * 60},
        {"sort": "-" + "x" * 300},
    ):
        assert browser.get(LIST, query_string=bad).status_code == 200, bad
        assert browser.get(EXCEL, query_string=bad).status_code == 200, bad
    response = browser.get(
        EXCEL, query_string={"engagement": str(w.engagement.id), "sort": "scenario"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if any(r)]
    header = next(r for r in rows if r[4] == "一级场景")
    assert header[4:13] == (
        "一级场景",
        "二级场景",
        "三级场景",
        "问题及需求分析（含行业共性需求与企业个性需求）",
        "场景描述",
        "产品及解决方案名称",
        "简述",
        "价格（万元）",
        "服务商",
    )
    body = rows[rows.index(header) + 1 :]
    assert len(body) == 3  # two solutions of 2.3.1, and 4.1.2 with none
    first = body[0]
    assert first[4:7] == ("2 生产过程数字化", "2.3 质量管理", "2.3.1 产品质量追溯")
    assert first[9:13] == (
        "云质量追溯平台",
        "赋码、采集、追溯一体化。",
        "10.00–25.50",
        "长春云仿真软件有限公司",
    )


def test_the_list_costs_the_same_queries_for_one_need_or_many(app, world, count_queries):
    w = world
    expert = browser_for(app, w.expert)
    file_need(expert, w)
    browser = browser_for(app, w.authority)
    browser.get(LIST)  # the first page after signing in does its own once
    with count_queries() as one:
        browser.get(LIST)
    with count_queries() as one_library:
        browser.get(library(w))
    for code in ("2.3.2", "2.4.1", "4.1.1", "1.1.1"):
        file_need(expert, w, scenario=code)
        match(expert, w, entries()[-1])
    file_need(expert, w, engagement=w.other, scenario="3.3.3")
    with count_queries() as many:
        browser.get(LIST)
    with count_queries() as many_library:
        browser.get(library(w))
    assert many.count == one.count, many.statements
    assert many_library.count == one_library.count, many_library.statements
    with count_queries() as workbook:
        browser.get(EXCEL)
    assert workbook.count <= 8, workbook.statements
