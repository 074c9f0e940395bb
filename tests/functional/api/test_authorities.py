"""The authorities' half of the API and its web twin: the self-assessments of a region, the
campaigns' progress, where enterprises stand by credit code (by key, or as an Excel upload);
an enterprise reads its own assessments."""

from __future__ import annotations

from io import BytesIO

import pytest

from models import ApiScope, AssessmentStatus, OrgKind
from tests import factories
from tests.functional.campaigns import province as gd
from tests.functional.roster.helpers import read_xlsx, signed_in, xlsx


@pytest.fixture
def province(app_ctx):
    return gd.build()


def _get(client, path: str, member, **headers):
    token = factories.api_key(member, scopes=[ApiScope.ASSESSMENTS_READ]).token
    return client.get(path, headers={"Authorization": f"Bearer {token}", **headers})


def _post(client, path: str, member, body):
    token = factories.api_key(member, scopes=[ApiScope.ASSESSMENTS_READ]).token
    return client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})


def _names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return sorted(item["enterprise"]["name"] for item in response.get_json()["items"])


def test_an_authority_reads_the_submitted_assessments_of_its_region(client, province):
    # The province: every submitted one (drafts stay the enterprises' own).
    assert _names(_get(client, "/api/v1/assessments", province.province)) == [
        "企业e1",
        "企业e3",
        "企业e4",
        "企业e5",
        "企业e6",
        "企业e7",
    ]
    # A city: its own districts only.
    assert _names(_get(client, "/api/v1/assessments", province.guangzhou)) == ["企业e1", "企业e6"]
    # The web list's filters.
    query = f"/api/v1/assessments?campaign={province.round2.id}"
    assert _names(_get(client, query, province.province)) == ["企业e6"]
    assert _get(client, "/api/v1/assessments?stage=top", province.province).status_code == 422
    query = f"/api/v1/assessments?status=approved&region={gd.FOSHAN[:4]}"
    assert _names(_get(client, query, province.province)) == ["企业e3", "企业e7"]
    assert _names(_get(client, "/api/v1/assessments?q=e4", province.province)) == ["企业e4"]
    assert _names(_get(client, "/api/v1/assessments?status=draft", province.province)) == []
    item = _get(client, "/api/v1/assessments?q=e4", province.province).get_json()["items"][0]
    assert item["status"] == "awaiting_city"
    assert item["stage"] == "basic"
    assert item["campaign"] == "第一轮评估"
    assert item["submitted_at"].endswith("Z")


def test_the_region_list_pages_by_cursor_without_gaps_or_repeats(client, province):
    token = factories.api_key(province.province, scopes=[ApiScope.ASSESSMENTS_READ]).token
    headers = {"Authorization": f"Bearer {token}"}
    seen: list[int] = []
    url = "/api/v1/assessments?limit=2"
    while True:
        body = client.get(url, headers=headers).get_json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        url = f"/api/v1/assessments?limit=2&cursor={body['next_cursor']}"
    assert len(seen) == len(set(seen)) == 6


def test_an_enterprise_reads_its_own_assessments_drafts_included(client, province):
    e1 = factories.user(province.enterprises["e1"], is_org_admin=True)
    items = _get(client, "/api/v1/assessments", e1).get_json()["items"]
    assert sorted(item["status"] for item in items) == ["awaiting_district", "draft"]
    draft = next(item for item in items if item["status"] == "draft")
    one = _get(client, f"/api/v1/assessments/{draft['id']}", e1).get_json()
    assert one["scores"] == [] and one["enterprise"]["name"] == "企业e1"
    # The authority never sees the draft, and another region's authority nothing of e1's.
    assert _get(client, f"/api/v1/assessments/{draft['id']}", province.guangzhou).status_code == 404
    submitted = next(item for item in items if item["status"] != "draft")
    seen = _get(client, f"/api/v1/assessments/{submitted['id']}", province.guangzhou)
    assert seen.status_code == 200
    assert _get(client, f"/api/v1/assessments/{submitted['id']}", province.foshan).status_code == (
        404
    )


def test_a_campaigns_progress_is_the_campaign_pages_table(client, province):
    listed = _get(client, "/api/v1/campaigns", province.guangzhou).get_json()["items"]
    assert [item["title"] for item in listed] == ["第二轮评估", "第一轮评估"]
    url = f"/api/v1/campaigns/{province.round1.id}/progress"
    table = _get(client, url, province.province).get_json()
    assert table["region_code"] == gd.PROVINCE
    assert (table["total"]["participated"], table["total"]["completed"]) == (5, 3)
    separate = next(row for row in table["rows"] if row["region_code"] == gd.SHUNDE)
    assert separate["separate"] and separate["completed"] == 1
    # A region inside the authority's, and one outside it (404, as the page).
    inside = _get(client, f"{url}?region={gd.GUANGZHOU}", province.province).get_json()
    assert inside["total"]["participated"] == 2
    assert _get(client, f"{url}?region={gd.FOSHAN}", province.guangzhou).status_code == 404
    # An enterprise runs no campaign.
    e1 = factories.user(province.enterprises["e1"], is_org_admin=True)
    assert _get(client, "/api/v1/campaigns", e1).status_code == 403


