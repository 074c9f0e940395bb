"""A PostgreSQL server that stops answering costs a request seconds, not the whole outage.

Real parts only: the app talks to its own PostgreSQL database through a TCP relay on loopback
that can be switched to a black hole — bytes stop flowing but no socket is closed, and new
connections are accepted and never forwarded — and then healed. The app is not recreated
between the phases: after the heal, its pool must recover on its own.

The kernel on loopback acknowledges every byte the relay receives, so TCP's own timers
(tcp_user_timeout, keepalives) never fire here: what bounds the waits is the connect timeout,
the health check's own deadline and the app's statement deadline — the same parts that save a
request behind PgBouncer or a load balancer whose server went silent.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask_login import current_user

from app.config import ConfigError, build
from app.extensions import db
from models import User
from tests import factories
from tests.conftest import Browser, make_test_app, migrate_and_seed

# Small bounds so the test takes seconds. psycopg raises any connect timeout below 2 s to 2 s.
CONNECT_SECONDS = 2
STATEMENT_SECONDS = 1
NETWORK_SECONDS = 1
HEALTH_SECONDS = 1.0
SLACK_SECONDS = 1.5  # thread scheduling and page rendering on a loaded CI machine
# A page during the black hole: the pooled connection's pre-ping waits for the statement
# deadline (statement + network timeouts), then the pool's one reconnection attempt for the
# connect timeout.
PAGE_BOUND_SECONDS = STATEMENT_SECONDS + NETWORK_SECONDS + CONNECT_SECONDS + SLACK_SECONDS
HANG_SECONDS = 60  # a request still running after this is reported as a hang, not waited for

PAGE = "/publicity/"  # public, and it queries the database


def server_address() -> tuple[str, int, str]:
    """The PostgreSQL server of TEST_DATABASE_URL, else libpq's variables, else loopback."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        parts = urlsplit(url)
        return parts.hostname or "127.0.0.1", parts.port or 5432, parts.username or "postgres"
    return (
        os.environ.get("PGHOST", "127.0.0.1"),
        int(os.environ.get("PGPORT", "5432")),
        os.environ.get("PGUSER", "postgres"),
    )


def admin_connection() -> psycopg.Connection:
    host, port, user = server_address()
    try:
        return psycopg.connect(
            host=host, port=port, user=user, dbname="postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {user}@{host}:{port} is unreachable in CI: {exc}")
        pytest.skip(f"PostgreSQL at {user}@{host}:{port} is unreachable (set CI to fail): {exc}")


class Relay:
    """A TCP relay between a loopback port and PostgreSQL that can fall silent and heal."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.silent = threading.Event()
        self.closed = threading.Event()
        self.held: list[socket.socket] = []  # accepted during the black hole, never forwarded
        self.sockets: list[socket.socket] = []
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def black_hole(self) -> None:
        self.silent.set()

    def heal(self) -> None:
        self.silent.clear()
        # Their clients gave up long ago; a real network would have lost them too.
        for held in self.held:
            held.close()
        self.held.clear()

    def close(self) -> None:
        self.closed.set()
        for thread in self.threads:
            thread.join()
        for sock in [*self.held, *self.sockets]:
            sock.close()
        self.listener.close()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            if self.silent.is_set():
                self.held.append(client)
                continue
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                thread = threading.Thread(target=self._pump, args=(source, target), daemon=True)
                self.threads.append(thread)
                thread.start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        """Copy bytes one way; while silent, copy nothing and close nothing."""
        with contextlib.suppress(OSError):
            while not self.closed.is_set():
                if self.silent.is_set():
                    time.sleep(0.05)
                    continue
                readable, _, _ = select.select([source], [], [], 0.05)
                if not readable:
                    continue
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        # One side hung up: hang up the other, as a relay does.
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def own_database() -> Iterator[str]:
    """A PostgreSQL database of this test's own, migrated, dropped at the end."""
    name = f"certpath_timeout_{os.getpid()}"
    host, port, user = server_address()
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    direct = f"postgresql://{user}@{host}:{port}/{name}"
    try:
        migrator = make_test_app(direct)
        migrate_and_seed(migrator)
        with migrator.app_context():
            db.engine.dispose()
        yield name
    finally:
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def relay(own_database) -> Iterator[Relay]:
    host, port, _user = server_address()
    relay = Relay((host, port))
    try:
        yield relay
    finally:
        relay.close()


@pytest.fixture
def app_behind_relay(own_database, relay) -> Iterator[Flask]:
    _host, _port, user = server_address()
    app = make_test_app(
        f"postgresql://{user}@127.0.0.1:{relay.port}/{own_database}",
        DATABASE_CONNECT_TIMEOUT_SECONDS=CONNECT_SECONDS,
        DATABASE_STATEMENT_TIMEOUT_SECONDS=STATEMENT_SECONDS,
        DATABASE_NETWORK_TIMEOUT_SECONDS=NETWORK_SECONDS,
        HEALTH_TIMEOUT_SECONDS=HEALTH_SECONDS,
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def timed_get(app: Flask, url: str, **kwargs):
    """GET ``url`` in a thread: (response, seconds). A request that hangs fails the test
    instead of hanging it."""
    outcome: dict = {}

    def request() -> None:
        started = time.monotonic()
        try:
            outcome["response"] = app.test_client().get(url, **kwargs)
        except BaseException as exc:  # reported below, in the test's thread
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=request, daemon=True)
    thread.start()
    thread.join(HANG_SECONDS)
    assert not thread.is_alive(), f"GET {url} still waiting after {HANG_SECONDS} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["response"], outcome["seconds"]


