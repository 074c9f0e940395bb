"""The organisation list filters enterprises by their roster tags (规上, 专精特新, …)."""

from __future__ import annotations

from models import EnterpriseTag, OrgKind
from tests import factories
from tests.functional.campaigns.province import on_roster


def test_an_authority_lists_its_enterprises_by_roster_tag(app_ctx, browser):
    city = factories.organisation(OrgKind.AUTHORITY, region="310000")
    official = factories.user(city)
    tagged = factories.organisation(region="310115", name="专精特新测试企业")
    untagged = factories.organisation(region="310115", name="普通测试企业")
    on_roster(city, tagged, "310115", EnterpriseTag.SPECIALISED)
    on_roster(city, untagged, "310115", EnterpriseTag.ABOVE_SCALE)
    browser.login(official.email, factories.PASSWORD)
    page = browser.get("/orgs/?tag=specialised").get_data(as_text=True)
    assert "专精特新测试企业" in page and "普通测试企业" not in page
    both = browser.get("/orgs/").get_data(as_text=True)
    assert "专精特新测试企业" in both and "普通测试企业" in both
    # An unknown tag is ignored, as a search box should.
    assert browser.get("/orgs/?tag=forged").status_code == 200
