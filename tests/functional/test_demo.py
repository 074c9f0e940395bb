"""`flask demo load`: idempotent, and every demo account reaches its role's dashboard."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from blueprints.demo.loader import DEMO_PASSWORD, EVALUATION_BODIES, load_demo
from models import Organisation, OrgKind, User
from tests.conftest import Browser


@pytest.fixture
def demo_accounts(app_ctx):
    return load_demo()


def test_demo_load_is_idempotent(demo_accounts):
    before = (
        db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)),
        db.session.scalar(sa.select(sa.func.count()).select_from(User)),
    )
    load_demo()
    after = (
        db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)),
        db.session.scalar(sa.select(sa.func.count()).select_from(User)),
    )
    assert before == after


def test_the_ten_evaluation_bodies_with_their_codes(demo_accounts):
    bodies = dict(
        db.session.execute(
            sa.select(Organisation.body_code, Organisation.name).where(
                Organisation.kind == OrgKind.EVALUATION_BODY
            )
        ).all()
    )
    assert {code: name for code, name, _ in EVALUATION_BODIES}.items() <= bodies.items()
    assert len(EVALUATION_BODIES) == 10


def test_demo_enterprises_have_valid_credit_codes(demo_accounts):
    from stdnum.cn import uscc

    codes = db.session.scalars(
        sa.select(Organisation.credit_code).where(Organisation.kind == OrgKind.ENTERPRISE)
    ).all()
    assert len(codes) >= 5
    assert all(uscc.is_valid(code) for code in codes)


def test_every_demo_account_signs_in_and_sees_its_dashboard(app, demo_accounts):
    db.session.commit()  # release the savepoint so request sessions see the rows
    roles = set()
    for role, email, password in demo_accounts:
        browser = Browser(app.test_client())
        assert password == DEMO_PASSWORD
        assert browser.login(email, password).status_code == 302, email
        page = browser.get("/dashboard")
        assert page.status_code == 200, email
        roles.add(role)
    assert roles == {
        "enterprise",
        "consultant",
        "evaluator",
        "alliance_staff",
        "authority",
        "admin",
    }
