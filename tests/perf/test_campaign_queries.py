"""A campaign's pages run a fixed number of queries whatever the number of enterprises,
assessments and units: the progress table is grouped SQL, the enterprise lists are pages."""

import pytest

from app.extensions import db
from models import AssessmentStatus
from tests import factories
from tests.functional.campaigns.province import PROVINCE, TIANHE, build, on_roster


def grow(made, n: int) -> None:
    for _ in range(n):
        org = factories.organisation(region=TIANHE)
        factories.assessment(org, status=AssessmentStatus.AWAITING_DISTRICT, campaign=made.round1)
        on_roster(made.province.organisation, org, TIANHE)
        on_roster(made.province.organisation, factories.credit_code(TIANHE), TIANHE)
    db.session.flush()


@pytest.mark.parametrize(
    "path",
    [
        "",
        "?region=440100",
        f"?region={TIANHE}",
        "/progress.xlsx",
        f"/enterprises?region={PROVINCE}",
        f"/enterprises?region={PROVINCE}&show=absent",
        f"/enterprises.xlsx?region={PROVINCE}",
    ],
)
def test_campaign_pages_do_not_grow_with_the_region(app_ctx, browser, count_queries, path):
    made = build()
    browser.login(made.province.email, factories.PASSWORD)
    url = f"/campaigns/{made.round1.id}{path}"
    grow(made, 3)
    with count_queries() as small:
        assert browser.get(url).status_code == 200
    grow(made, 40)
    with count_queries() as large:
        assert browser.get(url).status_code == 200
    assert large.count == small.count, (url, small.statements, large.statements)
    assert large.count <= 14, (url, large.statements)


def small_and_large(browser, count_queries, url: str):
    """The queries of ``url`` as the province's authority, with 3 and then 43 more enterprises
    taking part (and twice as many on the roster)."""
    made = build()
    browser.login(made.province.email, factories.PASSWORD)
    grow(made, 3)
    with count_queries() as small:
        assert browser.get(url).status_code == 200
    grow(made, 40)
    with count_queries() as large:
        assert browser.get(url).status_code == 200
    return small, large


@pytest.mark.parametrize("url", ["/assessments/region", "/assessments/region.xlsx", "/roster/"])
def test_region_lists_do_not_grow(app_ctx, browser, count_queries, url):
    small, large = small_and_large(browser, count_queries, url)
    # A full page also counts the rows (a page of 3 knows its total): at most one more.
    assert large.count <= small.count + 1, (url, small.statements, large.statements)
    assert large.count <= 12, (url, large.statements)


@pytest.mark.parametrize(
    "url", ["/statistics/", "/statistics/?region=440100&industry=C", "/statistics/export.xlsx"]
)
def test_statistics_do_not_grow(app_ctx, browser, count_queries, url):
    small, large = small_and_large(browser, count_queries, url)
    assert large.count == small.count, (url, small.statements, large.statements)
    # Stages, scores, indicators, units (their rows, roster, certificates), years: one each;
    # and the snapshot looked up first (the country's, a province's or a prefecture's).
    assert large.count <= 17, (url, large.statements)
