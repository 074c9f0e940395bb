"""/api/v1: keys made on their page and shown once, the public and keyed certificate endpoints,
problem details in the caller's language, bounded queries, refusals of every kind."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db
from blueprints.api import keys
from models import ApiKey, ApiScope, CertificateStatus, Notification
from tests import factories
from tests.conftest import csrf_from


@pytest.fixture
def parties(app_ctx):
    return factories.Parties()


@pytest.fixture
def issued(parties):
    return factories.certificate(parties)


def _key(user, scopes=(ApiScope.CERTIFICATES_READ,), days=30) -> str:
    return factories.api_key(user, scopes=scopes, days=days).token


def _auth(token: str, lang: str = "zh") -> dict:
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


# --- the public lookup --------------------------------------------------------------------------


def test_a_certificate_by_number_with_its_live_status(client, issued):
    response = client.get(f"/api/v1/certificates/{issued.number.lower()}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["number"] == issued.number
    assert body["status"] == "valid"
    assert body["credit_code"] == issued.organisation.credit_code
    assert body["effective_on"] == issued.effective_on.isoformat()
    assert body["url"].endswith(f"/certificates/{issued.number}")
    # What the verification page shows: past its expiry date a valid certificate is expired.
    issued.expires_on = date.today() - timedelta(days=1)
    db.session.flush()
    assert client.get(f"/api/v1/certificates/{issued.number}").get_json()["status"] == "expired"


def test_an_unknown_number_is_a_problem_in_the_callers_language(client, app_ctx):
    zh = client.get("/api/v1/certificates/NOPE-1", headers={"Accept-Language": "zh-CN"})
    en = client.get("/api/v1/certificates/NOPE-1", headers={"Accept-Language": "en"})
    for response in (zh, en):
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["code"] == "not_found"
        assert response.get_json()["instance"] == "/api/v1/certificates/NOPE-1"
    assert en.get_json()["detail"] == "No certificate has this number."
    assert zh.get_json()["detail"] != en.get_json()["detail"]
    assert zh.headers["Content-Language"] == "zh"


def test_a_path_the_api_does_not_have_is_a_problem_too(client, app_ctx):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong_method = client.delete("/api/v1/certificates/X")
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["code"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["Allow"]


# --- keys ---------------------------------------------------------------------------------------


def test_a_key_is_shown_once_and_kept_as_a_hash(browser, parties):
    admin = parties.enterprise
    browser.login(admin.email, factories.PASSWORD)
    expires = (date.today() + timedelta(days=90)).isoformat()
    made = browser.submit(
        "/api-keys/",
        {"name": "省平台", "scopes": ["certificates:read"], "expires_on": expires},
    )
    assert made.status_code == 201
    assert made.headers["Cache-Control"] == "no-store"
    html = made.get_data(as_text=True)
    token = html.split('id="token">', 1)[1].split("<", 1)[0]
    assert token.startswith("cp_")
    row = db.session.scalars(
        sa.select(ApiKey).where(ApiKey.organisation_id == admin.organisation_id)
    ).one()
    secret = token.split("_", 2)[2]
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in row.secret_hash and row.prefix in token
    assert row.scopes == ["certificates:read"] and row.created_by_id == admin.id
    # Never again: the list names the key by its prefix only.
    again = browser.get("/api-keys/").get_data(as_text=True)
    assert token not in again and f"cp_{row.prefix}_…" in again
    assert browser.client.get("/api/v1/certificates", headers=_auth(token)).status_code == 200


def test_a_refused_key_form_comes_back_with_the_errors_and_the_input(browser, parties):
    browser.login(parties.enterprise.email, factories.PASSWORD)
    too_late = (date.today() + timedelta(days=keys.MAX_LIFETIME_DAYS + 1)).isoformat()
    refused = browser.submit("/api-keys/", {"name": "夜间核验", "expires_on": too_late})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "夜间核验" in html and "invalid-feedback" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 0


def test_only_an_organisations_administrators_manage_its_keys(browser, parties):
    member = factories.user(parties.enterprise_org)  # not an administrator
    browser.login(member.email, factories.PASSWORD)
    assert browser.get("/api-keys/").status_code == 403


def test_another_organisations_key_cannot_be_revoked(browser, parties):
    other = factories.user(factories.organisation(), is_org_admin=True)
    _key(other)
    theirs = db.session.scalars(sa.select(ApiKey)).one()
    browser.login(parties.enterprise.email, factories.PASSWORD)
    response = browser.submit(
        "/api-keys/", {"confirm": "y"}, action=f"/api-keys/{theirs.id}/revoke"
    )
    assert response.status_code == 404
    assert theirs.revoked_at is None


def test_a_revoked_key_is_refused_and_the_administrators_hear_of_it(browser, parties, issued):
    other_admin = factories.user(parties.enterprise_org, is_org_admin=True)
    token = _key(parties.enterprise)
    key = db.session.scalars(sa.select(ApiKey)).one()
    browser.login(parties.enterprise.email, factories.PASSWORD)
    unconfirmed = browser.submit("/api-keys/", {}, action=f"/api-keys/{key.id}/revoke")
    assert unconfirmed.status_code == 422 and key.revoked_at is None
    done = browser.submit("/api-keys/", {"confirm": "y"}, action=f"/api-keys/{key.id}/revoke")
    assert done.status_code == 302
    db.session.refresh(key)
    assert key.revoked_at is not None and key.revoked_by_id == parties.enterprise.id
    refused = browser.client.get("/api/v1/certificates", headers=_auth(token, "en"))
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert "not valid" in refused.get_json()["detail"]
    titles = db.session.scalars(
        sa.select(Notification.title).where(Notification.user_id == other_admin.id)
    ).all()
    assert len(titles) == 2  # made, then revoked
    again = browser.submit("/api-keys/", {"confirm": "y"}, action=f"/api-keys/{key.id}/revoke")
    assert again.status_code == 409


def test_expired_malformed_and_absent_keys_are_refused(client, parties, issued, time_machine):
    token = _key(parties.enterprise, days=1)
    assert client.get("/api/v1/certificates", headers=_auth(token)).status_code == 200
    for header in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": token}):
        response = client.get("/api/v1/certificates", headers=header)
        assert response.status_code == 401, header
        assert response.get_json()["code"] == "unauthorized"
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get("/api/v1/certificates", headers=_auth(tampered)).status_code == 401
    time_machine.move_to(utcnow() + timedelta(days=2))
    assert client.get("/api/v1/certificates", headers=_auth(token)).status_code == 401


def test_a_key_stops_with_its_makers_account(client, parties, issued):
    token = _key(parties.enterprise)
    parties.enterprise.active = False
    db.session.flush()
    assert client.get("/api/v1/certificates", headers=_auth(token)).status_code == 401


def test_a_key_without_the_scope_is_forbidden(client, parties):
    token = _key(parties.enterprise, scopes=())
    response = client.get("/api/v1/certificates", headers=_auth(token, "en"))
    assert response.status_code == 403
    assert "certificates:read" in response.get_json()["detail"]


def test_a_session_cookie_stands_for_nobody_in_the_api(browser, parties):
    browser.login(parties.enterprise.email, factories.PASSWORD)
    assert browser.client.get("/api/v1/certificates").status_code == 401
    # And a POST needs no CSRF token, since no cookie can stand for anyone.
    response = browser.client.post("/api/v1/certificates/verify", json={"items": ["X"]})
    assert response.status_code == 401


def test_the_last_use_is_recorded_once_a_minute(client, parties, issued):
    token = _key(parties.enterprise)
    key = db.session.scalars(sa.select(ApiKey)).one()
    assert key.last_used_at is None
    client.get("/api/v1/certificates", headers=_auth(token))
    db.session.refresh(key)
    first = key.last_used_at
    assert first is not None
    client.get("/api/v1/certificates", headers=_auth(token))
    db.session.refresh(key)
    assert key.last_used_at == first


# --- the register -------------------------------------------------------------------------------


def test_the_register_by_credit_code_and_by_pages(client, parties, issued):
    others = [factories.certificate(factories.Parties()) for _ in range(4)]
    token = _key(parties.enterprise)
    mine = client.get(
        "/api/v1/certificates",
        query_string={"credit_code": issued.organisation.credit_code},
        headers=_auth(token),
    ).get_json()
    assert [item["number"] for item in mine["items"]] == [issued.number]
    assert mine["next_cursor"] is None
    seen, cursor = [], None
    while True:
        args = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/certificates", query_string=args, headers=_auth(token))
        assert page.status_code == 200
        body = page.get_json()
        seen += [item["number"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    expected = {c.number for c in [issued, *others]}
    assert set(seen) >= expected and len(seen) == len(set(seen))


def test_the_register_by_status_region_and_dates(client, parties, issued):
    suspended = factories.certificate(factories.Parties(), CertificateStatus.SUSPENDED)
    token = _key(parties.enterprise)

    def numbers(**args):
        response = client.get("/api/v1/certificates", query_string=args, headers=_auth(token))
        assert response.status_code == 200, response.get_json()
        return {item["number"] for item in response.get_json()["items"]}

    assert suspended.number in numbers(status="suspended")
    assert issued.number not in numbers(status="suspended")
    assert issued.number in numbers(region="31")
    assert issued.number not in numbers(region="44")
    day = issued.effective_on
    assert issued.number in numbers(effective_from=day.isoformat(), effective_to=day.isoformat())
    assert issued.number not in numbers(effective_from=(day + timedelta(days=1)).isoformat())


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"region": "广东"}, "region"),
        ({"status": "gone"}, "status"),
        ({"effective_from": "2026-02-30"}, "effective_from"),
        ({"credit_code": "123"}, "credit_code"),
        ({"colour": "red"}, "colour"),
        ({"cursor": "bm9wZQ"}, "query.cursor"),
    ],
)
def test_a_refused_filter_names_the_field(client, parties, args, field):
    token = _key(parties.enterprise)
    response = client.get("/api/v1/certificates", query_string=args, headers=_auth(token, "en"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "invalid_input"
    assert [error["field"] for error in body["errors"]] == [field]
    assert all(error["message"] for error in body["errors"])


# --- bulk verification --------------------------------------------------------------------------


def test_bulk_verification_answers_each_item_in_order(client, parties, issued):
    superseded = factories.certificate(factories.Parties(), CertificateStatus.SUPERSEDED)
    token = _key(parties.enterprise)
    unknown_code = factories.credit_code()
    items = [
        issued.number.lower(),
        "CSAIII-NOPE",
        parties.enterprise_org.credit_code,
        unknown_code,
        superseded.number,
    ]
    response = client.post(
        "/api/v1/certificates/verify", json={"items": items}, headers=_auth(token)
    )
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["query"] for r in results] == items
    assert [r["kind"] for r in results] == [
        "number",
        "number",
        "credit_code",
        "credit_code",
        "number",
    ]
    assert [r["found"] for r in results] == [True, False, True, False, True]
    assert results[2]["certificates"][0]["number"] == issued.number
    assert results[4]["certificates"][0]["status"] == "superseded"


def test_bulk_verification_of_100_runs_a_bounded_number_of_queries(
    client, parties, issued, count_queries
):
    token = _key(parties.enterprise)
    codes = [factories.credit_code() for _ in range(50)]
    small = [issued.number, parties.enterprise_org.credit_code]
    large = [issued.number, *[f"CSAIII-X{i:04d}" for i in range(49)], *codes]
    client.post("/api/v1/certificates/verify", json={"items": small}, headers=_auth(token))
    with count_queries() as few:
        client.post("/api/v1/certificates/verify", json={"items": small}, headers=_auth(token))
    with count_queries() as many:
        response = client.post(
            "/api/v1/certificates/verify", json={"items": large}, headers=_auth(token)
        )
    assert response.status_code == 200 and len(response.get_json()["results"]) == 100
    assert many.count == few.count <= 4


@pytest.mark.parametrize(
    "payload",
    [
        {"items": []},
        {"items": ["X"] * 101},
        {"items": ["X" * 41]},
        {"items": "CSAIII"},
        {"items": [1]},
        {"numbers": ["X"]},
        None,
    ],
)
def test_a_refused_bulk_request_is_a_422_problem(client, parties, payload):
    token = _key(parties.enterprise)
    response = client.post("/api/v1/certificates/verify", json=payload, headers=_auth(token))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"]


def test_a_body_that_is_not_json_is_refused(client, parties):
    token = _key(parties.enterprise)
    response = client.post(
        "/api/v1/certificates/verify",
        data="items=1",
        headers={**_auth(token), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 422


# --- the document -------------------------------------------------------------------------------


def test_the_document_is_openapi_3_1_in_both_languages(client, app_ctx):
    zh = client.get("/api/v1/openapi.json", headers={"Accept-Language": "zh"}).get_json()
    en = client.get("/api/v1/openapi.json?lang=en").get_json()
    assert zh["openapi"].startswith("3.1")
    assert set(zh["paths"]) == {
        "/api/v1/certificates/{number}",
        "/api/v1/certificates",
        "/api/v1/certificates/verify",
        "/api/v1/projects",
        "/api/v1/projects/{project_id}",
        "/api/v1/audits/{audit_id}/findings",
        "/api/v1/assessments",
        "/api/v1/assessments/{assessment_id}",
        "/api/v1/campaigns",
        "/api/v1/campaigns/{campaign_id}/progress",
        "/api/v1/enterprises/check",
    }
    # Every schema it names is in it, and it describes what webhooks send.
    named = set(re.findall(r"#/components/schemas/(\w+)", json.dumps(zh)))
    assert named <= set(zh["components"]["schemas"])
    assert set(zh["webhooks"]) == {
        "project.state_changed",
        "certificate.status_changed",
        "publicity.batch_opened",
        "ping",
    }
    summary = en["paths"]["/api/v1/certificates/verify"]["post"]["summary"]
    assert summary == "Verify up to 100 numbers or credit codes"
    assert zh["paths"]["/api/v1/certificates/verify"]["post"]["summary"] != summary
    assert zh["components"]["securitySchemes"]["api_key"]["scheme"] == "bearer"
    docs = client.get("/developers/api")
    assert docs.status_code == 200
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in docs.get_data(as_text=True)


def test_the_keys_page_offers_revoking_only_usable_keys(browser, parties):
    _key(parties.enterprise)
    browser.login(parties.enterprise.email, factories.PASSWORD)
    page = browser.get("/api-keys/").get_data(as_text=True)
    assert "/revoke" in page
    key = db.session.scalars(sa.select(ApiKey)).one()
    key.revoked_at = utcnow()
    db.session.flush()
    page = browser.get("/api-keys/").get_data(as_text=True)
    assert "/revoke" not in page
    assert csrf_from(page)
