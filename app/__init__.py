"""The application factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_openapi3 import APIBlueprint, OpenAPI

from app import config as config_module
from app.problems import validation_problem

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app in a fixed order; nothing here starts threads or touches the network."""
    # flask-openapi3's Flask: it gathers the OpenAPI document of the API's routes (the API
    # blueprint serves it, and its own documentation page, under the app's permissions).
    app = OpenAPI(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        doc_ui=False,
        validation_error_status=422,
        validation_error_callback=validation_problem,
    )
    _configure(app, config)
    _init_extensions(app)
    _register_security(app)
    _guard_inputs(app)
    _register_blueprints(app)
    _register_tasks(app)
    _register_errors_and_templates(app)
    _register_cli(app)
    return app


def _configure(app: Flask, config: Mapping[str, Any] | None) -> None:
    app.config.update(config_module.build(app.instance_path, config))
    from datetime import timedelta

    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_LIFETIME_HOURS"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        # Flask's documented way to put WSGI middleware in front of the app.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )


def _init_extensions(app: Flask) -> None:
    from app import (
        database,
        i18n,
        logs,
        metrics,
        public_cache,
        rate_limit_fields,
        rate_limits,
        readiness,
        request_ids,
    )
    from app.extensions import csrf, db, migrate

    request_ids.init_app(app)  # first: every later hook's log lines carry the id
    logs.init_app(app)
    metrics.init_app(app)
    readiness.register(app, "storage", readiness.storage_answers)
    db.init_app(app)
    rate_limit_fields.init_app(app)
    rate_limits.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    database.init_app(app)
    i18n.init_app(app)
    public_cache.init_app(app)


def _register_security(app: Flask) -> None:
    from app import auth_session

    auth_session.init_app(app)


def _guard_inputs(app: Flask) -> None:
    from app import input_boundary

    input_boundary.init_app(app)  # before the blueprints: their <int:...> rules use it


def _register_blueprints(app: Flask) -> None:
    from app.extensions import csrf
    from blueprints import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        if isinstance(blueprint, APIBlueprint):
            # Called with a key, never with the session cookie (app.problems, api.access):
            # no form to forge.
            csrf.exempt(blueprint)
            app.register_api(blueprint)  # type: ignore[attr-defined]
        else:
            app.register_blueprint(blueprint)


def _register_tasks(app: Flask) -> None:
    from app.mail.tasks import TASKS as MAIL_TASKS
    from app.scheduler import registry
    from app.security.tasks import TASKS as SECURITY_TASKS
    from blueprints import TASKS

    # The features' consequences and reminders first, the outbox last: one run sends what it
    # queued.
    registry.register(app, (*TASKS, *SECURITY_TASKS, *MAIL_TASKS))


def _register_errors_and_templates(app: Flask) -> None:
    from app import errors, templating

    errors.init_app(app)
    templating.init_app(app)


def _register_cli(app: Flask) -> None:
    from app.cli import register
    from blueprints import COMMANDS

    register(app, COMMANDS)
