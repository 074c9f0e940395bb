"""The command line: staff accounts and demo data."""

import sqlalchemy as sa

from app.extensions import db
from models import OrgKind, Role, User
from tests import factories


def test_users_create_with_password(app, app_ctx):
    body = factories.organisation(OrgKind.EVALUATION_BODY, body_code="977")
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "Lead@Example.com",
            "--name",
            "主任评定员",
            "--body-code",
            "977",
            "--role",
            "evaluator",
            "--password",
            "Amber-Thistle-Canoe-3",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "lead@example.com"))
    assert user.role == Role.EVALUATOR and user.organisation_id == body.id and user.is_verified


def test_users_create_refuses_a_role_that_does_not_fit(app, app_ctx):
    factories.organisation(OrgKind.EVALUATION_BODY, body_code="978")
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@example.com",
            "--name",
            "x",
            "--body-code",
            "978",
            "--role",
            "consultant",
            "--password",
            "Amber-Thistle-Canoe-3",
        ]
    )
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(User).where(User.email == "x@example.com")) is None


def test_demo_load_refused_in_production(tmp_path):
    from tests.conftest import make_test_app

    app = make_test_app(f"sqlite:///{tmp_path}/p.sqlite3", ENV="production")
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "production" in result.output
