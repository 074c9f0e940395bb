"""The dispatcher's waits are bounded: a silent SMTP server costs one timeout per run, and a
run stops claiming when its budget is spent — nothing lost, nothing sent twice.

Real parts only: a loopback socket that accepts and never says a word, and aiosmtpd servers.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from aiosmtpd.controller import Controller

from app.clock import utcnow
from app.extensions import db
from app.mail import dispatcher
from app.mail.outbox import queue_email
from models import OutboxMessage, OutboxStatus
from tests import factories
from tests.conftest import Mailbox, free_port

SLACK_SECONDS = 1.0  # scheduling noise on a loaded CI machine


class SilentServer:
    """Accepts TCP connections and never answers (no greeting): a hung SMTP server."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(connection)  # held open, never read, never written

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for connection in self.accepted:
            connection.close()
        self.listener.close()


class SlowMailbox(Mailbox):
    """A real SMTP server that takes ``delay`` seconds to accept each message."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()


def serve(mailbox: Mailbox) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def queue_many(count: int) -> list[OutboxMessage]:
    user = factories.user()
    messages = [
        queue_email(
            dedup_key=f"bounds:{number}",
            recipient=user.email,
            template="reset",
            locale="zh",
            user=user,
            link=f"http://localhost/reset/{number}",
        )
        for number in range(count)
    ]
    db.session.commit()
    return [m for m in messages if m is not None]


def statuses() -> Counter:
    rows = db.session.execute(sa.select(OutboxMessage.status, OutboxMessage.attempts)).all()
    return Counter((status, attempts) for status, attempts in rows)


def timed_dispatch() -> tuple[dispatcher.DispatchResult, float]:
    started = time.monotonic()
    result = dispatcher.dispatch_due()
    return result, time.monotonic() - started


def test_a_silent_server_costs_one_timeout_per_run(app, app_ctx, monkeypatch, silent_server):
    queue_many(20)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", silent_server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 1)
    monkeypatch.setitem(app.config, "MAIL_DISPATCH_BUDGET_SECONDS", 30)

    result, elapsed = timed_dispatch()

    # One timeout (the greeting that never comes), then the run gives up on this server.
    assert elapsed < 1 + SLACK_SECONDS, f"the run took {elapsed:.1f} s"
    assert len(silent_server.accepted) == 1, "one connection, not one per message"
    assert (result.sent, result.retried, result.dead, result.deferred) == (0, 1, 0, 19)
    # The message it tried waits for its back-off; the other 19 are pending again, untouched.
    assert statuses() == {(OutboxStatus.PENDING, 1): 1, (OutboxStatus.PENDING, 0): 19}
    [tried] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.attempts == 1))
    assert "timed out" in tried.last_error
    assert tried.next_attempt_at > utcnow()

    # The server comes back: the next runs deliver every message, each exactly once.
    mailbox = Mailbox()
    controller, port = serve(mailbox)
    try:
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        assert dispatcher.dispatch_due().sent == 19
        with time_machine.travel(utcnow() + timedelta(minutes=5), tick=False):
            assert dispatcher.dispatch_due().sent == 1
    finally:
        controller.stop()
    ids = Counter(message["Message-ID"] for message in mailbox.messages)
    assert len(ids) == 20 and set(ids.values()) == {1}
    assert statuses() == {(OutboxStatus.SENT, 1): 19, (OutboxStatus.SENT, 2): 1}


def test_a_run_stops_claiming_when_its_budget_is_spent(app, app_ctx, monkeypatch):
    delay, budget = 0.3, 1
    queue_many(10)
    mailbox = SlowMailbox(delay)
    controller, port = serve(mailbox)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 5)
    monkeypatch.setitem(app.config, "MAIL_DISPATCH_BUDGET_SECONDS", budget)
    try:
        result, elapsed = timed_dispatch()
        # The budget is checked before each message: a run overruns it by one message at most.
        assert elapsed < budget + delay + SLACK_SECONDS, f"the run took {elapsed:.1f} s"
        assert 0 < result.sent < 10
        assert result.deferred == 10 - result.sent
        assert statuses() == {
            (OutboxStatus.SENT, 1): result.sent,
            (OutboxStatus.PENDING, 0): 10 - result.sent,
        }

        runs = 1
        while statuses()[(OutboxStatus.PENDING, 0)]:
            dispatcher.dispatch_due()
            runs += 1
            assert runs <= 10, "every run must make progress"
    finally:
        controller.stop()
    assert runs > 1
    ids = Counter(message["Message-ID"] for message in mailbox.messages)
    assert len(ids) == 10 and set(ids.values()) == {1}
    assert statuses() == {(OutboxStatus.SENT, 1): 10}
