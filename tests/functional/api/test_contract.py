"""Every response of every /api/v1 endpoint matches the OpenAPI document: schemathesis
generates the calls from the document (valid and invalid input alike) and checks status codes,
content types, headers and bodies against it, on SQLite and PostgreSQL; no input gives a 5xx.
And the limits: counted per key and per address, told in RateLimit and Retry-After headers."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from app.extensions import db
from models import ApiScope, Assessment, Audit, OrgKind, ProjectStatus
from tests import factories
from tests.conftest import make_test_app, migrate_and_seed
from tests.functional.campaigns.province import launch


@pytest.fixture
def api_schema(app, app_ctx):
    parties = factories.Parties()
    issued = factories.certificate(parties)
    project = factories.project(parties, ProjectStatus.STAGE2_PLANNED)
    audit_id = db.session.scalar(
        sa.select(sa.func.max(Audit.id)).where(Audit.project_id == project.id)
    )
    # The lead evaluator's key: a party to the project, on the audit's team; and an authority's
    # over the enterprise's region, for the self-assessments and campaigns.
    made = factories.api_key(parties.lead)
    authority = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310000"))
    campaign = launch(authority, date.today(), 20, "上海市评估")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.auth_headers = {"Authorization": f"Bearer {made.token}"}
    schema.authority_headers = {
        "Authorization": f"Bearer {factories.api_key(authority, scopes=list(ApiScope)).token}"
    }
    # Real numbers and codes among the generated ones: the 200 answers are checked too.
    schema.known = {
        "number": issued.number,
        "credit_code": parties.enterprise_org.credit_code,
        "project_id": project.id,
        "audit_id": audit_id,
        "assessment_id": db.session.scalar(
            sa.select(Assessment.id).where(Assessment.organisation_id == parties.enterprise_org.id)
        ),
        "campaign_id": campaign.id,
    }
    return schema


def _answers_as_documented(operation, auth: dict[str, str]) -> set[int]:
    """Run the generated calls of one operation; the statuses they got."""
    statuses: set[int] = set()
    # A cursor is opaque: one of the documented form that this interface did not write is
    # refused (422), by design, so "schema-valid input is accepted" cannot hold there.
    paged = ("/api/v1/certificates", "/api/v1/projects", "/api/v1/assessments", "/api/v1/campaigns")
    excluded = [positive_data_acceptance] if operation.path in paged else []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        response = case.call(headers=auth)
        assert response.status_code < 500, response.text
        case.validate_response(response, excluded_checks=excluded, headers=auth)
        statuses.add(response.status_code)

    check()
    return statuses


def test_every_answer_matches_the_document(api_schema):
    operations = {result.ok().path: result.ok() for result in api_schema.get_all_operations()}
    assert len(operations) == 11
    statuses = {
        path: _answers_as_documented(operation, _auth_for(api_schema, path))
        for path, operation in operations.items()
    }
    # The key was taken: the keyed operations answered (not only refused).
    assert 200 in statuses["/api/v1/certificates"]
    assert 200 in statuses["/api/v1/certificates/verify"]
    assert 200 in statuses["/api/v1/projects"]
    assert 200 in statuses["/api/v1/assessments"]
    assert 200 in statuses["/api/v1/campaigns"]
    assert 200 in statuses["/api/v1/enterprises/check"]


_AUTHORITY_PATHS = ("/api/v1/assessments", "/api/v1/campaigns", "/api/v1/enterprises")


def _auth_for(schema, path: str) -> dict[str, str]:
    return schema.authority_headers if path.startswith(_AUTHORITY_PATHS) else schema.auth_headers


def test_the_known_certificate_validates_too(api_schema):
    operation = api_schema["/api/v1/certificates/{number}"]["GET"]
    case = operation.Case(path_parameters={"number": api_schema.known["number"]})
    response = case.call()
    assert response.status_code == 200
    case.validate_response(response)
    bulk = api_schema["/api/v1/certificates/verify"]["POST"]
    case = bulk.Case(body={"items": [api_schema.known["number"], api_schema.known["credit_code"]]})
    response = case.call(headers=api_schema.auth_headers)
    assert response.status_code == 200
    case.validate_response(response, headers=api_schema.auth_headers)
    known = api_schema.known
    calls = [
        ("/api/v1/projects/{project_id}", "GET", {"project_id": known["project_id"]}, None, 200),
        ("/api/v1/audits/{audit_id}/findings", "GET", {"audit_id": known["audit_id"]}, None, 200),
        (
            "/api/v1/audits/{audit_id}/findings",
            "POST",
            {"audit_id": known["audit_id"]},
            {"kind": "major", "clause_code": "5.1", "description": "未建立管理评审程序"},
            201,
        ),
    ]
    calls += [
        (
            "/api/v1/assessments/{assessment_id}",
            "GET",
            {"assessment_id": known["assessment_id"]},
            None,
            200,
        ),
        (
            "/api/v1/campaigns/{campaign_id}/progress",
            "GET",
            {"campaign_id": known["campaign_id"]},
            None,
            200,
        ),
        ("/api/v1/enterprises/check", "POST", {}, {"credit_codes": [known["credit_code"]]}, 200),
    ]
    for path, method, parameters, body, status in calls:
        operation = api_schema[path][method]
        case = (
            operation.Case(path_parameters=parameters, body=body)
            if body
            else operation.Case(path_parameters=parameters)
        )
        auth = _auth_for(api_schema, path)
        response = case.call(headers=auth)
        assert response.status_code == status, response.text
        case.validate_response(response, headers=auth)


# --- limits -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def limited_app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('limits')}/limits.sqlite3"
    app = make_test_app(
        url, API_PUBLIC_RATE_LIMIT="3 per minute", API_KEY_RATE_LIMIT="2 per minute"
    )
    migrate_and_seed(app)
    return app


def test_the_public_lookup_is_limited_per_address(limited_app):
    client = limited_app.test_client()
    answers = [client.get("/api/v1/certificates/NONE") for _ in range(4)]
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert answers[0].headers["RateLimit-Limit"] == "3"
    assert answers[1].headers["RateLimit-Remaining"] == "1"
    refused = answers[3]
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    other = client.get("/api/v1/certificates/NONE", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404


def test_keyed_calls_are_limited_per_key(limited_app):
    with limited_app.app_context():
        admin = factories.user(factories.organisation(), is_org_admin=True)
        tokens = [factories.api_key(admin).token for _ in range(2)]
        db.session.commit()
    client = limited_app.test_client()

    def call(token):
        return client.get("/api/v1/certificates", headers={"Authorization": f"Bearer {token}"})

    assert [call(tokens[0]).status_code for _ in range(3)] == [200, 200, 429]
    assert call(tokens[1]).status_code == 200  # another key, its own count
