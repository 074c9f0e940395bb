"""Strict-Transport-Security: on HTTPS responses in production, nowhere else."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from app.extensions import db
from tests.conftest import make_test_app

HSTS = "Strict-Transport-Security"


@pytest.fixture
def make_app(app, database_url: str) -> Iterator[Callable[..., Flask]]:
    """Apps of other profiles on the suite's (migrated) database."""
    made: list[Flask] = []

    def make(**overrides) -> Flask:
        made.append(make_test_app(database_url, **overrides))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def test_production_over_https_sends_hsts_for_a_year(make_app):
    production = make_app(ENV="production")
    response = production.test_client().get("/login", base_url="https://certpath.example.cn")
    assert response.status_code == 200
    assert response.headers[HSTS] == "max-age=31536000; includeSubDomains"


def test_the_max_age_is_a_setting_and_zero_disables_it(make_app):
    short = make_app(ENV="production", HSTS_MAX_AGE_SECONDS=600)
    response = short.test_client().get("/login", base_url="https://certpath.example.cn")
    assert response.headers[HSTS] == "max-age=600; includeSubDomains"
    off = make_app(ENV="production", HSTS_MAX_AGE_SECONDS=0)
    assert HSTS not in off.test_client().get("/login", base_url="https://x.example").headers


def test_no_hsts_over_plain_http_even_in_production(make_app):
    production = make_app(ENV="production")
    assert HSTS not in production.test_client().get("/login").headers


def test_no_hsts_in_development_even_over_https(make_app):
    development = make_app(ENV="development")
    response = development.test_client().get("/login", base_url="https://localhost")
    assert response.status_code == 200
    assert HSTS not in response.headers


def test_https_seen_through_a_trusted_proxy(make_app):
    """Behind the reverse proxy the app speaks plain HTTP; X-Forwarded-Proto from a trusted
    proxy (CERTPATH_TRUSTED_PROXIES) is what makes the request secure."""
    proxied = make_app(ENV="production", TRUSTED_PROXIES=1)
    client = proxied.test_client()
    forwarded = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert forwarded.headers[HSTS].startswith("max-age=31536000")
    assert HSTS not in client.get("/login", headers={"X-Forwarded-Proto": "http"}).headers
    # Without a trusted proxy the same header is a client's claim, and ignored.
    direct = make_app(ENV="production").test_client()
    assert HSTS not in direct.get("/login", headers={"X-Forwarded-Proto": "https"}).headers
