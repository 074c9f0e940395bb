"""The bare endpoint the benchmarks compare the app with: Flask and Flask-SQLAlchemy, one
indexed lookup of a certificate by its number (the unique index on ``certificates.number``),
a few escaped fields in a small HTML page — no sessions, no sign-in, no rate limit, no
templates, no translations. The engine has the app's options (driver, pre-ping, timeouts),
so the difference measured is what the app does around the same lookup.

Served by the benchmark runner with gunicorn like the app:
``BENCH_DATABASE_URL=… gunicorn -c gunicorn.conf.py 'benchmarks.bare_app:from_environment()'``.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, abort
from flask_sqlalchemy import SQLAlchemy
from markupsafe import escape

from app.config import DEFAULTS, normalise_database_url
from app.database import engine_options

db = SQLAlchemy()

certificates = sa.Table(
    "certificates",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("number", sa.String(40)),
    sa.Column("enterprise_name", sa.String(200)),
    sa.Column("status", sa.String(32)),
    sa.Column("expires_on", sa.Date),
)


def create_bare_app(database_url: str) -> Flask:
    app = Flask(__name__)
    uri = normalise_database_url(database_url)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(uri, DEFAULTS)
    db.init_app(app)

    @app.get("/certificates/<number>")
    def verify(number: str) -> str:
        row = db.session.execute(
            sa.select(
                certificates.c.number,
                certificates.c.enterprise_name,
                certificates.c.status,
                certificates.c.expires_on,
            ).where(certificates.c.number == number)
        ).first()
        if row is None:
            abort(404)
        return (
            f"<!doctype html><html lang=zh><title>{escape(row.number)}</title>"
            f"<p>{escape(row.enterprise_name)}<p>{escape(row.status)}"
            f"<p>{row.expires_on.isoformat()}</html>"
        )

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app


def from_environment() -> Flask:
    """gunicorn's entry point: the database from ``BENCH_DATABASE_URL`` (else DATABASE_URL)."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ["DATABASE_URL"]
    return create_bare_app(url)
