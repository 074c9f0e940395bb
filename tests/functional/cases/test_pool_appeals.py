"""A provider's appeal against its suspension or removal from a programme's pool (issue 21
part 2), through the pages: filed from the place's page within the appeal period, once; heard
by the alliance, where neither the authority's official who decided nor the application's
expert may handle it (refused, naming them); upheld, the place is back in the pool through the
pool's own table with a history row naming the appeal, and the provider and the authority are
told; dismissed, it stays suspended. Another organisation's ids are not found."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.clock import local_today
from app.extensions import db
from blueprints.main.worklist import work_for
from blueprints.pool import services as pool
from models import (
    Case,
    CaseStatus,
    Notification,
    OrgKind,
    OutboxMessage,
    PoolEvent,
    PoolMember,
    PoolProduct,
    PoolReview,
    PoolStatus,
    Role,
    SolutionOrigin,
    User,
)
from tests import factories
from tests.functional.projects.helpers import PDF, browser_for

REASON = "诊断报告雷同，暂停入库资格待核查。"


class World:
    official: User
    expert: User
    provider: User
    stranger: User
    handler: User
    member: PoolMember


@pytest.fixture
def world(app_ctx) -> World:
    """An admitted provider, reviewed by ``expert``, suspended by ``official``."""
    w = World()
    city = factories.organisation(OrgKind.AUTHORITY, region="220100", name="长春市工业和信息化局")
    w.official = factories.user(city, is_org_admin=True, name="刘决定")
    w.expert = factories.user(city, name="陈专家")
    provider = factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100", name="智联科技")
    w.provider = factories.user(provider, is_org_admin=True, locale="en")
    w.stranger = factories.user(factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100"))
    w.handler = factories.alliance_staff(name="王处理")
    w.member = PoolMember(
        programme_key="changchun_pilot",
        authority_id=city.id,
        provider_id=provider.id,
        status=PoolStatus.ADMITTED,
        qualifications="ISO 9001",
        created_by_id=w.provider.id,
    )
    w.member.products.append(
        PoolProduct(name="云MES", scenario_code="2.3.1", price_low=Decimal(5),
                    price_high=Decimal(20), origin=SolutionOrigin.EXISTING)
    )  # fmt: skip
    w.member.reviews.append(PoolReview(expert_id=w.expert.id, recommends=True, opinion="同意"))
    db.session.add(w.member)
    db.session.flush()
    pool.decide(w.member, w.official, "suspend", REASON, None)
    db.session.commit()
    return w


def last_event(member_id: int) -> PoolEvent:
    return db.session.scalars(
        sa.select(PoolEvent).where(PoolEvent.member_id == member_id).order_by(PoolEvent.id.desc())
    ).first()


def appeal(browser, event_id: int, **fields):
    url = f"/cases/appeal/pool/{event_id}"
    data = {"grounds": "两份报告仅模板相同，现场记录附后。", "confirm": "y", **fields}
    return browser.submit(url, data)


def the_case() -> Case:
    db.session.expire_all()
    return db.session.scalars(sa.select(Case)).one()


def assign(browser, case: Case, user_id: int):
    data = {"version": str(case.lock_version), "handler_id": str(user_id)}
    return browser.submit(f"/cases/{case.id}", data, action=f"/cases/{case.id}/assign")


def act(browser, case: Case, name: str, **fields):
    data = {"version": str(case.lock_version), **fields}
    return browser.submit(f"/cases/{case.id}", data, action=f"/cases/{case.id}/actions/{name}")


def notified(user: User, text: str) -> bool:
    return bool(
        db.session.scalar(
            sa.select(Notification.id).where(
                Notification.user_id == user.id, Notification.title.contains(text)
            )
        )
    )


def mailed(user: User, text: str) -> bool:
    subjects = db.session.scalars(
        sa.select(OutboxMessage.subject).where(OutboxMessage.recipient == user.email)
    )
    return any(text in subject for subject in subjects)


def filed_and_taken(app, w: World) -> tuple[Case, object]:
    provider = browser_for(app, w.provider)
    assert appeal(provider, last_event(w.member.id).id).status_code == 302
    case = the_case()
    staff = browser_for(app, w.handler)
    assert assign(staff, case, w.handler.id).status_code == 302
    assert act(staff, the_case(), "acknowledge", text="已收到。").status_code == 302
    return the_case(), staff


def test_the_provider_appeals_and_an_upheld_appeal_restores_its_place(app, world):
    w = world
    provider = browser_for(app, w.provider)
    page = provider.get(f"/pool/{w.member.id}").get_data(as_text=True)
    suspension = last_event(w.member.id)
    assert f"/cases/appeal/pool/{suspension.id}" in page
    form = provider.get(f"/cases/appeal/pool/{suspension.id}").get_data(as_text=True)
    assert REASON in form and "刘决定" in form
    response = appeal(provider, suspension.id, files=[(io.BytesIO(PDF), "现场记录.pdf")])
    assert response.status_code == 302
    case = the_case()
    assert case.reference.startswith("AP-") and case.status is CaseStatus.RECEIVED
    assert case.pool_member_id == w.member.id and case.pool_event_id == suspension.id
    assert case.decision == "suspend" and case.concerned_id == w.member.authority_id
    assert case.enterprise_id == w.member.provider_id and len(case.files) == 1
    # The alliance hears of it; the provider has it under way; once per decision.
    assert notified(w.handler, case.reference)
    lists = {group.key: group for group in work_for(w.provider)}
    assert lists["appeals_under_way"].total == 1
    assert appeal(provider, suspension.id).status_code == 409
    page = provider.get(f"/pool/{w.member.id}").get_data(as_text=True)
    assert case.reference in page and f"/cases/appeal/pool/{suspension.id}" not in page

    # The official who decided, the application's expert: refused, each named.
    staff = browser_for(app, w.handler)
    for involved, said in (
        (w.official, "刘决定作出了被申诉的决定"),
        (w.expert, "陈专家评审了该服务商的入库申请"),
    ):
        refused = assign(staff, case, involved.id)
        assert refused.status_code == 409
        assert said in refused.get_data(as_text=True)
    candidates = staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "智联科技" in candidates
    assert the_case().handler_id is None
    assert assign(staff, case, w.handler.id).status_code == 302
    assert {g.key: g for g in work_for(w.handler)}["cases_handled"].total == 1
    assert act(staff, the_case(), "acknowledge", text="已收到。").status_code == 302
    decided = act(staff, the_case(), "decide", outcome="upheld", text="暂停理由不成立。",
                  confirm="y")  # fmt: skip
    assert decided.status_code == 302

    db.session.expire_all()
    member = db.session.get(PoolMember, w.member.id)
    assert member.status is PoolStatus.ADMITTED
    restored = last_event(member.id)
    assert restored.action == "appeal_upheld" and restored.actor_id == w.handler.id
    assert case.reference in restored.comment and restored.from_status == "suspended"
    history = provider.get(f"/pool/{member.id}").get_data(as_text=True)
    assert case.reference in history and "王处理" in history
    # The provider and the authority are told, in the app and by email.
    for party in (w.provider, w.official):
        assert notified(party, case.reference), party.name
        assert mailed(party, case.reference), party.name


def test_a_dismissed_appeal_leaves_the_place_suspended(app, world):
    w = world
    case, staff = filed_and_taken(app, w)
    decided = act(staff, case, "decide", outcome="dismissed", text="核查属实。", confirm="y")
    assert decided.status_code == 302
    db.session.expire_all()
    member = db.session.get(PoolMember, w.member.id)
    assert member.status is PoolStatus.SUSPENDED and last_event(member.id).action == "suspend"
    assert notified(w.official, case.reference) and notified(w.provider, case.reference)


def test_an_upheld_appeal_after_the_authority_restored_it_is_refused(app, world):
    w = world
    case, staff = filed_and_taken(app, w)
    pool.decide(db.session.get(PoolMember, w.member.id), w.official, "restore", "已核实。", None)
    db.session.commit()
    refused = act(staff, case, "decide", outcome="upheld", text="理由不成立。", confirm="y")
    assert refused.status_code == 409
    assert the_case().status is CaseStatus.ACKNOWLEDGED


def test_a_removal_is_appealed_within_the_period_only(app, world, time_machine):
    w = world
    member = db.session.get(PoolMember, w.member.id)
    pool.decide(member, w.official, "remove", "核查属实，移出服务商池。", None)
    db.session.commit()
    removal = last_event(member.id)
    days = app.config["APPEAL_PERIOD_DAYS"]
    time_machine.move_to(local_today() + timedelta(days=days + 2))
    late = appeal(browser_for(app, w.provider), removal.id)
    assert late.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    # The period's last day still is.
    time_machine.move_to(local_today() - timedelta(days=3))
    assert appeal(browser_for(app, w.provider), removal.id).status_code == 302
    assert the_case().decision == "remove"


def test_only_a_standing_suspension_of_ones_own_place_is_appealed(app, world):
    w = world
    member = db.session.get(PoolMember, w.member.id)
    suspension = last_event(member.id)
    # Another organisation's ids are not found, nor an id that is no decision at all.
    stranger = browser_for(app, w.stranger)
    assert stranger.get(f"/cases/appeal/pool/{suspension.id}").status_code == 404
    assert appeal(stranger, suspension.id).status_code in (400, 404)
    provider = browser_for(app, w.provider)
    assert provider.get("/cases/appeal/pool/99999999").status_code == 404
    assert provider.get("/cases/appeal/nothing/1").status_code == 404
    # A place restored (admitted): the suspension no longer stands, nothing to appeal.
    pool.decide(member, w.official, "restore", "已核实。", None)
    db.session.commit()
    page = provider.get(f"/cases/appeal/pool/{suspension.id}").get_data(as_text=True)
    assert "form" in page and "grounds" not in page
    assert appeal(provider, suspension.id).status_code in (400, 409)
    restoration = last_event(member.id)
    assert appeal(provider, restoration.id).status_code in (400, 409)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    # The authority's official is no party to the appeal: not found either.
    assert (
        browser_for(app, w.official).get(f"/cases/appeal/pool/{suspension.id}").status_code == 404
    )
    assert w.official.role is Role.AUTHORITY
