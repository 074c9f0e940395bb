"""A reform project after its implementation (seed 004 三(二)5-6, 附件5): the city names the
evaluation body and the audit firm; the body grades the enterprise on site with the SME level
table and files its report; its expert group records the acceptance opinion and the county
concludes it (pass → accepted; fail → rectification, a new completion, grading and acceptance);
the audit firm files the special audit report. Each guard is refused with its reason, every
party hears in its language, other parties' ids are 404, a stale page is 409, the providers'
ratings follow the acceptances and the page's queries do not grow with its history."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.clock import local_today
from app.extensions import db
from blueprints.diagnosis import services as evaluations
from blueprints.diagnosis import sme_level
from blueprints.diagnosis.forms import level_field, points_field
from blueprints.pool import ratings
from models import (
    AcceptanceVerdict,
    OrgKind,
    PoolMember,
    ReformAcceptance,
    ReformAuditReport,
    ReformGrading,
    ReformStatus,
    SmeLevelKind,
)
from tests import factories
from tests.functional.projects.helpers import PDF, browser_for
from tests.functional.reform.test_reform_projects import (
    add_contract,
    decide,
    draft,
    fresh,
    mailed,
    move,
    notified,
    version,
    world,  # noqa: F401 — the fixture, reused
)

S = ReformStatus


def today() -> str:
    return local_today().isoformat()


@pytest.fixture
def parties(world):  # noqa: F811
    w = world
    w.body = factories.organisation(OrgKind.EVALUATION_BODY, name="吉林省数字化评测中心")
    w.evaluator = factories.user(w.body, is_org_admin=True, locale="en")
    w.other_body = factories.organisation(OrgKind.EVALUATION_BODY, name="另一评测机构")
    w.other_evaluator = factories.user(w.other_body, is_org_admin=True)
    w.firm = factories.organisation(OrgKind.AUDIT_FIRM, name="长春正信会计师事务所")
    w.auditor = factories.user(w.firm, is_org_admin=True)
    w.other_firm = factories.organisation(OrgKind.AUDIT_FIRM, name="另一审计所")
    w.other_auditor = factories.user(w.other_firm, is_org_admin=True)
    # The grade before: the diagnosis engagement's on-site grading (一级).
    points, levels = sme(30, 1)
    evaluations.record_evaluation(
        w.enterprise.id,
        w.vendors[0],
        points,
        levels,
        kind=SmeLevelKind.ON_SITE,
        engagement_id=w.engagement.id,
    )
    db.session.commit()
    return w


def sme(total: float, level: int) -> tuple[dict[str, float], dict[str, int]]:
    table = sme_level.table(evaluations.TABLE_KEY)
    points = {i.key: 0.0 for i in table.indicators}
    points[table.indicators[0].key] = total
    return points, {s.key: level for s in table.scenarios}


def implemented(w) -> tuple[object, int]:
    """A project filed with two contracts and carried through the three in step."""
    owner, project_id = draft(w)
    assert add_contract(owner, project_id, w.places[0]).status_code == 302
    assert add_contract(owner, project_id, w.places[1], price="300000").status_code == 302
    assert move(owner, project_id).status_code == 302
    assert (
        decide(browser_for(w.app, w.county_official), project_id, "county_agree").status_code == 302
    )
    assert decide(browser_for(w.app, w.official), project_id, "city_file").status_code == 302
    page = f"/reform/{project_id}"
    for action, data in (
        ("training", {"plan": "全员培训", "on": "2026-03-05"}),
        ("deliveries", {"notes": "MES 上线", "on": "2026-06-01"}),
        ("evaluation", {"evaluation": "达到预期", "on": "2026-11-20"}),
    ):
        done = owner.submit(
            page, {**data, "version": version(project_id)}, action=f"{page}/{action}"
        )
        assert done.status_code == 302, done.text
    return owner, project_id


def appoint(browser, project_id: int, body=None, firm=None, version_of=None):
    page = f"/reform/{project_id}"
    data = {
        "body": str(body.id) if body else "",
        "firm": str(firm.id) if firm else "",
        "version": version_of or version(project_id),
    }
    return browser.submit(page, data, action=f"{page}/third-parties")


def grade(browser, project_id: int, total=50.0, level=2, **changes):
    page = f"/reform/{project_id}/grading"
    points, levels = sme(total, level)
    data = {
        "csrf_token": browser.token(page),
        "version": version(project_id),
        "graded_on": today(),
        "systems_checked": "MES、WMS 上线运行",
        "report": (io.BytesIO(PDF), "中小企业数字化水平评测报告.pdf"),
        **{points_field(k): str(v) for k, v in points.items()},
        **{level_field(k): str(v) for k, v in levels.items()},
        **changes,
    }
    return browser.client.post(page, data=data, content_type="multipart/form-data")


def accept(browser, project_id: int, verdict="pass", **changes):
    page = f"/reform/{project_id}"
    data = {
        "csrf_token": browser.token(page),
        "version": version(project_id),
        "members": "王工\n李工",
        "reviewed_on": today(),
        "site_checked_on": today(),
        "verdict": verdict,
        "opinion": "改造按方案实施",
        "corrections": "" if verdict == "pass" else "完善数据采集",
        "signed": (io.BytesIO(PDF), "验收意见.pdf"),
        **changes,
    }
    return browser.client.post(f"{page}/acceptance", data=data, content_type="multipart/form-data")


def county_opinion(
    browser, project_id: int, opinion="同意验收意见", version_of=None, agrees="agree"
):
    page = f"/reform/{project_id}"
    return browser.submit(
        page,
        {"opinion": opinion, "agrees": agrees, "version": version_of or version(project_id)},
        action=f"{page}/acceptance/county",
    )


def audit(browser, project_id: int, **changes):
    page = f"/reform/{project_id}"
    data = {
        "csrf_token": browser.token(page),
        "version": version(project_id),
        "reported_on": today(),
        "eligible_cost": "700000",
        "conclusion": "项目支出真实合规",
        "report": (io.BytesIO(PDF), "专项审计报告.pdf"),
        **changes,
    }
    return browser.client.post(
        f"{page}/audit-reports", data=data, content_type="multipart/form-data"
    )


def test_named_graded_failed_rectified_regraded_accepted_and_audited(parties):
    w = parties
    owner, project_id = implemented(w)
    official = browser_for(w.app, w.official)
    county = browser_for(w.app, w.county_official)
    evaluator = browser_for(w.app, w.evaluator)
    auditor = browser_for(w.app, w.auditor)
    # Not named yet: the body and the firm read nothing.
    assert evaluator.get(f"/reform/{project_id}").status_code == 404
    assert auditor.get(f"/reform/{project_id}").status_code == 404
    assert "reform_projects_to_review" in official.get("/dashboard").text
    # Only the city names them, and only organisations of the right kind.
    assert appoint(county, project_id, w.body, w.firm).status_code == 409
    wrong = appoint(official, project_id, w.firm, w.body)
    assert wrong.status_code == 422 and "invalid-feedback" in wrong.text
    assert appoint(official, project_id, w.body, w.firm).status_code == 302
    project = fresh(project_id)
    assert (project.evaluation_body_id, project.audit_firm_id) == (w.body.id, w.firm.id)
    assert any("named you" in t for t in notified(w.evaluator)) and mailed(w.evaluator)
    assert any("指定" in t for t in notified(w.auditor)) and mailed(w.auditor)
    assert evaluator.get(f"/reform/{project_id}").status_code == 200
    assert "冲压车间数字化改造" in auditor.get("/reform/").text
    assert "冲压车间数字化改造" in official.get("/reform/?third_party=正信").text
    assert "冲压车间数字化改造" not in official.get("/reform/?third_party=另一").text
    # In each one's language, by email too.
    assert any("named you" in t for t in mailed(w.evaluator))
    assert any("指定" in t for t in mailed(w.auditor))
    # Grading and audit before the implementation is declared: refused.
    early = grade(evaluator, project_id)
    assert early.status_code == 409 and "in implementation" in early.text
    early_audit = audit(auditor, project_id)
    assert early_audit.status_code == 409 and "实施完成" in early_audit.text
    assert move(owner, project_id, "complete").status_code == 302
    assert "reform_projects_to_grade" in evaluator.get("/dashboard").text
    assert "reform_projects_to_audit" in auditor.get("/dashboard").text
    # The acceptance needs a grading of the current round.
    assert accept(evaluator, project_id).status_code == 409
    # Grading: a future date, a disguised file, a bad point are refused beside their fields.
    future = grade(evaluator, project_id, graded_on="2099-01-01")
    assert future.status_code == 422 and "MES、WMS 上线运行" in future.text
    disguised = grade(evaluator, project_id, report=(io.BytesIO(b"MZ\x90\x00"), "报告.pdf"))
    assert disguised.status_code == 422
    assert grade(evaluator, project_id, report=(io.BytesIO(PDF), "报告.docx")).status_code == 422
    # Another body is not named: it does not even see the project.
    other = browser_for(w.app, w.other_evaluator)
    assert other.get(f"/reform/{project_id}/grading").status_code == 404
    assert grade(other, project_id).status_code == 404
    assert not db.session.scalars(sa.select(ReformGrading)).all()
    # Graded below the target: recorded as it is, and the page says so.
    assert grade(evaluator, project_id, total=30, level=1).status_code == 302
    project = fresh(project_id)
    assert project.status == S.GRADED
    page = owner.get(f"/reform/{project_id}").text
    assert 'id="below-target"' in page and "1级" in page
    for user in (w.owner, w.county_official, w.official):
        assert any("冲压车间数字化改造" in t or "graded" in t for t in notified(user)), user
    # Once graded, the body stays.
    assert appoint(official, project_id, w.other_body, w.firm).status_code == 409
    # The acceptance: a group too small, dates backwards, corrections missing → refused.
    small = accept(evaluator, project_id, members="王工")
    assert small.status_code == 422 and "改造按方案实施" in small.text
    backwards = accept(evaluator, project_id, site_checked_on="2026-01-01")
    assert backwards.status_code == 422
    bare = accept(evaluator, project_id, verdict="fail", corrections="")
    assert bare.status_code == 422 and "invalid-feedback" in bare.text
    assert (
        accept(evaluator, project_id, signed=(io.BytesIO(b"not a pdf"), "a.pdf")).status_code == 422
    )
    assert not db.session.scalars(sa.select(ReformAcceptance)).all()
    # It fails: the county has it to conclude; the project stays graded meanwhile.
    assert accept(evaluator, project_id, verdict="fail").status_code == 302
    assert fresh(project_id).status == S.GRADED
    assert accept(evaluator, project_id).status_code == 409  # recorded once
    assert any("acceptance" in t for t in notified(w.county_official))
    assert "reform_projects_to_review" in county.get("/dashboard").text
    # The city is not the county; the county's opinion is required; a stale page is 409.
    assert county_opinion(official, project_id).status_code == 409
    assert county_opinion(county, project_id, opinion="").status_code == 422
    stale = str(int(version(project_id)) - 1)
    assert county_opinion(county, project_id, version_of=stale).status_code == 409
    assert county_opinion(county, project_id, "同意整改").status_code == 302
    project = fresh(project_id)
    assert project.status == S.IN_IMPLEMENTATION
    for user in (w.owner, w.official, w.evaluator, w.vendors[0], w.vendors[1]):
        assert any("rectif" in t or "整改" in t for t in notified(user)), user
    # Rectified: complete again, graded again (now 二级), accepted with corrections.
    assert grade(evaluator, project_id).status_code == 409
    assert move(owner, project_id, "complete").status_code == 302
    assert grade(evaluator, project_id).status_code == 302
    page = owner.get(f"/reform/{project_id}").text
    assert 'id="target-reached"' in page and page.count("data-grading=") == 2
    assert accept(evaluator, project_id, verdict="pass_with_corrections").status_code == 302
    assert county_opinion(county, project_id, "同意验收").status_code == 302
    project = fresh(project_id)
    assert project.status == S.ACCEPTED
    acceptances = db.session.scalars(sa.select(ReformAcceptance).order_by(ReformAcceptance.id))
    assert [(a.verdict, a.county_opinion) for a in acceptances] == [
        (AcceptanceVerdict.FAIL, "同意整改"),
        (AcceptanceVerdict.PASS_WITH_CORRECTIONS, "同意验收"),
    ]
    assert any("accepted" in t for t in notified(w.evaluator))
    # Ratings: both providers' count the two concluded acceptances (fail 1, pwc 3); the first
    # also its accepted diagnosis of the enterprise (pass 5).
    both = [ratings.Acceptance.FAIL, ratings.Acceptance.PASS_WITH_CORRECTIONS]
    second = db.session.get(PoolMember, w.places[1].id)
    assert (second.rated_acceptances, second.rating) == (2, ratings.rating([], both))
    assert second.rating == Decimal("2.33")  # (2×3 + 2×1 + 2×3) / (2 + 2×2)
    first = db.session.get(PoolMember, w.places[0].id)
    assert first.rated_acceptances == 3
    assert first.rating == ratings.rating([], [ratings.Acceptance.PASS, *both])
    # The audit: by another firm → 404; above the contracts' total, in the future → refused.
    other_auditor = browser_for(w.app, w.other_auditor)
    assert audit(other_auditor, project_id).status_code == 404
    too_much = audit(auditor, project_id, eligible_cost="900000")
    assert too_much.status_code == 422 and "800,000.00" in too_much.text
    assert audit(auditor, project_id, reported_on="2099-01-01").status_code == 422
    assert audit(auditor, project_id, eligible_cost="0").status_code == 422
    assert audit(auditor, project_id).status_code == 302
    assert audit(auditor, project_id, eligible_cost="650000").status_code == 302
    reports = db.session.scalars(sa.select(ReformAuditReport).order_by(ReformAuditReport.id))
    assert [r.eligible_cost for r in reports] == [Decimal("700000.00"), Decimal("650000.00")]
    for user in (w.owner, w.official):
        assert any("专项审计报告" in t for t in notified(user)), user
    page = official.get(f"/reform/{project_id}").text
    assert page.count("data-audit=") == 2 and "650000.00" in page
    # The files, to the parties only.
    grading = db.session.scalars(sa.select(ReformGrading)).first()
    acceptance = db.session.scalars(sa.select(ReformAcceptance)).first()
    report = db.session.scalars(sa.select(ReformAuditReport)).first()
    for url in (
        f"/reform/gradings/{grading.id}/report",
        f"/reform/acceptances/{acceptance.id}/file",
        f"/reform/audit-reports/{report.id}/file",
    ):
        read = owner.get(url)
        assert read.status_code == 200 and read.data == PDF
        read.close()
        assert other.get(url).status_code == 404
        assert browser_for(w.app, w.stranger).get(url).status_code == 404
    assert [e.action for e in fresh(project_id).events] == [
        "file",
        "county_agree",
        "city_file",
        "appoint",
        "complete",
        "grade",
        "acceptance",
        "rectify",
        "complete",
        "grade",
        "acceptance",
        "accept",
        "audit_report",
        "audit_report",
    ]
