"""The service-provider pool (seed 004 二): a provider applies with products and qualification
files; the authority assigns experts, who record opinions; the authority admits (published for
working days on the holiday calendar — tested with a start inside the National Day holiday) or
refuses; anyone objects during publicity and an objection holds the admission until decided;
a clean publicity puts the provider in the public pool (listed, searched, exported) with its
rating; an enterprise that worked with it rates it; the authority suspends it with a reason and
the demand library no longer offers it. Every hand-over is heard; bad input comes back beside
its field; other organisations' ids are 404; a stale page is 409."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
import time_machine
from bs4 import BeautifulSoup

from app.extensions import db
from blueprints.demand import services as demand
from blueprints.pool import publicity, ratings
from models import (
    DiagnosisEngagement,
    EngagementStatus,
    Notification,
    OrgKind,
    OutboxMessage,
    PoolMember,
    PoolProduct,
    PoolStatus,
    Role,
    SolutionOrigin,
)
from tests import factories
from tests.conftest import Browser
from tests.functional.projects.helpers import PDF, browser_for

HOLIDAY = datetime(2026, 10, 1, 10)  # National Day: 1–7 October 2026 are off


class World:
    pass


def admitted(w, provider, **fields) -> PoolMember:
    member = PoolMember(
        programme_key="changchun_pilot",
        authority_id=w.city.id,
        provider_id=provider.id,
        status=PoolStatus.ADMITTED,
        qualifications="ISO 9001",
        created_by_id=w.official.id,
        **fields,
    )
    member.products.append(
        PoolProduct(
            name="云MES 轻量版",
            scenario_code="2.3.1",
            price_low=Decimal(5),
            price_high=Decimal(20),
            origin=SolutionOrigin.EXISTING,
        )
    )
    db.session.add(member)
    db.session.flush()
    return member


@pytest.fixture
def world(app_ctx):
    w = World()
    w.city = factories.organisation(OrgKind.AUTHORITY, region="220100", name="长春市工业和信息化局")
    w.official = factories.user(w.city, is_org_admin=True)
    w.expert = factories.user(w.city)
    w.incumbent = factories.organisation(
        OrgKind.SERVICE_PROVIDER, region="220100", name="吉数数字化转型服务有限公司"
    )
    w.incumbent_user = factories.user(w.incumbent, is_org_admin=True)
    w.applicant = factories.organisation(
        OrgKind.SERVICE_PROVIDER, region="220104", name="长春云仿真软件有限公司"
    )
    w.vendor = factories.user(w.applicant, is_org_admin=True)
    w.stranger = factories.user(factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100"))
    w.enterprise = factories.organisation(region="220102", name="长春华康药业有限公司")
    w.owner = factories.user(w.enterprise, is_org_admin=True)
    w.bystander = factories.user(factories.organisation(region="220102"))
    w.engagement = DiagnosisEngagement(
        programme_key="changchun_pilot",
        authority_id=w.city.id,
        enterprise_id=w.enterprise.id,
        provider_id=w.incumbent.id,
        status=EngagementStatus.ACCEPTED,
        created_by_id=w.official.id,
    )
    db.session.add(w.engagement)
    w.place = admitted(w, w.incumbent)
    db.session.commit()
    return w


def notified(user) -> list[str]:
    return list(
        db.session.scalars(sa.select(Notification.title).where(Notification.user_id == user.id))
    )


def mailed(user) -> int:
    return len(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == user.email)
        ).all()
    )


def member_of(provider) -> PoolMember:
    db.session.expire_all()
    return db.session.scalar(sa.select(PoolMember).where(PoolMember.provider_id == provider.id))


def version(member_id: int) -> str:
    db.session.expire_all()
    return str(db.session.get(PoolMember, member_id).lock_version)


def apply_with_product_and_file(w) -> tuple[Browser, PoolMember]:
    vendor = browser_for(w.app, w.vendor)
    pool = f"changchun_pilot:{w.city.id}"
    # A missing field comes back beside it, the input kept.
    refused = vendor.submit("/pool/apply", {"pool": pool, "qualifications": ""})
    assert refused.status_code == 422
    assert 'id="qualifications"' in refused.text and "invalid-feedback" in refused.text
    chosen = BeautifulSoup(refused.text, "html.parser").select_one("#pool option[selected]")
    assert chosen is not None and chosen["value"] == pool
    assert (
        vendor.submit(
            "/pool/apply",
            {"pool": pool, "qualifications": "高新技术企业；服务汽车零部件企业 30 家"},
        ).status_code
        == 302
    )
    member = member_of(w.applicant)
    page = f"/pool/{member.id}"
    product = {
        "name": "工业仿真云平台",
        "scenario": "2.3.1",
        "price_low": "30",
        "price_high": "10",
        "origin": "new",
    }
    bad = vendor.submit(page, product, action=f"{page}/products")
    assert bad.status_code == 422 and "工业仿真云平台" in bad.text
    assert member_of(w.applicant).products == []
    product["price_high"] = "80"
    assert vendor.submit(page, product, action=f"{page}/products").status_code == 302
    # A program disguised as a PDF is refused beside the file field.
    token = vendor.token(page)
    disguised = vendor.client.post(
        f"{page}/files",
        data={"csrf_token": token, "file": (io.BytesIO(b"MZ\x90\x00" + b"\0" * 200), "资质.pdf")},
        content_type="multipart/form-data",
    )
    assert disguised.status_code == 422
    uploaded = vendor.client.post(
        f"{page}/files",
        data={"csrf_token": token, "file": (io.BytesIO(PDF), "营业执照.pdf")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    return vendor, member_of(w.applicant)


def test_apply_review_admit_publish_object_and_enter_the_pool(app, world):
    w = world
    w.app = app
    vendor, member = apply_with_product_and_file(w)
    page = f"/pool/{member.id}"
    assert (
        vendor.submit(page, {"version": version(member.id)}, action=f"{page}/submit").status_code
        == 302
    )
    assert member_of(w.applicant).status == PoolStatus.SUBMITTED
    # The authority hears and has it on its work list.
    assert any("长春云仿真软件有限公司" in t for t in notified(w.official)) and mailed(w.official)
    official = browser_for(app, w.official)
    assert "pool_applications_to_assign" in official.get("/dashboard").text
    # Another provider reads nothing of it.
    assert browser_for(app, w.stranger).get(page).status_code == 404
    # The expert is assigned, hears, reviews.
    assign = official.submit(
        page, {"expert": str(w.expert.id), "version": version(member.id)}, action=f"{page}/experts"
    )
    assert assign.status_code == 302
    assert notified(w.expert) and mailed(w.expert)
    expert = browser_for(app, w.expert)
    assert "pool_applications_to_review" in expert.get("/dashboard").text
    # The authority cannot decide before the opinion.
    early = official.submit(
        page,
        {"action": "admit", "reason": "符合", "version": version(member.id)},
        action=f"{page}/decide",
    )
    assert early.status_code == 409
    stale = version(member.id)
    opinion = expert.submit(
        page,
        {"recommends": "yes", "opinion": "资质齐全，产品成熟。", "version": stale},
        action=f"{page}/opinion",
    )
    assert opinion.status_code == 302
    assert member_of(w.applicant).status == PoolStatus.REVIEWED
    assert any("意见" in t or "opinion" in t for t in notified(w.official))
    # A decision posted from the page as it was before the opinion: 409.
    conflict = official.submit(
        page, {"action": "admit", "reason": "符合", "version": stale}, action=f"{page}/decide"
    )
    assert conflict.status_code == 409
    # A decision without its reason comes back beside the field.
    blank = official.submit(
        page,
        {"action": "admit", "reason": "", "version": version(member.id)},
        action=f"{page}/decide",
    )
    assert blank.status_code == 422
    # Admitted inside the National Day holiday: published from the first working day after.
    with time_machine.travel(HOLIDAY, tick=False):
        admit = browser_for(app, w.official).submit(
            page,
            {"action": "admit", "reason": "专家评审通过", "version": version(member.id)},
            action=f"{page}/decide",
        )
        assert admit.status_code == 302
    member = member_of(w.applicant)
    assert member.status == PoolStatus.IN_PUBLICITY
    assert (member.publicity_starts_on, member.publicity_ends_on) == (
        date(2026, 10, 8),
        date(2026, 10, 13),
    )
    assert any("2026" in t for t in notified(w.vendor))
    # Anyone objects during the period; the authority hears; the objection holds the admission.
    public = Browser(app.test_client())
    with time_machine.travel(datetime(2026, 10, 9, 10), tick=False):
        listing = public.get("/providers/").text
        assert "长春云仿真软件有限公司" in listing  # among the admissions in publicity
        empty = public.submit(
            f"/providers/{member.id}",
            {"name": "", "contact": "", "reason": ""},
            action=f"/providers/{member.id}/objection",
        )
        assert empty.status_code == 422
        lodged = public.submit(
            f"/providers/{member.id}",
            {"name": "王先生", "contact": "13800000000", "reason": "该企业案例不实。"},
            action=f"/providers/{member.id}/objection",
        )
        assert lodged.status_code == 302
    assert any("异议" in t or "objection" in t for t in notified(w.official))
    with time_machine.travel(datetime(2026, 10, 14, 9), tick=False):
        official = browser_for(app, w.official)
        assert publicity.close_ended() == 0
        assert member_of(w.applicant).status == PoolStatus.IN_PUBLICITY
        assert "pool_objections_to_decide" in official.get("/dashboard").text
        objection = db.session.scalar(
            sa.select(sa.text("id")).select_from(sa.text("pool_objections"))
        )
        dismissed = official.submit(
            page,
            {"action": "dismiss", "reason": "经核实案例属实。", "version": "1"},
            action=f"/pool/objections/{objection}/decide",
        )
        assert dismissed.status_code == 302
        assert publicity.close_ended() == 1
    assert member_of(w.applicant).status == PoolStatus.ADMITTED
    assert any("公示" in t or "publicity" in t for t in notified(w.vendor))
    # In the public pool: searched, filtered, exported.
    found = public.get("/providers/?q=云仿真").text
    assert "长春云仿真软件有限公司" in found and "吉数数字化转型服务有限公司" not in found
    assert "长春云仿真软件有限公司" in public.get("/providers/?scenario=2.3").text
    assert "长春云仿真软件有限公司" not in public.get("/providers/?region=220102").text
    excel = public.get("/providers/export.xlsx?q=云仿真")
    assert excel.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(excel.data)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "长春云仿真软件有限公司" in values and "吉数数字化转型服务有限公司" not in values


def test_an_upheld_objection_refuses_and_the_provider_may_apply_again(app, world):
    w = world
    member = admitted(w, w.applicant)
    member.status = PoolStatus.IN_PUBLICITY
    member.publicity_starts_on, member.publicity_ends_on = date(2026, 10, 8), date(2026, 10, 13)
    db.session.commit()
    with time_machine.travel(datetime(2026, 10, 9, 10), tick=False):
        publicity.lodge(member, "李女士", "li@example.cn", "报价虚高", "10.0.0.1")
        db.session.commit()
        official = browser_for(app, w.official)
        objection = db.session.scalar(
            sa.select(sa.text("id")).select_from(sa.text("pool_objections"))
        )
        # Not for another authority.
        other = factories.user(factories.organisation(OrgKind.AUTHORITY, region="220104"))
        db.session.commit()
        assert (
            browser_for(app, other)
            .submit(
                "/providers/",
                {"action": "uphold", "reason": "x"},
                action=f"/pool/objections/{objection}/decide",
            )
            .status_code
            == 404
        )
        upheld = official.submit(
            f"/pool/{member.id}",
            {"action": "uphold", "reason": "报价与实际不符。", "version": "1"},
            action=f"/pool/objections/{objection}/decide",
        )
        assert upheld.status_code == 302
    assert member_of(w.applicant).status == PoolStatus.REFUSED
    assert any("异议" in t or "objection" in t for t in notified(w.vendor))
    vendor = browser_for(app, w.vendor)
    again = vendor.submit(
        f"/pool/{member.id}",
        {"action": "reapply", "version": version(member.id)},
        action=f"/pool/{member.id}/submit",
    )
    assert again.status_code == 302 and member_of(w.applicant).status == PoolStatus.DRAFT


def test_roles_and_other_organisations_ids_are_refused(app, world):
    w = world
    owner = browser_for(app, w.owner)
    assert owner.get("/pool/apply").status_code == 403
    assert owner.get(f"/pool/{w.place.id}").status_code == 404
    stranger = browser_for(app, w.stranger)
    assert stranger.get(f"/pool/{w.place.id}").status_code == 404
    assert (
        stranger.submit(
            "/pool/", {"confirm": "y"}, action=f"/pool/products/{w.place.products[0].id}/remove"
        ).status_code
        == 404
    )
    # The incumbent cannot change its admitted place's products.
    incumbent = browser_for(app, w.incumbent_user)
    assert (
        incumbent.submit(
            f"/pool/{w.place.id}",
            {"confirm": "y"},
            action=f"/pool/products/{w.place.products[0].id}/remove",
        ).status_code
        == 409
    )
    # Not the expert: no opinion.
    assert (
        browser_for(app, w.official)
        .submit(
            f"/pool/{w.place.id}",
            {"recommends": "yes", "opinion": "好", "version": version(w.place.id)},
            action=f"/pool/{w.place.id}/opinion",
        )
        .status_code
        == 409
    )
    # Unknown ids: 404, not 500.
    assert incumbent.get("/pool/999999999").status_code == 404
    assert Browser(app.test_client()).get("/providers/999999999").status_code == 404


def test_an_enterprise_rates_and_the_authority_suspends(app, world):
    w = world
    public = Browser(app.test_client())
    assert (
        "暂无评分" in public.get(f"/providers/{w.place.id}").text
        or "Not rated" in public.get(f"/providers/{w.place.id}").text
    )
    owner = browser_for(app, w.owner)
    assert "providers_to_rate" in owner.get("/dashboard").text
    page = f"/providers/{w.place.id}"
    criteria = [k for k, _t in ratings.criteria(w.place)]
    scores = {f"score_{k}": "5" for k in criteria}
    scores[f"score_{criteria[0]}"] = "9"
    assert owner.submit(page, scores, action=f"{page}/survey").status_code == 422
    scores[f"score_{criteria[0]}"] = "4"
    assert (
        owner.submit(page, {**scores, "comment": "响应及时"}, action=f"{page}/survey").status_code
        == 302
    )
    member = member_of(w.incumbent)
    # One survey of mean (4 + 5×(n−1))/n, one acceptance without a return (pass).
    mean = ratings.survey_score([4] + [5] * (len(criteria) - 1))
    assert member.rating == ratings.rating([mean], [ratings.Acceptance.PASS])
    assert (member.rated_surveys, member.rated_acceptances) == (1, 1)
    shown = public.get(page).text
    assert f"{member.rating:.1f} ★" in shown
    assert notified(w.incumbent_user)
    # Once only; an enterprise that never worked with it is refused.
    assert owner.submit(page, scores, action=f"{page}/survey").status_code in (409, 422)
    assert (
        browser_for(app, w.bystander).submit(page, scores, action=f"{page}/survey").status_code
        == 409
    )
    # Suspended with a reason: told, marked in the pool, no longer offered to match.
    official = browser_for(app, w.official)
    blank = official.submit(
        f"/pool/{w.place.id}",
        {"action": "suspend", "reason": "", "version": version(w.place.id)},
        action=f"/pool/{w.place.id}/decide",
    )
    assert blank.status_code == 422
    suspended = official.submit(
        f"/pool/{w.place.id}",
        {"action": "suspend", "reason": "验收不合格，暂停三个月。", "version": version(w.place.id)},
        action=f"/pool/{w.place.id}/decide",
    )
    assert suspended.status_code == 302
    assert member_of(w.incumbent).status == PoolStatus.SUSPENDED
    assert any("暂停" in t or "suspended" in t for t in notified(w.incumbent_user))
    listing = public.get("/providers/").text
    assert "吉数数字化转型服务有限公司" in listing and "暂停" in listing
    assert demand.provider_choices(w.engagement) == []


def test_the_pool_pages_run_a_bounded_number_of_queries(app, world, count_queries):
    w = world

    def measure(browser, url):
        with count_queries() as counter:
            assert browser.get(url).status_code == 200
        return counter.count

    official = browser_for(app, w.official)
    public = Browser(app.test_client())
    before = (
        measure(public, "/providers/"),
        measure(official, "/pool/"),
        measure(official, f"/pool/{w.place.id}"),
    )
    for _ in range(12):
        provider = factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100")
        admitted(w, provider)
    db.session.commit()
    after = (
        measure(public, "/providers/"),
        measure(official, "/pool/"),
        measure(official, f"/pool/{w.place.id}"),
    )
    # The same whatever the number of providers (the first public read may warm a cache).
    assert all(a <= b for a, b in zip(after, before, strict=True)), (before, after)
    assert max(after) <= 25, after
    assert Role.AUTHORITY  # the lists above were read as the authority
