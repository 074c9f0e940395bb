"""Administrators: staff accounts, organisations, the outbox."""

import sqlalchemy as sa

from app.extensions import db
from app.mail.dispatcher import dispatch_due
from models import Organisation, OrgKind, OutboxMessage, OutboxStatus, Role, User
from tests import factories


def admin_user():
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    return factories.user(alliance, role=Role.ADMIN)


def test_non_admin_gets_403(browser):
    user = factories.user()
    browser.login(user.email, factories.PASSWORD)
    for url in ("/admin/users", "/admin/users/new", "/admin/outbox", "/admin/organisations/new"):
        assert browser.get(url).status_code == 403, url


def test_admin_creates_an_evaluation_body_and_an_evaluator(browser):
    admin = admin_user()
    browser.login(admin.email, factories.PASSWORD)
    response = browser.submit(
        "/admin/organisations/new",
        {
            "kind": "evaluation_body",
            "name": "测试评定机构",
            "body_code": "099",
            "region_1": "310000",
            "region_2": "",
            "region_3": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    body = db.session.scalar(sa.select(Organisation).where(Organisation.body_code == "099"))
    response = browser.submit(
        "/admin/users/new",
        {
            "organisation": str(body.id),
            "role": "evaluator",
            "name": "评定员甲",
            "email": "eval@example.com",
            "locale": "zh",
        },
    )
    assert response.status_code == 302
    created = db.session.scalar(sa.select(User).where(User.email == "eval@example.com"))
    assert created.role == Role.EVALUATOR and created.password_hash is None
    invite = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == "eval@example.com")
    )
    assert "/invitation/" in invite.body_text


def test_role_must_fit_the_organisation_kind(browser):
    admin = admin_user()
    consultancy = factories.organisation(OrgKind.CONSULTANCY)
    browser.login(admin.email, factories.PASSWORD)
    page = browser.submit(
        "/admin/users/new",
        {
            "organisation": str(consultancy.id),
            "role": "evaluator",
            "name": "x",
            "email": "wrong-kind@example.com",
            "locale": "zh",
        },
    )
    assert page.status_code == 422
    assert db.session.scalar(sa.select(User).where(User.email == "wrong-kind@example.com")) is None


def test_body_code_is_three_digits_and_unique(browser):
    admin = admin_user()
    factories.organisation(OrgKind.EVALUATION_BODY, body_code="923")
    browser.login(admin.email, factories.PASSWORD)
    for code in ("12", "abc", "923"):
        page = browser.submit(
            "/admin/organisations/new",
            {
                "kind": "evaluation_body",
                "name": f"机构{code}",
                "body_code": code,
                "region_1": "",
                "region_2": "",
                "region_3": "",
            },
        )
        assert page.status_code == 422, code
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Organisation)
            .where(Organisation.name.like("机构%"))
        )
        == 0
    )


def test_authority_needs_a_region(browser):
    admin = admin_user()
    browser.login(admin.email, factories.PASSWORD)
    page = browser.submit(
        "/admin/organisations/new",
        {
            "kind": "authority",
            "name": "无区域主管部门",
            "region_1": "",
            "region_2": "",
            "region_3": "",
        },
    )
    assert page.status_code == 422
    assert "选择地区" in page.get_data(as_text=True)


def test_outbox_without_smtp_keeps_messages_readable(browser):
    admin = admin_user()
    factories_user = factories.user()
    browser.login(admin.email, factories.PASSWORD)
    browser.submit("/password/forgot", {"email": factories_user.email})
    listing = browser.get("/admin/outbox").get_data(as_text=True)
    assert "未配置" in listing and factories_user.email in listing
    message = db.session.scalar(sa.select(OutboxMessage))
    page = browser.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "/password/reset/" in page
    assert dispatch_due().skipped


def test_dead_message_can_be_resent(browser, smtp_server):
    admin = admin_user()
    browser.login(admin.email, factories.PASSWORD)
    message = OutboxMessage(
        dedup_key="test:dead",
        recipient="dead@example.com",
        subject="s",
        body_text="b",
        locale="zh",
        status=OutboxStatus.DEAD,
        attempts=8,
        last_error="SMTPServerDisconnected",
    )
    db.session.add(message)
    db.session.flush()
    response = browser.submit(
        f"/admin/outbox/{message.id}", {}, action=f"/admin/outbox/{message.id}/resend"
    )
    assert response.status_code == 302
    assert dispatch_due().sent == 1
    assert smtp_server.to("dead@example.com")
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT


def test_pending_message_cannot_be_resent(browser):
    admin = admin_user()
    browser.login(admin.email, factories.PASSWORD)
    message = OutboxMessage(
        dedup_key="test:pending", recipient="p@example.com", subject="s", body_text="b", locale="zh"
    )
    db.session.add(message)
    db.session.flush()
    response = browser.submit(
        f"/admin/outbox/{message.id}", {}, action=f"/admin/outbox/{message.id}/resend"
    )
    assert response.status_code == 409