def test_the_enterprise_check_answers_each_code_in_order(client, province):
    e1, e3 = province.enterprises["e1"], province.enterprises["e3"]
    outside = factories.organisation(region="310115")
    invalid = e1.credit_code[:-1] + ("0" if e1.credit_code[-1] != "0" else "1")
    codes = [e1.credit_code, invalid, outside.credit_code, e3.credit_code.lower(), e1.credit_code]
    response = _post(
        client, "/api/v1/enterprises/check", province.province, {"credit_codes": codes}
    )
    results = response.get_json()["results"]
    assert [(r["valid"], r["found"]) for r in results] == [
        (True, True),
        (False, False),
        (True, False),  # not in Guangdong: not told
        (True, True),
        (True, True),
    ]
    first = results[0]
    # e1's last submitted one (its round-2 draft is not an authority's to see).
    assert first["assessment"]["status"] == "awaiting_district"
    assert first["project"] is None and first["certificate"] is None
    assert results[3]["credit_code"] == e3.credit_code
    assert results[2]["enterprise"] is None


def test_the_check_shows_the_project_and_the_certificate(client, app_ctx):
    parties = factories.Parties()
    certificate = factories.certificate(parties)
    authority = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310000"))
    body = {"credit_codes": [parties.enterprise_org.credit_code]}
    result = _post(client, "/api/v1/enterprises/check", authority, body).get_json()["results"][0]
    assert result["assessment"]["status"] == AssessmentStatus.APPROVED.value
    assert result["project"]["status"] == "certified"
    assert result["certificate"] == {
        "number": certificate.number,
        "status": "valid",
        "expires_on": certificate.expires_on.isoformat(),
    }


def test_only_those_who_see_other_organisations_check_them(client, province):
    e1 = factories.user(province.enterprises["e1"], is_org_admin=True)
    body = {"credit_codes": [e1.organisation.credit_code]}
    assert _post(client, "/api/v1/enterprises/check", e1, body).status_code == 403
    alliance = factories.alliance_staff()
    result = _post(client, "/api/v1/enterprises/check", alliance, body).get_json()["results"][0]
    assert result["found"]


def test_the_check_of_100_codes_runs_as_many_queries_as_that_of_one(
    client, province, count_queries
):
    token = factories.api_key(province.province, scopes=[ApiScope.ASSESSMENTS_READ]).token
    headers = {"Authorization": f"Bearer {token}"}
    known = [org.credit_code for org in province.enterprises.values()]
    many = (known * 15)[:93] + [factories.credit_code("440106") for _ in range(7)]
    client.post("/api/v1/enterprises/check", json={"credit_codes": known[:1]}, headers=headers)
    with count_queries() as one:
        client.post("/api/v1/enterprises/check", json={"credit_codes": known[:1]}, headers=headers)
    with count_queries() as hundred:
        answer = client.post(
            "/api/v1/enterprises/check", json={"credit_codes": many}, headers=headers
        )
    assert len(answer.get_json()["results"]) == 100
    assert hundred.count == one.count <= 8


def test_the_region_list_runs_a_bounded_number_of_queries(client, province, count_queries):
    token = factories.api_key(province.province, scopes=[ApiScope.ASSESSMENTS_READ]).token
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/assessments", headers=headers)
    with count_queries() as few:
        client.get("/api/v1/assessments?limit=1", headers=headers)
    with count_queries() as many:
        client.get("/api/v1/assessments?limit=100", headers=headers)
    assert many.count == few.count <= 4


# --- the web page: an Excel in, an Excel out -----------------------------------------------------


def _upload(browser, data: bytes, filename: str = "企业清单.xlsx"):
    return browser.submit(
        "/checks/", {"file": (BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def test_an_authority_uploads_a_list_and_gets_one_row_per_code(client, province):
    browser = signed_in(client, province.province)
    e1, e3 = province.enterprises["e1"], province.enterprises["e3"]
    data = xlsx(
        [["甲", e1.credit_code], ["乙", "91440106MA5XXXXX0X"], ["丙", e3.credit_code]],
        header=["企业", "统一社会信用代码（必填）"],
        title="专项资金申报企业",
    )
    response = _upload(browser, data)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = read_xlsx(response.get_data())
    assert rows[0][0] == "统一社会信用代码"
    assert [row[0] for row in rows[1:]] == [e1.credit_code, "91440106MA5XXXXX0X", e3.credit_code]
    assert rows[1][1] == "企业e1" and rows[1][5] == "待区级审核"
    assert rows[2][-1] == "不是有效的统一社会信用代码（校验位不符）"
    assert rows[3][5] == "已通过"


def test_a_file_without_a_credit_code_column_comes_back_with_the_reason(client, province):
    browser = signed_in(client, province.province)
    response = _upload(browser, xlsx([["甲", "310115"]], header=["企业名称", "区划"]))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is-invalid" in page and "第一个工作表缺少列：统一社会信用代码" in page
    disguised = _upload(browser, b"%PDF-1.4 not a workbook", "list.xlsx")
    assert disguised.status_code == 422


def test_an_enterprise_has_no_check_page(app, client, province):
    e1 = factories.user(province.enterprises["e1"], is_org_admin=True)
    browser = signed_in(client, e1)
    assert browser.get("/checks/").status_code == 403
    assert "/checks/" not in browser.get(f"/orgs/{e1.organisation_id}").get_data(as_text=True)
    authority = signed_in(app.test_client(), province.guangzhou)
    assert 'href="/checks/"' in authority.get("/orgs/").get_data(as_text=True)
