"""Projects, audits and findings through the API: each kind of caller gets exactly what its web
counterpart gets (generated from the list of keyed endpoints and their pages), another
organisation's objects are 404, a finding is logged under the audit page's own rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.security.permissions import Permission, has_permission
from models import (
    ApiScope,
    Assessment,
    Audit,
    Clause,
    Finding,
    OrgKind,
    Project,
    ProjectStatus,
    Role,
    User,
)
from tests import factories
from tests.conftest import Browser
from tests.functional.campaigns.province import launch


@dataclass(frozen=True)
class Pair:
    """A keyed endpoint and the web page that shows (or does) the same."""

    api: str
    web: str
    method: str = "GET"
    # Where an enterprise (who fills in self-assessments) sees the same, if elsewhere.
    own_web: str | None = None
    # The web page offering what the API's POST does, when the web answers with a file.
    web_page_only: bool = False


@dataclass(frozen=True)
class Ids:
    project: int
    audit: int
    assessment: int
    campaign: int


def _pairs(ids: Ids) -> list[Pair]:
    return [
        Pair("/api/v1/projects", "/projects/"),
        Pair(f"/api/v1/projects/{ids.project}", f"/projects/{ids.project}"),
        Pair(f"/api/v1/audits/{ids.audit}/findings", f"/audits/{ids.audit}"),
        Pair(f"/api/v1/audits/{ids.audit}/findings", f"/audits/{ids.audit}/findings", "POST"),
        Pair("/api/v1/assessments", "/assessments/region", own_web="/assessments/"),
        Pair(f"/api/v1/assessments/{ids.assessment}", f"/assessments/{ids.assessment}"),
        Pair("/api/v1/campaigns", "/campaigns/"),
        Pair(f"/api/v1/campaigns/{ids.campaign}/progress", f"/campaigns/{ids.campaign}"),
        Pair("/api/v1/enterprises/check", "/checks/", "POST", web_page_only=True),
    ]


_PATH_ARGS = ("<int:project_id>", "<int:audit_id>", "<int:assessment_id>", "<int:campaign_id>")


def test_every_keyed_endpoint_has_a_web_counterpart_here(app, app_ctx):
    listed = {(pair.method, pair.api.replace("/1", "/{id}")) for pair in _pairs(Ids(1, 1, 1, 1))}
    keyed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api_v1.") and "certificates" not in rule.rule:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                path = rule.rule
                for arg in _PATH_ARGS:
                    path = path.replace(arg, "{id}")
                keyed.add((method, path))
    assert keyed == listed


@pytest.fixture
def world(app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, ProjectStatus.STAGE2_PLANNED)
    audit = db.session.scalars(
        sa.select(Audit).where(Audit.project_id == project.id).order_by(Audit.id.desc())
    ).first()
    outsider_org = factories.organisation()
    alliance = factories.alliance_staff()
    authority = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310000"))
    campaign = launch(authority, date.today(), 20, "上海市评估")
    assessment_id = db.session.scalar(
        sa.select(Assessment.id).where(Assessment.organisation_id == parties.enterprise_org.id)
    )
    people = {
        "enterprise": parties.enterprise,
        "consultant": parties.consultant,
        "lead evaluator": parties.lead,
        "evaluator off the team": parties.evaluator,
        "alliance staff": alliance,
        "authority": authority,
        "another enterprise": factories.user(outsider_org, is_org_admin=True),
        "another body": factories.user(
            factories.organisation(OrgKind.EVALUATION_BODY), role=Role.EVALUATOR
        ),
    }
    db.session.flush()
    return Ids(project.id, audit.id, assessment_id, campaign.id), people


FINDING = {"kind": "minor", "clause_code": "5.1", "description": "未保留管理评审记录"}


def _web(browser: Browser, pair: Pair, person: User) -> int:
    if pair.method == "GET" or pair.web_page_only:
        fills = has_permission(person, Permission.ASSESSMENT_FILL)
        return browser.get(pair.own_web if pair.own_web and fills else pair.web).status_code
    # The form as a browser would post it, with a token from a page every party sees.
    return browser.submit("/dashboard", FINDING, action=pair.web).status_code


def _body(pair: Pair) -> dict:
    if "enterprises/check" in pair.api:
        return {"credit_codes": ["91310115MA1H7A2X5T"]}
    return FINDING


# The web answers a done form with a redirect, the API with the object it made.
_SAME = {302: 201}


def test_each_caller_gets_what_its_web_counterpart_gets(app, world, client):
    ids, people = world
    clause = db.session.get(Clause, "5.1")
    assert clause is not None and clause.active
    for who, person in people.items():
        token = factories.api_key(person, scopes=list(ApiScope)).token
        browser = Browser(app.test_client())
        assert browser.login(person.email, factories.PASSWORD).status_code == 302, who
        for pair in _pairs(ids):
            web = _web(browser, pair, person)
            headers = {"Authorization": f"Bearer {token}"}
            if pair.method == "GET":
                api = client.get(pair.api, headers=headers).status_code
            else:
                api = client.post(pair.api, json=_body(pair), headers=headers).status_code
            assert _SAME.get(web, web) == api, (who, pair, web, api)


def test_the_projects_a_party_sees(client, world):
    ids, people = world
    token = factories.api_key(people["consultant"]).token
    listed = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {token}"})
    assert [item["id"] for item in listed.get_json()["items"]] == [ids.project]
    one = client.get(
        f"/api/v1/projects/{ids.project}", headers={"Authorization": f"Bearer {token}"}
    )
    body = one.get_json()
    assert body["status"] == "stage2_planned"
    assert (
        body["enterprise"]["credit_code"]
        == db.session.get(Project, ids.project).organisation.credit_code
    )
    assert [a["kind"] for a in body["audits"]] == ["stage1", "stage2"]
    assert body["created_at"].endswith("Z")  # UTC, said
    other = people["another enterprise"]
    token = factories.api_key(other).token
    assert (
        client.get(
            f"/api/v1/projects/{ids.project}", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 404
    )
    assert (
        client.get("/api/v1/projects", headers={"Authorization": f"Bearer {token}"}).get_json()[
            "items"
        ]
        == []
    )


def test_a_finding_logged_by_key_is_the_web_finding(client, world):
    ids, people = world
    token = factories.api_key(people["lead evaluator"]).token
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    made = client.post(f"/api/v1/audits/{ids.audit}/findings", json=FINDING, headers=headers)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["status"] == "open" and body["due_on"]
    finding = db.session.get(Finding, body["id"])
    assert finding.created_by_id == people["lead evaluator"].id
    listed = client.get(f"/api/v1/audits/{ids.audit}/findings", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == [finding.id]
    # The team's rules: off the team, refused with the reason, nothing written.
    token = factories.api_key(people["evaluator off the team"]).token
    refused = client.post(
        f"/api/v1/audits/{ids.audit}/findings",
        json=FINDING,
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert refused.status_code == 409
    assert refused.get_json()["detail"] == "Only members of the audit team log findings."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Finding)) == 1


def test_a_read_key_cannot_write(client, world):
    ids, people = world
    token = factories.api_key(people["lead evaluator"], scopes=[ApiScope.PROJECTS_READ]).token
    response = client.post(
        f"/api/v1/audits/{ids.audit}/findings",
        json=FINDING,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403


def test_project_pages_run_a_bounded_number_of_queries(client, world, count_queries):
    for _ in range(3):
        factories.project(factories.Parties(), ProjectStatus.CERTIFIED)
    token = factories.api_key(factories.alliance_staff()).token
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/projects", headers=headers)
    with count_queries() as few:
        client.get("/api/v1/projects?limit=1", headers=headers)
    with count_queries() as many:
        response = client.get("/api/v1/projects?limit=100", headers=headers)
    assert len(response.get_json()["items"]) >= 4
    assert many.count == few.count <= 3
