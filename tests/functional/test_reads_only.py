"""A page declared ``reads_only`` (app/database.py) reads in autocommit on PostgreSQL — no
BEGIN, no COMMIT — and refuses to write; the connection goes back to the pool as it came, so
the next request has its transaction. On a database with real commits, as in production."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask

from app.database import reads_only
from app.extensions import db
from models import Notification, ProjectStatus
from tests import factories
from tests.conftest import Browser


@contextmanager
def autocommit_of_statements(app: Flask) -> Iterator[list[bool]]:
    """Whether the driver's connection was in autocommit for each statement run meanwhile."""
    seen: list[bool] = []

    def record(conn, *_args) -> None:
        driver = conn.connection.dbapi_connection
        # psycopg's flag; pysqlite's is an isolation level of None (this project always sets it).
        seen.append(bool(getattr(driver, "autocommit", False)))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def _write_anyway():
    db.session.add(Notification(user_id=1, key="test", title="x"))
    db.session.flush()
    return "written"


@pytest.fixture
def reader(committed_app) -> tuple[Flask, Browser, int]:
    app = committed_app
    app.add_url_rule("/test/reads-only-writes", view_func=reads_only(_write_anyway))
    with app.app_context():
        parties = factories.Parties()
        project = factories.project(parties, ProjectStatus.STAGE1_PLANNED)
        project_id, email = project.id, parties.enterprise.email
        db.session.commit()
    browser = Browser(app.test_client())
    assert browser.login(email, factories.PASSWORD).status_code == 302
    return app, browser, project_id


def test_the_project_page_reads_in_autocommit_on_postgresql(reader, database_url):
    app, browser, project_id = reader
    with autocommit_of_statements(app) as seen:
        page = browser.get(f"/projects/{project_id}")
    assert page.status_code == 200
    assert seen  # the session's, the project's reads
    postgresql = database_url.startswith("postgresql")
    assert all(seen) if postgresql else not any(seen)

    # The next request of the same pool has a transaction of its own again.
    with autocommit_of_statements(app) as seen:
        assert browser.get("/dashboard").status_code == 200
    assert seen and not any(seen)


def test_a_page_declared_reads_only_may_not_write(reader, database_url):
    app, browser, _project_id = reader
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite keeps its transactions for every page")
    with pytest.raises(RuntimeError, match="reads_only"):
        browser.get("/test/reads-only-writes")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
