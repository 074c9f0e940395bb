"""A reform project's page, for each of its parties, and their dashboards run as many queries
after six rounds of grading and acceptance (five failed and rectified) as after two."""

from __future__ import annotations

from tests.functional.projects.helpers import browser_for
from tests.functional.reform import test_reform_acceptance as reform
from tests.functional.reform.test_reform_acceptance import parties  # noqa: F401
from tests.functional.reform.test_reform_projects import world  # noqa: F401


def test_a_reform_project_page_runs_as_many_queries_with_6_rounds_as_with_2(
    parties,  # noqa: F811 — the reform tests' fixture
    count_queries,
):
    """A project failed five times and rectified (six gradings and acceptances, then a pass)
    reads in as many queries as with two, for each of its parties; their dashboards too."""
    w = parties
    owner, project_id = reform.implemented(w)
    official = browser_for(w.app, w.official)
    assert reform.appoint(official, project_id, w.body, w.firm).status_code == 302
    assert reform.move(owner, project_id, "complete").status_code == 302
    evaluator = browser_for(w.app, w.evaluator)
    county = browser_for(w.app, w.county_official)
    auditor = browser_for(w.app, w.auditor)
    readers = (owner, county, official, evaluator, auditor)

    def measure(browser, url):
        with count_queries() as counter:
            assert browser.get(url).status_code == 200
        return counter.count

    def rounds(n: int) -> None:
        for _n in range(n):
            assert reform.grade(evaluator, project_id).status_code == 302
            assert reform.accept(evaluator, project_id, verdict="fail").status_code == 302
            assert reform.county_opinion(county, project_id).status_code == 302
            assert reform.move(owner, project_id, "complete").status_code == 302
            assert reform.audit(auditor, project_id).status_code == 302

    def pages() -> list[int]:
        page = f"/reform/{project_id}"
        return [measure(b, page) for b in readers] + [
            measure(b, "/dashboard") for b in (evaluator, auditor, county)
        ]

    rounds(2)
    before = pages()
    rounds(4)
    after = pages()
    assert all(a <= b for a, b in zip(after, before, strict=True)), (before, after)
    assert max(after) <= 30, after