def test_a_silent_database_fails_fast_and_the_app_recovers(app_behind_relay, relay):
    app = app_behind_relay
    # Healthy: the pool holds a connection through the relay.
    assert timed_get(app, "/readyz")[0].status_code == 200
    assert timed_get(app, PAGE)[0].status_code == 200

    relay.black_hole()

    response, seconds = timed_get(app, "/readyz")
    assert response.status_code == 503 and response.json["checks"]["database"] == "error"
    assert seconds < 2, f"/readyz took {seconds:.2f} s with the database silent"

    response, seconds = timed_get(app, PAGE)
    assert response.status_code == 503
    assert "服务暂不可用" in response.get_data(as_text=True)
    assert seconds < PAGE_BOUND_SECONDS, f"{PAGE} took {seconds:.2f} s"

    # Nothing is pooled any more: one connect timeout, and the page is in English on request.
    response, seconds = timed_get(app, PAGE, headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "Service unavailable" in response.get_data(as_text=True)
    assert seconds < CONNECT_SECONDS + SLACK_SECONDS, f"{PAGE} took {seconds:.2f} s"

    relay.heal()

    response, seconds = timed_get(app, "/readyz")
    assert response.status_code == 200, response.json
    response, seconds = timed_get(app, PAGE)
    assert response.status_code == 200
    assert seconds < SLACK_SECONDS


def test_the_503_page_needs_no_database_and_keeps_the_users_language(tmp_path):
    """A signed-in request whose query fails: the page is drawn without one more statement
    (the top bar would otherwise load the user's organisation and notifications), in the
    user's language, and the request's work is rolled back."""
    app = make_test_app(f"sqlite:///{tmp_path / 'certpath.sqlite3'}")
    migrate_and_seed(app)
    with app.app_context():
        email = factories.user(locale="en").email
        db.session.commit()

    @app.get("/_query_fails_for_test")
    def query_fails():
        current_user.name = "changed by a request that fails"
        db.session.flush()
        db.session.execute(sa.text("SELECT * FROM no_such_table"))  # sqlite3.OperationalError
        return "unreachable"

    browser = Browser(app.test_client())
    assert browser.login(email, factories.PASSWORD).status_code == 302
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = browser.get("/_query_fails_for_test")
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)

    assert response.status_code == 503
    assert "Service unavailable" in response.get_data(as_text=True)
    assert "no_such_table" in statements[-1], statements
    with app.app_context():
        assert db.session.scalar(sa.select(User.name).where(User.email == email)) != (
            "changed by a request that fails"
        )
        db.engine.dispose()


def test_the_bounds_are_settings(tmp_path):
    config = build(
        str(tmp_path),
        environ={
            "DATABASE_URL": "postgresql://u@db.internal/certpath",
            "CERTPATH_DATABASE_CONNECT_TIMEOUT_SECONDS": "4",
            "CERTPATH_DATABASE_STATEMENT_TIMEOUT_SECONDS": "20",
            "CERTPATH_DATABASE_NETWORK_TIMEOUT_SECONDS": "5",
            "CERTPATH_HEALTH_TIMEOUT_SECONDS": "0.5",
        },
    )
    assert config["HEALTH_TIMEOUT_SECONDS"] == 0.5
    options = config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    args = options["connect_args"]
    assert args["connect_timeout"] == 4
    assert args["options"] == "-c statement_timeout=20000 -c jit=off"
    assert args["tcp_user_timeout"] == 5000
    assert (args["keepalives"], args["keepalives_idle"], args["keepalives_interval"]) == (1, 5, 5)
    assert issubclass(args["cursor_factory"], psycopg.Cursor)

    # 0 turns a bound off, e.g. for a migration that rewrites a large table.
    unbounded = build(
        str(tmp_path),
        environ={
            "DATABASE_URL": "postgresql://u@db.internal/certpath",
            "CERTPATH_DATABASE_STATEMENT_TIMEOUT_SECONDS": "0",
        },
    )["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    assert unbounded["options"] == "-c jit=off" and "cursor_factory" not in unbounded
    assert unbounded["tcp_user_timeout"] == 10000
    jit = build(
        str(tmp_path),
        environ={
            "DATABASE_URL": "postgresql://u@db.internal/certpath",
            "CERTPATH_DATABASE_JIT": "1",
        },
    )["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    assert jit["options"] == "-c statement_timeout=30000"

    with pytest.raises(ConfigError, match="CERTPATH_HEALTH_TIMEOUT_SECONDS"):
        build(str(tmp_path), environ={"CERTPATH_HEALTH_TIMEOUT_SECONDS": "soon"})
    sqlite = build(str(tmp_path), environ={})["SQLALCHEMY_ENGINE_OPTIONS"]
    assert sqlite == {"connect_args": {"timeout": 30, "check_same_thread": False}}


def test_the_server_compiles_no_statement_by_default(app_ctx):
    """JIT is off on the app's connections (CERTPATH_DATABASE_JIT)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's setting")
    assert db.session.scalar(sa.text("SHOW jit")) == "off"
