"""Reform projects (seed 004 三(二)2, 附件4, 四(四)): the enterprise drafts a project with one
contract per admitted provider of the pool and files it; the county authority agrees or
returns it; the city files it; the enterprise records the three in step and the project is
implemented only when all three are. Each guard is refused with its reason; every hand-over is
heard in-app and by email in the recipient's language; other parties' ids are 404; a stale
page is 409; the lists search, filter, export and run a bounded number of queries."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from blueprints.reform import exclusions
from models import (
    DiagnosisEngagement,
    EngagementStatus,
    ExclusionEvent,
    ExclusionFlag,
    Notification,
    OrgKind,
    OutboxMessage,
    PoolStatus,
    ReformProject,
    ReformStatus,
)
from tests import factories
from tests.functional.pool.test_provider_pool import admitted
from tests.functional.projects.helpers import PDF, browser_for


class World:
    pass


@pytest.fixture
def world(app, app_ctx):
    w = World()
    w.app = app
    w.city = factories.organisation(OrgKind.AUTHORITY, region="220100", name="长春市工业和信息化局")
    w.official = factories.user(w.city, is_org_admin=True)
    w.county = factories.organisation(
        OrgKind.AUTHORITY, region="220102", name="南关区工业和信息化局"
    )
    w.county_official = factories.user(w.county, is_org_admin=True, locale="en")
    w.other_county = factories.organisation(OrgKind.AUTHORITY, region="220104")
    w.other_official = factories.user(w.other_county, is_org_admin=True)
    w.enterprise = factories.organisation(region="220102", name="长春华康药业有限公司")
    w.owner = factories.user(w.enterprise, is_org_admin=True)
    w.stranger = factories.user(factories.organisation(region="220102"), is_org_admin=True)
    w.providers, w.places, w.vendors = [], [], []
    for name in ("吉数数字化转型服务有限公司", "长春云仿真软件有限公司", "北方工业互联网有限公司"):
        provider = factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100", name=name)
        w.providers.append(provider)
        w.vendors.append(factories.user(provider, is_org_admin=True))
        w.places.append(admitted(w, provider))
    w.places[2].status = PoolStatus.SUSPENDED
    w.engagement = DiagnosisEngagement(
        programme_key="changchun_pilot",
        authority_id=w.city.id,
        enterprise_id=w.enterprise.id,
        provider_id=w.providers[0].id,
        status=EngagementStatus.ACCEPTED,
        created_by_id=w.official.id,
    )
    db.session.add(w.engagement)
    db.session.commit()
    return w


PROJECT = {
    "name": "冲压车间数字化改造",
    "scenarios": ["2.3.1"],
    "starts_on": "2026-03-01",
    "ends_on": "2026-12-31",
    "budget": "1200000",
}


def fresh(project_id: int) -> ReformProject:
    db.session.expire_all()
    project = db.session.get(ReformProject, project_id)
    assert project is not None
    return project


def version(project_id: int) -> str:
    return str(fresh(project_id).lock_version)


def notified(user) -> list[str]:
    return list(
        db.session.scalars(sa.select(Notification.title).where(Notification.user_id == user.id))
    )


def mailed(user) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.subject).where(OutboxMessage.recipient == user.email)
        )
    )


def draft(w, **changes) -> tuple[object, int]:
    owner = browser_for(w.app, w.owner)
    data = {"engagement": str(w.engagement.id), **PROJECT, **changes}
    created = owner.submit("/reform/new", data)
    assert created.status_code == 302, created.text
    return owner, int(created.headers["Location"].rstrip("/").split("/")[-1])


def add_contract(browser, project_id: int, place, **changes):
    page = f"/reform/{project_id}"
    data = {
        "csrf_token": browser.token(page),
        "provider": str(place.id),
        "product": "",
        "products": "云MES 轻量版实施",
        "price": "500000",
        "starts_on": "2026-03-01",
        "ends_on": "2026-09-30",
        "file": (io.BytesIO(PDF), "改造合同.pdf"),
        **changes,
    }
    return browser.client.post(f"{page}/contracts", data=data, content_type="multipart/form-data")


def move(browser, project_id: int, action: str = "file", version_of: str | None = None):
    page = f"/reform/{project_id}"
    return browser.submit(
        page,
        {"action": action, "version": version_of or version(project_id)},
        action=f"{page}/move",
    )


def decide(browser, project_id: int, action: str, reason: str = "", version_of: str | None = None):
    page = f"/reform/{project_id}"
    return browser.submit(
        page,
        {"action": action, "reason": reason, "version": version_of or version(project_id)},
        action=f"{page}/decide",
    )


def test_drafted_filed_by_county_and_city_then_implemented_in_step(world):
    w = world
    owner = browser_for(w.app, w.owner)
    # A bad field comes back beside it, the input kept.
    refused = owner.submit(
        "/reform/new", {"engagement": str(w.engagement.id), **PROJECT, "ends_on": "2026-01-01"}
    )
    assert refused.status_code == 422
    assert "冲压车间数字化改造" in refused.text and "invalid-feedback" in refused.text
    owner, project_id = draft(w)
    # A contract ending before it starts, and a second one with the same provider, are refused
    # beside their fields.
    backwards = add_contract(owner, project_id, w.places[0], ends_on="2026-02-01")
    assert backwards.status_code == 422 and "云MES 轻量版实施" in backwards.text
    assert add_contract(owner, project_id, w.places[0]).status_code == 302
    twice = add_contract(owner, project_id, w.places[0])
    assert twice.status_code == 422
    assert "每个服务商一份合同" in twice.text
    # The suspended provider is not offered and not taken.
    assert add_contract(owner, project_id, w.places[2]).status_code == 422
    assert add_contract(owner, project_id, w.places[1], product="").status_code == 302
    assert len(fresh(project_id).contracts) == 2
    # Filed: the county authority hears (in English, its language) and has it to decide.
    assert move(owner, project_id).status_code == 302
    project = fresh(project_id)
    assert project.status == ReformStatus.AWAITING_COUNTY
    assert project.county_authority_id == w.county.id
    assert any("filed the reform project" in t for t in notified(w.county_official))
    assert any("filed the reform project" in t for t in mailed(w.county_official))
    county = browser_for(w.app, w.county_official)
    assert "reform_projects_to_decide" in county.get("/dashboard").text
    # The city cannot decide before the county; another county reads nothing.
    official = browser_for(w.app, w.official)
    assert decide(official, project_id, "city_file").status_code == 409
    assert browser_for(w.app, w.other_official).get(f"/reform/{project_id}").status_code == 404
    # Returning needs a reason; a stale page is 409.
    assert decide(county, project_id, "county_return").status_code == 422
    stale = version(project_id)
    assert decide(county, project_id, "county_agree", "同意").status_code == 302
    assert (
        decide(county, project_id, "county_return", "补充材料", version_of=stale).status_code == 409
    )
    assert fresh(project_id).status == ReformStatus.AWAITING_CITY
    assert any("县" in t or "county" in t.lower() for t in notified(w.official)) and mailed(
        w.official
    )
    assert "reform_projects_to_decide" in official.get("/dashboard").text
    # The city files it: the enterprise and both providers hear (in Chinese).
    assert decide(official, project_id, "city_file", "准予入库").status_code == 302
    assert fresh(project_id).status == ReformStatus.IN_IMPLEMENTATION
    for user in (w.owner, w.vendors[0], w.vendors[1]):
        assert any("冲压车间数字化改造" in t for t in notified(user)), user
        assert mailed(user)
    assert not notified(w.vendors[2])
    # A contracted provider reads the project.
    assert browser_for(w.app, w.vendors[0]).get(f"/reform/{project_id}").status_code == 200
    # The three in step: not implemented before all three are recorded.
    page = f"/reform/{project_id}"
    assert move(owner, project_id, "complete").status_code == 409
    assert (
        owner.submit(
            page,
            {"plan": "全员MES操作培训", "on": "2026-03-05", "version": version(project_id)},
            action=f"{page}/training",
        ).status_code
        == 302
    )
    assert move(owner, project_id, "complete").status_code == 409
    token = owner.token(page)
    delivered = owner.client.post(
        f"{page}/deliveries",
        data={
            "csrf_token": token,
            "on": "2026-06-01",
            "notes": "MES 上线",
            "version": version(project_id),
            "file": (io.BytesIO(PDF), "上线报告.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert delivered.status_code == 302
    delivery = fresh(project_id).deliveries[0]
    read = owner.get(f"/reform/deliveries/{delivery.id}/file")
    assert read.status_code == 200 and read.data == PDF
    read.close()  # a download streams its file: let it go
    assert (
        browser_for(w.app, w.stranger).get(f"/reform/deliveries/{delivery.id}/file").status_code
        == 404
    )
    assert move(owner, project_id, "complete").status_code == 409
    evaluated = owner.submit(
        page,
        {"evaluation": "达到预期", "on": "2026-12-20", "version": version(project_id)},
        action=f"{page}/evaluation",
    )
    assert evaluated.status_code == 302
    checklist = owner.get(page).text
    assert "全员MES操作培训" in checklist and "MES 上线" in checklist and "达到预期" in checklist
    assert move(owner, project_id, "complete").status_code == 302
    project = fresh(project_id)
    assert project.status == ReformStatus.IMPLEMENTED
    assert [e.action for e in project.events] == [
        "file",
        "county_agree",
        "city_file",
        "complete",
    ]


@pytest.mark.parametrize("flag", list(ExclusionFlag))
def test_an_excluded_enterprise_is_refused_naming_the_flag(world, flag):
    w = world
    official = browser_for(w.app, w.official)
    page = f"/reform/enterprises/{w.enterprise.id}/exclusions"
    # The basis is required, beside its field.
    assert official.submit(page, {flag.value: "y", "note": ""}).status_code == 422
    assert official.submit(page, {flag.value: "y", "note": "工信部公示名单"}).status_code == 302
    events = db.session.scalars(sa.select(ExclusionEvent)).all()
    assert [(e.flag, e.raised, e.actor_id) for e in events] == [(flag, True, w.official.id)]
    assert "工信部公示名单" in official.get(page).text
    owner, project_id = draft(w)
    assert add_contract(owner, project_id, w.places[0]).status_code == 302
    refused = move(owner, project_id)
    assert refused.status_code == 409
    assert str(flag.title) in refused.text
    assert fresh(project_id).status == ReformStatus.DRAFT
    # Cleared, the enterprise files.
    assert official.submit(page, {"note": "名单有误"}).status_code == 302
    assert move(owner, project_id).status_code == 302


def test_a_project_without_contract_or_with_a_suspended_provider_is_refused(world):
    w = world
    owner, project_id = draft(w)
    empty = move(owner, project_id)
    assert empty.status_code == 409 and "contract" in empty.text.lower() + "合同"
    assert add_contract(owner, project_id, w.places[1]).status_code == 302
    w.places[1] = db.session.merge(w.places[1])
    w.places[1].status = PoolStatus.SUSPENDED
    db.session.commit()
    suspended = move(owner, project_id)
    assert suspended.status_code == 409 and "长春云仿真软件有限公司" in suspended.text
    assert fresh(project_id).status == ReformStatus.DRAFT


def test_a_contract_outside_the_project_period_is_refused(world):
    w = world
    owner, project_id = draft(w)
    late = add_contract(
        owner, project_id, w.places[0], starts_on="2027-02-01", ends_on="2027-03-01"
    )
    assert late.status_code == 302
    refused = move(owner, project_id)
    assert refused.status_code == 409 and "吉数数字化转型服务有限公司" in refused.text


def test_other_parties_and_wrong_roles(world):
    w = world
    owner, project_id = draft(w)
    # A draft is the enterprise's own: nobody else reads it.
    for user in (w.stranger, w.county_official, w.official, w.vendors[0]):
        assert browser_for(w.app, user).get(f"/reform/{project_id}").status_code == 404
    stranger = browser_for(w.app, w.stranger)
    assert add_contract(stranger, project_id, w.places[0]).status_code == 404
    # An enterprise may not decide; an authority may not file.
    assert decide(owner, project_id, "county_agree").status_code == 403
    official = browser_for(w.app, w.official)
    assert official.get("/reform/new").status_code == 403
    # The flags of an enterprise outside the authority's region are not found.
    outside = factories.organisation(region="310115")
    db.session.commit()
    assert official.get(f"/reform/enterprises/{outside.id}/exclusions").status_code == 404
    assert owner.get(f"/reform/enterprises/{w.enterprise.id}/exclusions").status_code == 403
    # Another enterprise's engagement cannot be chosen.
    other = stranger.submit("/reform/new", {"engagement": str(w.engagement.id), **PROJECT})
    assert other.status_code == 422


def test_the_roster_import_sets_and_clears_the_flags(world):
    w = world
    code = w.enterprise.credit_code
    assert exclusions.import_flags({code: {ExclusionFlag.NATIONAL_PILOT_2022: True}}) == 1
    assert exclusions.import_flags({code: {ExclusionFlag.NATIONAL_PILOT_2022: True}}) == 0
    assert set(exclusions.flags_of(code)) == {ExclusionFlag.NATIONAL_PILOT_2022}
    assert exclusions.import_flags({code: {ExclusionFlag.NATIONAL_PILOT_2022: False}}) == 1
    assert exclusions.flags_of(code) == {}


def test_the_lists_filter_export_and_run_a_bounded_number_of_queries(world, count_queries):
    w = world
    owner, project_id = draft(w)
    assert add_contract(owner, project_id, w.places[0]).status_code == 302
    assert move(owner, project_id).status_code == 302
    county = browser_for(w.app, w.county_official)
    listing = county.get("/reform/").text
    assert "冲压车间数字化改造" in listing
    assert "冲压车间数字化改造" in county.get("/reform/?provider=吉数&status=awaiting_county").text
    assert "冲压车间数字化改造" not in county.get("/reform/?provider=北方").text
    assert "冲压车间数字化改造" in county.get("/reform/?scenario=2.3&region=220102").text
    assert "冲压车间数字化改造" not in county.get("/reform/?region=220104").text
    assert "冲压车间数字化改造" not in browser_for(w.app, w.other_official).get("/reform/").text
    workbook = openpyxl.load_workbook(io.BytesIO(county.get("/reform/export.xlsx").data))
    cells = [c.value for row in workbook.active.iter_rows() for c in row]
    assert "冲压车间数字化改造" in cells and w.enterprise.credit_code in cells

    def measure(browser, url):
        with count_queries() as counter:
            assert browser.get(url).status_code == 200
        return counter.count

    pages = (
        (county, "/reform/"),
        (county, f"/reform/{project_id}"),
        (owner, "/reform/"),
        (owner, f"/reform/{project_id}"),
    )
    before = [measure(b, u) for b, u in pages]
    for n in range(10):
        project = ReformProject(
            engagement_id=w.engagement.id,
            programme_key="changchun_pilot",
            authority_id=w.city.id,
            county_authority_id=w.county.id,
            enterprise_id=w.enterprise.id,
            name=f"改造项目{n}",
            scenario_codes=["2.3.1"],
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 12, 31),
            budget=1000,
            status=ReformStatus.AWAITING_COUNTY,
            created_by_id=w.owner.id,
        )
        db.session.add(project)
    db.session.commit()
    after = [measure(b, u) for b, u in pages]
    assert all(a <= b for a, b in zip(after, before, strict=True)), (before, after)
    assert max(after) <= 30, after
