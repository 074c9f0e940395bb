"""Engine settings per backend and the one place where a request's work is committed.

PostgreSQL is waited on within bounds (settings ``DATABASE_*_TIMEOUT_SECONDS``, applied by
``app.db_timeouts``): connecting, each statement on the server, and the network — so that a
database that stops answering costs a request seconds, not the time until the network heals.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_request_context, make_response, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.db_timeouts import postgres_connect_args
from app.errors import changed_meanwhile, is_conflict
from app.extensions import db


def engine_options(database_uri: str, settings: Mapping[str, Any] | None = None) -> dict:
    """The engine's options; ``settings`` (the app's configuration) bring the timeouts.

    config.build() passes them; a call without settings gets no PostgreSQL timeouts.
    """
    if database_uri.startswith("sqlite"):
        # Several threads of the dev server and the embedded scheduler share the file.
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    options: dict[str, Any] = {"pool_pre_ping": True}
    if settings is not None:
        args = postgres_connect_args(
            connect=settings["DATABASE_CONNECT_TIMEOUT_SECONDS"],
            statement=settings["DATABASE_STATEMENT_TIMEOUT_SECONDS"],
            network=settings["DATABASE_NETWORK_TIMEOUT_SECONDS"],
        )
        if not settings["DATABASE_JIT"]:
            args["options"] = " ".join(filter(None, (args.get("options"), "-c jit=off")))
        options["connect_args"] = args
    return options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling defeats SAVEPOINT and BEGIN; we emit BEGIN ourselves
    # (the recipe from SQLAlchemy's SQLite dialect documentation).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    if (
        conn.dialect.name != "sqlite"
        or conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
    ):
        return
    # A deferred transaction that reads and then writes fails at once with "database is
    # locked" when another writer got in between (SQLite cannot wait without deadlocking).
    # Requests that change things, and background jobs, take the write lock up front instead
    # and queue behind each other (busy_timeout); pages that only read stay concurrent.
    writes = not has_request_context() or request.method not in ("GET", "HEAD", "OPTIONS")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def rows_affected(statement: sa.Executable) -> int:
    """Run an UPDATE, DELETE or INSERT … SELECT in the session; how many rows it changed."""
    result = db.session.execute(statement)
    return result.rowcount if isinstance(result, sa.CursorResult) else 0


def on_rollback(callback: Callable[[], None]) -> None:
    """Undo something outside the database (e.g. a stored upload) if the request rolls back."""
    if has_request_context():
        g.setdefault("rollback_callbacks", []).append(callback)


def on_commit(callback: Callable[[], None]) -> None:
    """Do something outside the database (e.g. delete a stored file whose row is deleted) once
    the request's work is committed, and never if it rolls back."""
    if has_request_context():
        g.setdefault("commit_callbacks", []).append(callback)


def _run_rollback_callbacks() -> None:
    g.pop("commit_callbacks", None)
    for callback in g.pop("rollback_callbacks", []):
        callback()


View = TypeVar("View", bound=Callable[..., Any])
READ_ONLY = "certpath_reads_only"  # on a view function, and on the session it runs in


def reads_only(view: View) -> View:
    """Declare a page that only reads: its GET runs in autocommit on PostgreSQL.

    A transaction would add two round trips (BEGIN and COMMIT) to the page's reads, and
    under READ COMMITTED each statement takes its own snapshot whether in one or not, so
    reading without one sees the same. What such a page keeps rendered is read under
    generations taken before the rows (blueprints/projects/record.py), which holds
    statement by statement. A write slipping into such a request would commit statement by
    statement: the session refuses to flush."""
    setattr(view, READ_ONLY, True)
    return view


def _read_in_autocommit() -> None:
    """before_request (the first that touches the database): procure the request's
    connection in autocommit for a GET of a page declared ``reads_only``."""
    if request.method not in ("GET", "HEAD") or request.endpoint is None:
        return
    if not getattr(current_app.view_functions.get(request.endpoint), READ_ONLY, False):
        return
    db_session = db.session()
    bind = db_session.get_bind()
    # Tests bind the session to a connection in a transaction of theirs. SQLite keeps its
    # transactions: back in the pool, its driver would get its own transaction handling
    # again, which _sqlite_pragmas turns off.
    if not isinstance(bind, sa.Engine) or bind.dialect.name != "postgresql":
        return
    if db_session.in_transaction():
        return
    db_session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    db_session.info[READ_ONLY] = True


@event.listens_for(sa.orm.Session, "before_flush")
def _refuse_writes_of_reads_only(session: sa.orm.Session, *_args: object) -> None:
    if session.info.get(READ_ONLY) and (session.new or session.dirty or session.deleted):
        raise RuntimeError("a page declared reads_only tried to write")


def commit_response(response: Response) -> Response:
    """after_request: the single commit of a request's work (services only flush).

    Error responses roll back, so a refused request leaves nothing half-written — files
    stored on the way included.
    """
    if db.session().info.get(READ_ONLY):
        return response  # nothing to commit; the teardown returns the connection
    if response.status_code < 400:
        try:
            # A session that began nothing (a kept page, a public read on its own connection)
            # has nothing to flush or commit: the commit's machinery would still run.
            if db.session().in_transaction():
                db.session.commit()
        except Exception as error:
            db.session.rollback()
            _run_rollback_callbacks()
            if is_conflict(error):  # another request committed first: this one lost the race
                return make_response(changed_meanwhile())
            raise
        g.pop("rollback_callbacks", None)
        for callback in g.pop("commit_callbacks", []):
            callback()
    else:
        db.session.rollback()
        _run_rollback_callbacks()
    return response


def _teardown(error: BaseException | None) -> None:
    if error is not None:  # an unhandled exception skipped after_request
        _run_rollback_callbacks()


def init_app(app: Flask) -> None:
    app.before_request(_read_in_autocommit)
    app.after_request(commit_response)
    app.teardown_request(_teardown)
