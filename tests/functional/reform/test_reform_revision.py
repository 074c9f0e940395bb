"""Revising a reform project (issue 21): the enterprise changes its draft or returned project's
name, scenarios, period and budget — a county finding the budget too high is answered — with
the page's version, a history row naming what changed, and every contract's term still within
the period; refused once filed, on a stale page, for another organisation. And the county's
opinion on a concluded acceptance: it may disagree with a pass (back to rectification, reason
required), never pass a failure. And the list's Excel names the third parties and the newest
grade in the list's one query."""

from __future__ import annotations

import io

import openpyxl
import sqlalchemy as sa

from app.extensions import db
from models import ReformAcceptance, ReformStatus
from tests.functional.projects.helpers import browser_for
from tests.functional.reform.test_reform_acceptance import (
    accept,
    appoint,
    county_opinion,
    grade,
    implemented,
    parties,  # noqa: F401 — the fixture, reused
)
from tests.functional.reform.test_reform_projects import (
    PROJECT,
    add_contract,
    decide,
    draft,
    fresh,
    move,
    notified,
    version,
    world,  # noqa: F401 — the fixture, reused
)

S = ReformStatus


def revise(browser, project_id: int, version_of: str | None = None, **changes):
    page = f"/reform/{project_id}/revise"
    data = {**PROJECT, "version": version_of or version(project_id), **changes}
    return browser.submit(page, data)


def returned(w) -> tuple[object, int]:
    owner, project_id = draft(w)
    assert add_contract(owner, project_id, w.places[0]).status_code == 302
    assert move(owner, project_id).status_code == 302
    county = browser_for(w.app, w.county_official)
    assert decide(county, project_id, "county_return", "预算偏高").status_code == 302
    assert fresh(project_id).status == S.RETURNED
    return owner, project_id


def test_a_returned_project_is_revised_and_filed_again(world):  # noqa: F811
    w = world
    owner, project_id = returned(w)
    page = owner.get(f"/reform/{project_id}").text
    assert f"/reform/{project_id}/revise" in page
    form = owner.get(f"/reform/{project_id}/revise")
    assert form.status_code == 200 and "预算偏高" in form.text and "1200000" in form.text
    # A bad budget and impossible dates come back beside their fields, the input kept.
    bad = revise(owner, project_id, budget="0", name="冲压车间改造（修订）")
    assert bad.status_code == 422
    assert "冲压车间改造（修订）" in bad.text and "invalid-feedback" in bad.text
    backwards = revise(owner, project_id, ends_on="2026-01-01", budget="800000")
    assert backwards.status_code == 422 and "800000" in backwards.text
    # A period that leaves the contract (2026-03-01 – 2026-09-30) outside is refused beside
    # the date it contradicts.
    outside = revise(owner, project_id, starts_on="2026-10-01", ends_on="2026-12-31")
    assert outside.status_code == 422
    assert "吉数数字化转型服务有限公司" in outside.text and 'id="starts_on"' in outside.text
    assert "is-invalid" in outside.text.split('id="starts_on"')[0].rsplit("<input", 1)[1]
    assert fresh(project_id).budget == 1200000
    # A stale page is 409.
    stale = version(project_id)
    assert revise(owner, project_id, budget="900000").status_code == 302
    assert revise(owner, project_id, budget="800000", version_of=stale).status_code == 409
    project = fresh(project_id)
    assert project.budget == 900000 and project.status == S.RETURNED
    event = project.events[-1]
    assert event.action == "revise" and event.actor_id == w.owner.id
    assert "1200000.00 → 900000.00" in event.comment
    assert "1200000.00 → 900000.00" in owner.get(f"/reform/{project_id}").text
    # Filed again: the county has it once more.
    assert move(owner, project_id).status_code == 302
    assert fresh(project_id).status == S.AWAITING_COUNTY


