"""Bounds on every wait for PostgreSQL: the connection parameters that bound connecting, each
statement and the network, a deadline on each statement's answer, and the health probe.

A database that stops answering (a network black hole, a pooler in front of a dead server)
must cost a request seconds, and the health check less than that.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, Self

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

logger = logging.getLogger(__name__)


def postgres_connect_args(*, connect: float, statement: float, network: float) -> dict[str, Any]:
    """libpq parameters bounding every wait on the server (seconds; 0 leaves a bound off).

    * ``connect_timeout``: a server that takes the TCP connection but never answers (whole
      seconds; libpq and psycopg make anything below 2 into 2).
    * ``statement_timeout``: the server cancels a statement running longer; the connection
      stays usable.
    * ``tcp_user_timeout`` and keepalives: the kernel drops a connection whose packets go
      unacknowledged (a network black hole), whether a query is waiting or it sits in the pool.
    * the statement deadline: a silent peer that does acknowledge — PgBouncer or a load
      balancer in front of a dead server — defeats TCP's timers, so the app gives the answer
      the statement timeout plus the network timeout, then cuts the connection itself.
    """
    args: dict[str, Any] = {}
    if connect > 0:
        args["connect_timeout"] = math.ceil(connect)
    if statement > 0:
        args["options"] = f"-c statement_timeout={round(statement * 1000)}"
    if network > 0:
        args.update(
            tcp_user_timeout=round(network * 1000),  # milliseconds
            keepalives=1,
            keepalives_idle=math.ceil(network),
            keepalives_interval=math.ceil(network),
        )
    if statement > 0 and network > 0:
        args["cursor_factory"] = deadline_cursor(statement + network)
    return args


def health_probe_engine(database_uri: str, seconds: float) -> Engine:
    """An engine without a pool for the health check: a fresh connection per probe, with bounds
    of its own, so that the probe neither queues behind busy requests nor reuses a connection
    that went silent."""
    return sa.create_engine(
        database_uri,
        poolclass=NullPool,
        connect_args=postgres_connect_args(connect=seconds, statement=seconds, network=seconds),
    )


def database_answers(engine: Engine, seconds: float) -> bool:
    """Whether ``SELECT 1`` on ``engine`` comes back within ``seconds``.

    The probe runs in a thread that is waited for ``seconds`` at most: libpq cannot connect
    within less than 2 s, and a health check must answer sooner than that. A late probe ends on
    its own at the engine's bounds.
    """
    answered = threading.Event()

    def probe() -> None:
        try:
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except Exception as exc:  # any driver error means the database is unusable
            logger.warning("health check: database unreachable: %s", exc)
        else:
            answered.set()

    threading.Thread(target=probe, name="health-probe", daemon=True).start()
    if answered.wait(seconds):
        return True
    logger.warning("health check: no answer from the database within %s s", seconds)
    return False


class StatementDeadlines:
    """One thread per process that cuts the connection of a statement whose answer is overdue.

    psycopg waits for a server's answer without a clock. Shutting the socket down wakes it with
    an end of file: it raises OperationalError and marks the connection broken, which
    SQLAlchemy's pool then discards. The socket stays open until its owner closes it, so its
    number is never reused under our feet.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._watched: dict[int, tuple[float, int]] = {}  # token -> (deadline, socket)
        self._expired: set[int] = set()
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None
        self._wakes_at = math.inf

    def watch(self, fileno: int, seconds: float) -> int:
        token = next(self._tokens)
        deadline = time.monotonic() + seconds
        with self._condition:
            self._watched[token] = (deadline, fileno)
            if self._thread is None or not self._thread.is_alive():  # first use, or forked
                self._thread = threading.Thread(
                    target=self._run, name="db-statement-deadlines", daemon=True
                )
                self._thread.start()
            elif deadline < self._wakes_at:
                # Only then: waking the thread for every statement would cost more than the
                # statement itself.
                self._condition.notify()
        return token

    def release(self, token: int) -> bool:
        """Stop watching; whether the deadline passed and the connection was cut."""
        with self._condition:
            self._watched.pop(token, None)
            if token in self._expired:
                self._expired.discard(token)
                return True
            return False

    def _run(self) -> None:
        with self._condition:
            while True:
                now = time.monotonic()
                for token, (deadline, fileno) in list(self._watched.items()):
                    if deadline <= now:
                        del self._watched[token]
                        self._expired.add(token)
                        _cut(fileno)
                self._wakes_at = min((d for d, _ in self._watched.values()), default=math.inf)
                self._condition.wait(None if self._wakes_at == math.inf else self._wakes_at - now)


def _cut(fileno: int) -> None:
    try:
        sock = socket.socket(fileno=os.dup(fileno))  # a duplicate: closing it leaves libpq's
    except OSError:
        return
    with sock, suppress(OSError):  # already closed by the peer
        sock.shutdown(socket.SHUT_RDWR)


STATEMENT_DEADLINES = StatementDeadlines()


def deadline_cursor(seconds: float) -> type[psycopg.Cursor[Any]]:
    """A psycopg cursor class whose statements get an answer within ``seconds`` or fail."""

    class DeadlineCursor(psycopg.Cursor[Any]):
        def execute(self, *args: Any, **kwargs: Any) -> Self:
            with _answer_within(self, seconds):
                return super().execute(*args, **kwargs)

        def executemany(self, *args: Any, **kwargs: Any) -> None:
            with _answer_within(self, seconds):
                super().executemany(*args, **kwargs)

    return DeadlineCursor


@contextmanager
def _answer_within(cursor: psycopg.Cursor[Any], seconds: float) -> Iterator[None]:
    try:
        fileno = cursor.connection.pgconn.socket
    except psycopg.Error:  # closed or broken: the statement itself will say so
        yield
        return
    token = STATEMENT_DEADLINES.watch(fileno, seconds)
    try:
        yield
    except psycopg.Error as exc:
        if STATEMENT_DEADLINES.release(token):
            raise psycopg.OperationalError(
                f"no answer from the database within {seconds:g} s: connection closed"
            ) from exc
        raise
    finally:
        STATEMENT_DEADLINES.release(token)
