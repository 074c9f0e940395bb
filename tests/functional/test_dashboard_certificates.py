"""The dashboard's certificate figures: by status today (expiry read live, a reissue's old
number left out) and issued per year, for the region the viewer watches, in a fixed number
of queries."""

from datetime import date

from bs4 import BeautifulSoup

from app.extensions import db
from blueprints.certificates.services import perform
from models import CertificateStatus, OrgKind, Role
from tests import factories
from tests.conftest import Browser


def figures(app, user) -> tuple[dict[str, str], dict[str, str]]:
    browser = Browser(app.test_client())
    assert browser.login(user.email, factories.PASSWORD).status_code == 302
    page = BeautifulSoup(browser.get("/dashboard?lang=en").get_data(as_text=True), "html.parser")
    section = page.find(id="certificates-figures").find_parent("section")
    by_status, by_year = (
        {
            row.find_all("td")[0].get_text(strip=True): row.find_all("td")[1].get_text(strip=True)
            for row in table.select("tbody tr")
        }
        for table in section.find_all("table")
    )
    return by_status, by_year


def test_certificates_by_status_and_year_for_the_watched_region(app, app_ctx, count_queries):
    staff = factories.alliance_staff()
    shanghai = [factories.certificate(factories.Parties(), staff=staff) for _ in range(4)]
    shanghai[1].status = CertificateStatus.SUSPENDED
    shanghai[2].expires_on = date(2020, 1, 1)  # in force on paper, expired by now
    shanghai[2].effective_on = date(2017, 1, 1)
    perform(shanghai[3], "reissue", staff, "更名", new_name="上海新名称有限公司")
    elsewhere = factories.certificate(factories.Parties(), staff=staff)
    elsewhere.region_code = "440305"
    authority = factories.user(
        factories.organisation(OrgKind.AUTHORITY, region="310000"), role=Role.AUTHORITY
    )
    db.session.commit()
    this_year = str(shanghai[0].effective_on.year)

    by_status, by_year = figures(app, authority)
    assert by_status == {"Valid": "2", "Suspended": "1", "Expired": "1"}
    assert by_year == {"2017": "1", this_year: "3"}  # the reissue is not a new certificate

    by_status, by_year = figures(app, staff)
    assert by_status == {"Valid": "3", "Suspended": "1", "Expired": "1"}
    assert by_year == {"2017": "1", this_year: "4"}

    browser = Browser(app.test_client())
    browser.login(authority.email, factories.PASSWORD)
    with count_queries() as small:
        browser.get("/dashboard")
    for _ in range(3):
        factories.certificate(factories.Parties(), staff=staff)
    db.session.commit()
    with count_queries() as larger:
        browser.get("/dashboard")
    assert larger.count == small.count
