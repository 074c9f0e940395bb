"""Engine settings per backend and the one place where a request's work is committed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db


def engine_options(database_uri: str) -> dict:
    if database_uri.startswith("sqlite"):
        # Several threads of the dev server and the embedded scheduler share the file.
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True}


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
    if conn.dialect.name != "sqlite":
        return
    # A deferred transaction that reads and then writes fails at once with "database is
    # locked" when another writer got in between (SQLite cannot wait without deadlocking).
    # Requests that change things, and background jobs, take the write lock up front instead
    # and queue behind each other (busy_timeout); pages that only read stay concurrent.
    writes = not has_request_context() or request.method not in ("GET", "HEAD", "OPTIONS")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def rows_affected(statement: sa.Executable) -> int:
    """Run an UPDATE or DELETE in the request's session; how many rows it changed."""
    result = db.session.execute(statement)
    return result.rowcount if isinstance(result, sa.CursorResult) else 0


def on_rollback(callback: Callable[[], None]) -> None:
    """Undo something outside the database (e.g. a stored upload) if the request rolls back."""
    if has_request_context():
        g.setdefault("rollback_callbacks", []).append(callback)


def _run_rollback_callbacks() -> None:
    for callback in g.pop("rollback_callbacks", []):
        callback()


def commit_response(response: Response) -> Response:
    """after_request: the single commit of a request's work (services only flush).

    Error responses roll back, so a refused request leaves nothing half-written — files
    stored on the way included.
    """
    if response.status_code < 400:
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()
            _run_rollback_callbacks()
            raise
        g.pop("rollback_callbacks", None)
    else:
        db.session.rollback()
        _run_rollback_callbacks()
    return response


def _teardown(error: BaseException | None) -> None:
    if error is not None:  # an unhandled exception skipped after_request
        _run_rollback_callbacks()


def init_app(app: Flask) -> None:
    app.after_request(commit_response)
    app.teardown_request(_teardown)
