"""Diagnosis engagements (seeds 002, 004): an authority enrols an enterprise of its region with
a provider the programme engages; the provider files the agreement, forms the work group and
goes on site only when the group holds the programme's rules; each refusal comes back with
its reason and writes nothing; the other parties hear of every move; nobody else sees it."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from blueprints.demo.engagements import fill_forms
from models import (
    Assessment,
    AssessmentStatus,
    DiagnosisEngagement,
    DiagnosisEngagementEvent,
    EngagementStatus,
    Notification,
    OrgKind,
    Role,
)
from tests import factories
from tests.functional.engagements.helpers import sign_in_as
from tests.functional.projects.helpers import PDF
from tests.functional.roster.helpers import on_roster

TODAY = date.today()


def enrol(browser, people, programme="changchun_pilot", **changes):
    sign_in_as(browser, people["authority"])
    data = {
        "programme": programme,
        "credit_code": people["enterprise_org"].credit_code,
        "provider": str(people["provider"].id),
        **changes,
    }
    return browser.submit("/engagements/", data)


def the_engagement() -> DiagnosisEngagement:
    db.session.expire_all()
    return db.session.scalars(sa.select(DiagnosisEngagement)).one()


def file_agreement(browser, people, engagement_id, signed_on=TODAY, name="协议.pdf", data=PDF):
    sign_in_as(browser, people["expert"])
    page = f"/engagements/{engagement_id}"
    return browser.submit(
        page,
        {"signed_on": signed_on.isoformat(), "scan": (BytesIO(data), name)},
        action=f"{page}/agreement",
        content_type="multipart/form-data",
    )


def add(browser, engagement_id, name, *, title="mid", lead=False, expert=False, pledged=True):
    page = f"/engagements/{engagement_id}"
    data = {"name": name, "unit": "吉数", "title": title}
    data |= {"lead": "y"} if lead else {}
    data |= {"expert": "y"} if expert else {}
    data |= {"pledged_on": TODAY.isoformat()} if pledged else {}
    return browser.submit(page, data, action=f"{page}/members")


def forms_filled(people, engagement_id):
    """The forms the programme asks before going on site, filled in (the enterprise has
    self-assessed); none in Changchun."""
    if not db.session.scalar(sa.select(sa.func.count(Assessment.id))):
        factories.assessment(people["enterprise_org"], status=AssessmentStatus.APPROVED)
    fill_forms(db.session.get(DiagnosisEngagement, engagement_id), "start",
               provider=people["expert"], enterprise=people["enterprise"], day=TODAY)  # fmt: skip
    db.session.commit()


def start(browser, engagement_id):
    page = f"/engagements/{engagement_id}"
    return browser.submit(page, {}, action=f"{page}/start")


def titles_for(user) -> list[str]:
    return list(
        db.session.scalars(sa.select(Notification.title).where(Notification.user_id == user.id))
    )


def test_an_authority_enrols_and_the_parties_are_told(browser, people):
    response = enrol(browser, people)
    assert response.status_code == 302
    engagement = the_engagement()
    assert engagement.status == EngagementStatus.ENROLLED
    assert engagement.authority_id == people["authority"].organisation_id
    assert titles_for(people["expert"]) and titles_for(people["enterprise"])
    assert titles_for(people["authority"]) == []  # nobody hears of their own act
    dashboard = sign_in_as(browser, people["expert"]).get("/dashboard").text
    assert "agreements_to_file" in dashboard


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ("wrong check digit", "credit_code", "校验位"),
        ({"credit_code": "9122010"}, "credit_code", "18"),
        ({"credit_code": "91220101MA0Y1C2D3"}, "credit_code", "18"),
        ({"programme": "nope"}, "programme", ""),
    ],
)
def test_a_bad_enrolment_comes_back_beside_its_field(browser, people, changes, field, message):
    if changes == "wrong check digit":
        code = people["enterprise_org"].credit_code
        changes = {"credit_code": code[:-1] + ("1" if code[-1] != "1" else "2")}
    response = enrol(browser, people, **changes)
    assert response.status_code == 422
    assert "is-invalid" in response.text and message in response.text
    assert db.session.scalar(sa.select(sa.func.count(DiagnosisEngagement.id))) == 0


def test_an_enterprise_outside_the_region_or_a_wrong_provider_is_refused(browser, people):
    elsewhere = factories.organisation(region="310115")
    response = enrol(browser, people, credit_code=elsewhere.credit_code)
    assert response.status_code == 422 and "不在您的辖区" in response.text
    consultancy = factories.organisation(OrgKind.CONSULTANCY, region="220100")
    response = enrol(browser, people, provider=str(consultancy.id))
    assert response.status_code == 422
    # Seed 002 engages service providers only; seed 004 evaluation bodies too.
    body = factories.organisation(OrgKind.EVALUATION_BODY, region="220100")
    assert enrol(browser, people, "nmg_offline", provider=str(body.id)).status_code == 422
    assert enrol(browser, people, "changchun_pilot", provider=str(body.id)).status_code == 302


def test_an_enterprise_is_enrolled_once_per_programme(browser, people):
    assert enrol(browser, people).status_code == 302
    again = enrol(browser, people)
    assert again.status_code == 422 and "已纳入" in again.text
    assert enrol(browser, people, "nmg_offline").status_code == 302


def test_the_agreement_sets_the_term_and_refuses_bad_files_and_dates(browser, people):
    enrol(browser, people)
    engagement_id = the_engagement().id
    future = file_agreement(browser, people, engagement_id, TODAY + timedelta(days=1))
    assert future.status_code == 422 and "晚于今天" in future.text
    disguised = file_agreement(browser, people, engagement_id, name="协议.pdf", data=b"MZ\x90")
    assert disguised.status_code == 422
    assert the_engagement().status == EngagementStatus.ENROLLED
    assert file_agreement(browser, people, engagement_id).status_code == 302
    engagement = the_engagement()
    assert engagement.status == EngagementStatus.AGREED
    # Seed 004 annex 2: 30 days from signing.
    assert engagement.agreement_ends_on == TODAY + timedelta(days=30)
    download = browser.get(f"/engagements/{engagement_id}/agreement")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    assert titles_for(people["authority"])[-1:] and "备案" in titles_for(people["authority"])[-1]


def _agreed(browser, people, programme="changchun_pilot") -> int:
    enrol(browser, people, programme)
    engagement_id = the_engagement().id
    assert file_agreement(browser, people, engagement_id).status_code == 302
    return engagement_id


@pytest.mark.parametrize("programme", ["changchun_pilot", "nmg_offline"])
def test_a_team_of_two_does_not_go_on_site(browser, people, programme):
    engagement_id = _agreed(browser, people, programme)
    add(browser, engagement_id, "郑专家", title="senior", lead=True, expert=True)
    add(browser, engagement_id, "冯工")
    page = browser.get(f"/engagements/{engagement_id}").text
    assert "少于" in page or "至少" in page
    refused = start(browser, engagement_id)
    assert refused.status_code == 409 and "3" in refused.text
    assert the_engagement().status == EngagementStatus.AGREED


@pytest.mark.parametrize("programme", ["changchun_pilot", "nmg_offline"])
def test_a_lead_who_is_no_expert_is_refused(browser, people, programme):
    engagement_id = _agreed(browser, people, programme)
    add(browser, engagement_id, "郑工", title="senior", lead=True, expert=False)
    add(browser, engagement_id, "冯工")
    add(browser, engagement_id, "王工")
    refused = start(browser, engagement_id)
    assert refused.status_code == 409 and "郑工" in refused.text


def test_changchun_wants_an_engineer_title_and_inner_mongolia_does_not(browser, people):
    for programme, expected in (("nmg_offline", 302), ("changchun_pilot", 409)):
        engagement_id = _agreed(browser, people, programme)
        add(browser, engagement_id, "郑专家", title="assistant", lead=True, expert=True)
        add(browser, engagement_id, "冯助工", title="assistant")
        add(browser, engagement_id, "王助工", title="none")
        forms_filled(people, engagement_id)
        assert start(browser, engagement_id).status_code == expected, programme
        db.session.execute(sa.delete(DiagnosisEngagement))  # the next programme's turn
        db.session.commit()


def test_a_member_without_the_pledge_keeps_the_team_off_site(browser, people):
    engagement_id = _agreed(browser, people)
    add(browser, engagement_id, "郑专家", title="senior", lead=True, expert=True)
    add(browser, engagement_id, "冯工")
    add(browser, engagement_id, "王工", pledged=False)
    refused = start(browser, engagement_id)
    assert refused.status_code == 409 and "王工" in refused.text


def test_a_full_team_goes_on_site_and_is_then_fixed(browser, people):
    engagement_id = _agreed(browser, people)
    add(browser, engagement_id, "郑专家", title="senior", lead=True, expert=True)
    add(browser, engagement_id, "冯工")
    add(browser, engagement_id, "王工", title="assistant")
    second_lead = add(browser, engagement_id, "赵工", lead=True)
    assert second_lead.status_code == 422 and "郑专家" in second_lead.text
    assert start(browser, engagement_id).status_code == 302
    engagement = the_engagement()
    assert engagement.status == EngagementStatus.ON_SITE
    assert [m.name for m in engagement.members] == ["郑专家", "冯工", "王工"]
    assert add(browser, engagement_id, "迟到者").status_code == 409
    actions = db.session.scalars(
        sa.select(DiagnosisEngagementEvent.action).order_by(DiagnosisEngagementEvent.id)
    ).all()
    assert actions == ["enrol", "file_agreement", "start"]
    assert any("入企" in t for t in titles_for(people["enterprise"]))


def test_withdrawal_asks_first_and_frees_the_enterprise(browser, people):
    enrol(browser, people)
    engagement_id = the_engagement().id
    page = f"/engagements/{engagement_id}"
    unconfirmed = browser.submit(page, {"comment": "企业停产"}, action=f"{page}/withdraw")
    assert unconfirmed.status_code == 422
    # The provider may not withdraw.
    sign_in_as(browser, people["expert"])
    assert browser.submit(page, {"comment": "x", "confirm": "y"}, action=f"{page}/withdraw"
                          ).status_code == 403  # fmt: skip
    sign_in_as(browser, people["authority"])
    done = browser.submit(page, {"comment": "企业停产", "confirm": "y"}, action=f"{page}/withdraw")
    assert done.status_code == 302
    assert the_engagement().status == EngagementStatus.WITHDRAWN
    assert enrol(browser, people).status_code == 302  # a withdrawn engagement frees it


def test_nobody_else_sees_an_engagement(browser, people):
    enrol(browser, people)
    engagement_id = the_engagement().id
    strangers = [
        factories.user(factories.organisation(region="220102")),
        factories.user(factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100")),
        factories.user(factories.organisation(OrgKind.AUTHORITY, region="220100")),
    ]
    for stranger in strangers:
        sign_in_as(browser, stranger)
        assert browser.get(f"/engagements/{engagement_id}").status_code == 404
        assert browser.get(f"/engagements/{engagement_id}/agreement").status_code == 404
        listed = browser.get("/engagements/")
        assert f'data-engagement="{engagement_id}"' not in listed.text
    # Another provider cannot touch the work group even by guessing the id.
    sign_in_as(browser, strangers[1])
    assert add(browser, engagement_id, "x").status_code in (403, 404)
    alliance = factories.alliance_staff()
    sign_in_as(browser, alliance)
    assert browser.get("/engagements/").status_code == 403


def test_the_list_filters_exports_and_costs_the_same(browser, people, count_queries):
    enrol(browser, people)
    sign_in_as(browser, people["expert"])

    def cost() -> int:
        with count_queries() as counter:
            assert browser.get("/engagements/?status=enrolled").status_code == 200
        return counter.count

    few = cost()
    for _ in range(8):
        org = factories.organisation(region="220102")
        sign_in_as(browser, people["authority"])
        enrol(browser, people, credit_code=org.credit_code)
    sign_in_as(browser, people["expert"])
    assert cost() == few
    assert "data-engagement" not in browser.get("/engagements/?status=on_site").text
    book = openpyxl.load_workbook(BytesIO(browser.get("/engagements/export.xlsx").data))
    assert book.active.max_row == 1 + 9


def test_a_diagnostician_account_has_its_role(app_ctx):
    user = factories.user(factories.organisation(OrgKind.THINK_TANK, region="220100"))
    assert user.role == Role.DIAGNOSTICIAN


def test_an_authority_enrols_from_its_roster(browser, people):
    """A roster enterprise with an account links to the enrolment form, filled and open."""
    code = people["enterprise_org"].credit_code
    on_roster(people["authority"], "220102", code=code, name="名录企业")
    on_roster(people["authority"], "220102")  # no account: nothing to enrol yet
    db.session.commit()
    sign_in_as(browser, people["authority"])
    roster = browser.get("/roster/").text
    assert roster.count("/engagements/?credit_code=") == 1
    form = browser.get(f"/engagements/?credit_code={code}").text
    assert 'id="enrol" open' in form and f'value="{code}"' in form
