"""The diagnosis engagements list: searched by enterprise, provider or credit code (pinyin
initials too), filtered by programme, provider, state and the day enrolled, sorted by its
columns, paged with the filters kept, and in Excel with exactly the filtered rows of every
page — only the engagements the viewer's organisation is a party to; bad input breaks
nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import DiagnosisEngagement, EngagementStatus, OrgKind
from tests import factories
from tests.functional.projects.helpers import browser_for

S = EngagementStatus
LIST, EXCEL = "/engagements/", "/engagements/export.xlsx"
# Enterprise → (programme, provider, status, enrolled, agreement ends).
MADE = {
    "长春精工机械有限公司": (
        "changchun_pilot",
        "数智",
        S.ENROLLED,
        datetime(2026, 3, 1, 4),
        None,
    ),
    "长春华瑞化工有限公司": (
        "changchun_pilot",
        "数智",
        S.AGREED,
        datetime(2026, 4, 1, 4),
        date(2026, 6, 1),
    ),
    "长春恒泰电子有限公司": (
        "changchun_pilot",
        "智库",
        S.ON_SITE,
        datetime(2026, 5, 1, 4),
        date(2026, 7, 1),
    ),
    "长春鑫达汽车零部件有限公司": (
        "nmg_offline",
        "数智",
        S.ACCEPTED,
        datetime(2026, 6, 1, 4),
        date(2026, 5, 1),
    ),
}


class World:
    pass


@pytest.fixture
def world(app_ctx):
    w = World()
    city = factories.organisation(OrgKind.AUTHORITY, region="220100", name="长春市工业和信息化局")
    w.authority = factories.user(city)
    w.providers = {
        "数智": factories.organisation(
            OrgKind.SERVICE_PROVIDER, region="220100", name="吉林数智咨询服务有限公司"
        ),
        "智库": factories.organisation(
            OrgKind.THINK_TANK, region="220100", name="长春产业发展研究院"
        ),
    }
    w.expert = factories.user(w.providers["数智"])
    w.enterprises = {}
    for name, (programme, provider, status, enrolled, ends) in MADE.items():
        org = factories.organisation(region="220102", name=name)
        w.enterprises[name] = org
        db.session.add(
            DiagnosisEngagement(
                programme_key=programme,
                authority_id=city.id,
                enterprise_id=org.id,
                provider_id=w.providers[provider].id,
                status=status,
                status_changed_at=enrolled,
                created_at=enrolled,
                agreement_ends_on=ends,
                agreement_signed_on=date(2026, 1, 1) if ends else None,
                created_by_id=w.authority.id,
            )
        )
    w.owner = factories.user(w.enterprises["长春华瑞化工有限公司"])
    # Another region's engagement with another provider: never on these lists.
    far = factories.organisation(OrgKind.AUTHORITY, region="150100", name="呼和浩特市工信局")
    w.far = factories.user(far)
    w.far_provider = factories.organisation(
        OrgKind.SERVICE_PROVIDER, region="150100", name="内蒙古远方咨询有限公司"
    )
    db.session.add(
        DiagnosisEngagement(
            programme_key="nmg_offline",
            authority_id=far.id,
            enterprise_id=factories.organisation(region="150102", name="呼和浩特企业").id,
            provider_id=w.far_provider.id,
            status=S.ENROLLED,
            created_by_id=w.far.id,
        )
    )
    db.session.commit()
    return w


def listed(browser, **args) -> list[tuple[str, str]]:
    """(enterprise, provider) of each row shown."""
    html = browser.get(LIST, query_string=args).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("#engagements tbody tr[data-engagement]")
    return [
        (tds[0].get_text(strip=True), tds[2].get_text(strip=True))
        for tds in (row.find_all("td") for row in rows)
    ]


def names(browser, **args) -> list[str]:
    return [name for name, _p in listed(browser, **args)]


def excel(browser, **args) -> list[tuple]:
    response = browser.get(EXCEL, query_string=args)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return list(sheet.iter_rows(values_only=True))


BAD = (
    {"programme": "forged"},
    {"status": "forged"},
    {"provider": "forged"},
    {"provider": "99999999999999999999"},
    {"since": "2026-13-45"},
    {"until": "99999-01-01"},
    {"sort": "-" + "x" * 500},
    {"q": "%_" * 200},
    {"page": "99999999999"},
)


def test_searched_and_filtered(app, world):
    browser = browser_for(app, world.authority)
    assert set(names(browser)) == set(MADE)  # not Hohhot's
    assert names(browser, q="华瑞") == ["长春华瑞化工有限公司"]
    assert names(browser, q="cchr") == ["长春华瑞化工有限公司"]  # pinyin initials
    code = world.enterprises["长春精工机械有限公司"].credit_code
    assert names(browser, q=code) == ["长春精工机械有限公司"]
    assert set(names(browser, q="数智")) == {
        "长春精工机械有限公司",
        "长春华瑞化工有限公司",
        "长春鑫达汽车零部件有限公司",
    }
    assert names(browser, programme="nmg_offline") == ["长春鑫达汽车零部件有限公司"]
    think_tank = str(world.providers["智库"].id)
    assert names(browser, provider=think_tank) == ["长春恒泰电子有限公司"]
    assert names(browser, status="agreed") == ["长春华瑞化工有限公司"]
    assert names(browser, since="2026-03-15", until="2026-05-15") == [
        "长春恒泰电子有限公司",
        "长春华瑞化工有限公司",
    ]
    assert names(browser, provider=think_tank, programme="nmg_offline") == []
    # A provider none of the authority's engagements has is no filter: nothing else leaks.
    assert set(names(browser, provider=str(world.far_provider.id))) == set(MADE)
    for args in BAD:
        assert browser.get(LIST, query_string=args).status_code == 200, args
        assert browser.get(EXCEL, query_string=args).status_code == 200, args


def test_sorted_by_its_columns_and_paged_with_the_filters(app, world, monkeypatch):
    browser = browser_for(app, world.authority)
    by_enrolment = names(browser, sort="enrolled")
    assert by_enrolment == list(MADE)
    assert names(browser) == by_enrolment[::-1]  # the latest move first
    assert names(browser, sort="-enrolled") == by_enrolment[::-1]
    assert names(browser, sort="enterprise") == names(browser, sort="-enterprise")[::-1]
    assert names(browser, sort="status") == by_enrolment  # in the workflow's order
    assert names(browser, sort="programme")[-1] == "长春鑫达汽车零部件有限公司"
    assert names(browser, sort="agreement") == [
        "长春鑫达汽车零部件有限公司",
        "长春华瑞化工有限公司",
        "长春恒泰电子有限公司",
        "长春精工机械有限公司",  # no agreement yet: last
    ]
    by_provider = listed(browser, sort="provider")
    assert [p for _n, p in by_provider] == sorted(p for _n, p in by_provider)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"programme": "changchun_pilot", "sort": "enrolled"}
    html = browser.get(LIST, query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "programme=changchun_pilot" in following["href"] and "sort=enrolled" in following["href"]
    pages = [names(browser, page=n, **args) for n in (1, 2, 3)]
    assert pages == [[name] for name in list(MADE)[:3]]


def test_the_excel_holds_exactly_the_filtered_rows_of_every_page(app, world, monkeypatch):
    browser = browser_for(app, world.authority)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"q": "有限公司", "since": "2026-03-15", "sort": "-agreement"}
    shown = [row for n in (1, 2, 3, 4) for row in listed(browser, page=n, **args)]
    assert len(shown) == 3
    rows = excel(browser, **args)
    assert rows[0][:5] == ("编号", "诊断工作", "企业", "统一社会信用代码", "服务机构")
    assert [(row[2], row[4]) for row in rows[1:]] == shown
    assert [row[8].date() for row in rows[1:]] == [
        date(2026, 7, 1),
        date(2026, 6, 1),
        date(2026, 5, 1),
    ]


def test_each_party_sees_only_its_own(app, world):
    expert = browser_for(app, world.expert)
    assert names(expert, sort="enrolled") == [
        "长春精工机械有限公司",
        "长春华瑞化工有限公司",
        "长春鑫达汽车零部件有限公司",
    ]  # not the think tank's
    assert [row[2] for row in excel(expert, sort="enrolled")[1:]] == names(expert, sort="enrolled")
    # The provider filter offers only the providers of the viewer's engagements.
    html = expert.get(LIST).get_data(as_text=True)
    offered = {
        o["value"]
        for o in BeautifulSoup(html, "html.parser").select("select[name=provider] option")
    }
    assert offered == {"", str(world.providers["数智"].id)}
    assert names(browser_for(app, world.owner)) == ["长春华瑞化工有限公司"]
    far = browser_for(app, world.far)
    assert names(far) == ["呼和浩特企业"]
    assert [row[2] for row in excel(far)[1:]] == ["呼和浩特企业"]
    assert names(far, provider=str(world.providers["数智"].id)) == ["呼和浩特企业"]


def test_the_list_costs_the_same_queries_for_one_engagement_or_many(app, world, count_queries):
    browser = browser_for(app, world.authority)
    browser.get(LIST)
    with count_queries() as many:
        browser.get(LIST, query_string={"sort": "provider"})
    with count_queries() as one:
        browser.get(LIST, query_string={"sort": "provider", "q": "华瑞"})
    assert many.count == one.count, many.statements
    with count_queries() as workbook:
        browser.get(EXCEL, query_string={"sort": "provider"})
    assert workbook.count <= 8, workbook.statements