def test_revising_is_refused_once_filed_and_to_others(world):  # noqa: F811
    w = world
    owner, project_id = draft(w)
    # A draft may be revised too.
    assert revise(owner, project_id, name="冲压车间数字化改造二期").status_code == 302
    assert fresh(project_id).name == "冲压车间数字化改造二期"
    assert add_contract(owner, project_id, w.places[0]).status_code == 302
    assert move(owner, project_id).status_code == 302
    # Filed: not offered, and refused with the reason (409).
    assert f"/reform/{project_id}/revise" not in owner.get(f"/reform/{project_id}").text
    shown = owner.get(f"/reform/{project_id}/revise")
    assert (
        shown.status_code == 200
        and 'id="refusal"' in shown.text
        and 'id="revise"' not in shown.text
    )
    refused = revise(owner, project_id, budget="900000")
    assert refused.status_code == 409 and "当前状态" in refused.text
    assert fresh(project_id).budget == 1200000
    county = browser_for(w.app, w.county_official)
    assert decide(county, project_id, "county_agree", "同意").status_code == 302
    assert revise(owner, project_id, budget="900000").status_code == 409
    # Another enterprise: 404; an authority may not file.
    stranger = browser_for(w.app, w.stranger)
    assert stranger.get(f"/reform/{project_id}/revise").status_code == 404
    token = owner.token(f"/reform/{project_id}")
    other = stranger.client.post(
        f"/reform/{project_id}/revise",
        data={**PROJECT, "csrf_token": token, "version": version(project_id)},
    )
    assert other.status_code in (400, 404)
    assert browser_for(w.app, w.official).get(f"/reform/{project_id}/revise").status_code == 403


def graded(w, verdict: str) -> tuple[object, int]:
    owner, project_id = implemented(w)
    assert move(owner, project_id, "complete").status_code == 302
    official = browser_for(w.app, w.official)
    assert appoint(official, project_id, w.body, w.firm).status_code == 302
    evaluator = browser_for(w.app, w.evaluator)
    assert grade(evaluator, project_id).status_code == 302
    assert accept(evaluator, project_id, verdict=verdict).status_code == 302
    return owner, project_id


def test_the_county_disagrees_with_a_pass(parties):  # noqa: F811
    w = parties
    _owner, project_id = graded(w, "pass")
    county = browser_for(w.app, w.county_official)
    page = county.get(f"/reform/{project_id}").text
    assert 'value="disagree"' in page
    # Disagreeing needs the reasons.
    assert county_opinion(county, project_id, "", agrees="disagree").status_code == 422
    assert (
        county_opinion(county, project_id, "数据采集未上线", agrees="disagree").status_code == 302
    )
    project = fresh(project_id)
    assert project.status == S.IN_IMPLEMENTATION
    assert project.events[-1].action == "county_disagree"
    acceptance = db.session.scalars(sa.select(ReformAcceptance)).one()
    assert acceptance.county_agrees is False and acceptance.county_opinion == "数据采集未上线"
    for user in (w.owner, w.vendors[0], w.vendors[1]):
        assert any("数据采集未上线" in t for t in notified(user)), user
    assert "数据采集未上线" in browser_for(w.app, w.owner).get(f"/reform/{project_id}").text


def test_the_county_cannot_pass_a_failed_acceptance(parties):  # noqa: F811
    w = parties
    _owner, project_id = graded(w, "fail")
    county = browser_for(w.app, w.county_official)
    page = county.get(f"/reform/{project_id}").text
    assert 'id="confirm-only"' in page and 'value="disagree"' not in page
    refused = county_opinion(county, project_id, "应予通过", agrees="disagree")
    assert refused.status_code == 422 and "应予通过" in refused.text
    assert fresh(project_id).status == S.GRADED
    assert county_opinion(county, project_id, "同意整改").status_code == 302
    assert fresh(project_id).status == S.IN_IMPLEMENTATION
    acceptance = db.session.scalars(sa.select(ReformAcceptance)).one()
    assert acceptance.county_agrees is True


def test_the_excel_names_the_third_parties_and_the_newest_grade(parties, count_queries):  # noqa: F811
    w = parties
    _owner, _project_id = graded(w, "pass")
    official = browser_for(w.app, w.official)

    def export():
        with count_queries() as counter:
            response = official.get("/reform/export.xlsx")
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
        return [[c.value for c in row] for row in sheet.iter_rows()], counter.count

    rows, before = export()
    cells = [c for row in rows for c in row]
    assert "吉林省数字化评测中心" in cells and "长春正信会计师事务所" in cells
    assert "2级" in cells
    # More projects, more gradings: the same number of queries.
    for _n in range(3):
        _o, _other_id = graded(w, "pass")
    rows, after = export()
    assert sum(1 for row in rows if "2级" in row) == 4
    assert after <= before, (before, after)
