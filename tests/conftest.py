"""Test harness: a migrated database per backend, a rolled-back transaction per test.

The suite runs on SQLite always and, when TEST_DATABASE_URL is set, once more on PostgreSQL
(every test is parametrised by the session-scoped ``database_url`` fixture); tests/backends.py
says which of the two this process covers.
"""

from __future__ import annotations

import contextvars
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id

from app import create_app
from app.extensions import db
from app.public_cache import REGISTER_MEMO_KEY
from blueprints.projects.record import MEMO_KEY as PROJECT_MEMO_KEY
from tests.backends import BACKENDS, RUNS_BACKEND_FREE_TESTS, backend_free

TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-checks"

# tests/nodes brings up a cluster of its own (deploy/cluster.py): only `make test-nodes` runs it.
collect_ignore = [] if os.environ.get("CERTPATH_TEST_NODES") else ["nodes"]


def pytest_collection_modifyitems(config, items):
    """In the PostgreSQL half of a split run, the tests that touch no database are the other
    half's (tests/backends.py)."""
    if RUNS_BACKEND_FREE_TESTS:
        return
    elsewhere = [item for item in items if backend_free(item)]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if not backend_free(item)]


class IsolatedClient(FlaskClient):
    """Each request runs in an empty context, as in a real server.

    Flask's test client reuses an application context that the test has pushed, which would
    share ``g`` (the signed-in user, the CSRF token) and the database session between requests.
    Running every request in a fresh ``contextvars.Context`` gives it its own.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


_UPLOADS = None


def upload_folder() -> str:
    """One temporary upload folder per test session: tests never write into instance/."""
    global _UPLOADS
    if _UPLOADS is None:
        import tempfile

        _UPLOADS = tempfile.mkdtemp(prefix="certpath-uploads-")
    return _UPLOADS


def make_test_app(database_url: str, **overrides) -> Flask:
    config = {
        "UPLOAD_FOLDER": upload_folder(),
        # Business dates in the machine's zone (UTC in CI), so that date.today() in a test
        # is the app's today at any hour; otherwise 16:00–24:00 UTC is already tomorrow in
        # Shanghai and "completed today" would precede "started today".
        "TIMEZONE": "UTC",
        "ENV": "testing",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "MAIL_SERVER": "",
        "BASE_URL": "http://localhost",
        "PASSWORD_MIN_STRENGTH": 2,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


def reset_database(url: str) -> None:
    """Start from nothing: PostgreSQL keeps its database between runs, so empty it first."""
    if url.startswith("postgresql"):
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()


def migrate_and_seed(app: Flask) -> None:
    from flask_migrate import upgrade

    from blueprints.reference.loader import load_clauses, load_industries, load_regions

    with app.app_context():
        upgrade()
        load_regions()
        load_industries()
        load_clauses()
        db.session.commit()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'certpath-test.sqlite3'}"
    url = os.environ["TEST_DATABASE_URL"]
    reset_database(url)
    return url


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = make_test_app(database_url)
    migrate_and_seed(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request) -> Iterator[None]:
    """Run each test inside a transaction that is rolled back, so tests never see each other.

    Commits made by the code under test only release a SAVEPOINT inside that transaction.
    Tests that need real commits (several processes) use their own database instead.
    """
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        # A plain SQLAlchemy session: Flask-SQLAlchemy's own ignores ``bind`` and would open
        # a new connection from the engine, escaping the rolled-back transaction.
        db.session = sa.orm.scoped_session(
            sa.orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        # The register's generation goes back with each rolled-back test, which no committed
        # database ever does: the next test's pages would be found under the same number.
        app.extensions[REGISTER_MEMO_KEY].clear()
        app.extensions[PROJECT_MEMO_KEY].clear()  # the projects' page generations likewise
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.test_request_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class Browser:
    """A test client that fills forms the way a person's browser does (with the CSRF token)."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def token(self, page_url: str, **kwargs) -> str:
        return csrf_from(self.client.get(page_url, **kwargs).get_data(as_text=True))

    def submit(self, page_url: str, data: dict, action: str | None = None, **kwargs):
        """GET ``page_url``, take its CSRF token, POST ``data`` to ``action`` (default the page)."""
        headers = kwargs.get("headers")
        payload = {"csrf_token": self.token(page_url, headers=headers), **data}
        return self.client.post(action or page_url, data=payload, **kwargs)

    def login(self, email: str, password: str, **kwargs):
        return self.submit("/login", {"email": email, "password": password}, **kwargs)

    def logout(self):
        return self.submit("/dashboard", {}, action="/logout")


@pytest.fixture
def browser(client: FlaskClient) -> Browser:
    return Browser(client)


class Mailbox:
    """What a real SMTP server on loopback received (aiosmtpd)."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[Mailbox]:
    """Start an SMTP server on a free loopback port and point the app's mail settings at it."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, _SMTP_TEST_PORT=port)
    try:
        yield mailbox
    finally:
        app.config.update(saved)
        controller.stop()


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """Usage: ``with count_queries() as counter: ...; counter.count``."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)

    return counting


@contextmanager
def _database_of_its_own(folder, database_url: str) -> Iterator[Flask]:
    """A migrated database no other test sees: for tests that commit for real (each request in
    its own transaction, as in production), which must not share the suite's."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{folder}/committed.sqlite3"
        admin = None
    else:
        name = f"certpath_race_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(
            os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1),
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = database_url.rsplit("/", 1)[0] + "/" + name
    app = make_test_app(url)
    migrate_and_seed(app)
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture
def committed_app(tmp_path, database_url) -> Iterator[Flask]:
    """A database of its own for one test."""
    with _database_of_its_own(tmp_path, database_url) as app:
        yield app


@pytest.fixture(scope="module")
def module_committed_app(tmp_path_factory, database_url) -> Iterator[Flask]:
    """A database of its own for a module whose tests each make their own objects."""
    with _database_of_its_own(tmp_path_factory.mktemp("committed"), database_url) as app:
        yield app


# --- uploads in an S3-compatible store: moto's server on loopback, a real HTTP S3 API --------

S3_BUCKET = "certpath-test"
S3_REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server in a thread of the test session, with the test bucket; boto3 reads
    the (made-up) credentials from the environment, as in production."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    environment = {
        "AWS_ACCESS_KEY_ID": "certpath-test",
        "AWS_SECRET_ACCESS_KEY": "certpath-test-secret",
        "AWS_DEFAULT_REGION": S3_REGION,
    }
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        boto3.client("s3", endpoint_url=endpoint, region_name=S3_REGION).create_bucket(
            Bucket=S3_BUCKET
        )
        yield endpoint
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def use_s3(app: Flask, monkeypatch, endpoint: str) -> str:
    """Point ``app``'s uploads at a prefix of the test bucket of its own; the prefix."""
    prefix = f"t-{uuid.uuid4().hex}"
    monkeypatch.setitem(app.config, "STORAGE_URL", f"s3://{S3_BUCKET}/{prefix}")
    monkeypatch.setitem(app.config, "STORAGE_S3_ENDPOINT_URL", endpoint)
    monkeypatch.setitem(app.config, "STORAGE_S3_REGION", S3_REGION)
    return prefix


@pytest.fixture(params=["local", "s3"])
def store(request, app: Flask, monkeypatch, tmp_path):
    """The app's uploads in a store of the test's own — the local folder, then the S3 bucket —
    and a separate handle on that store to look into it."""
    from app import storage

    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    if request.param == "s3":
        use_s3(app, monkeypatch, request.getfixturevalue("s3_endpoint"))
    return storage.make(app)
