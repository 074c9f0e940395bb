"""A batch over one SMTP connection: a refused message does not stop it, a server that hangs up
after delivering is dialled again, a server that falls silent ends the run after one timeout
and gives the rest of the batch back untouched.

Real aiosmtpd servers on loopback, each misbehaving in one way.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.clock import utcnow
from app.extensions import db
from app.mail import dispatcher
from app.mail.outbox import queue_email
from models import OutboxMessage, OutboxStatus
from tests import factories
from tests.conftest import Mailbox, free_port


class CountingMailbox(Mailbox):
    """A mailbox that also records the connections (client ports) messages came in on."""

    def __init__(self) -> None:
        super().__init__()
        self.connections: list[tuple] = []

    def seen(self, session) -> None:
        if session.peer not in self.connections:
            self.connections.append(session.peer)

    async def handle_DATA(self, server, session, envelope):
        self.seen(session)
        return await super().handle_DATA(server, session, envelope)

    def ids(self) -> Counter:
        return Counter(message["Message-ID"] for message in self.messages)


class HangsUpEvery(CountingMailbox):
    """Accepts ``every`` messages on a connection, then closes it (a per-connection limit)."""

    def __init__(self, every: int) -> None:
        super().__init__()
        self.every = every
        self.per_connection: Counter = Counter()

    async def handle_DATA(self, server, session, envelope):
        status = await super().handle_DATA(server, session, envelope)
        self.per_connection[session.peer] += 1
        if self.per_connection[session.peer] == self.every:
            # After the reply is written: close() sends what is buffered first.
            asyncio.get_running_loop().call_soon(server.transport.close)
        return status


class RefusesOne(CountingMailbox):
    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.address:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class FallsSilentAfter(CountingMailbox):
    """Accepts ``count`` messages, then never answers DATA again."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    async def handle_DATA(self, server, session, envelope):
        self.seen(session)
        if len(self.messages) >= self.count:
            await asyncio.sleep(10)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def serve(app, monkeypatch) -> Iterator:
    controllers: list[Controller] = []

    def start(handler: Mailbox) -> None:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", port)

    yield start
    for controller in controllers:
        controller.stop()


def queue_many(count: int) -> list[OutboxMessage]:
    messages = []
    for number in range(count):
        user = factories.user()
        messages.append(
            queue_email(
                dedup_key=f"batch:{number}",
                recipient=user.email,
                template="reset",
                locale="zh" if number % 2 else "en",
                user=user,
                link=f"http://localhost/reset/{number}",
            )
        )
    db.session.commit()
    return [message for message in messages if message is not None]


def states() -> Counter:
    rows = db.session.execute(sa.select(OutboxMessage.status, OutboxMessage.attempts)).all()
    return Counter((status, attempts) for status, attempts in rows)


def test_a_server_that_hangs_up_is_dialled_again(app, app_ctx, serve, monkeypatch):
    mailbox = HangsUpEvery(4)
    serve(mailbox)
    monkeypatch.setitem(app.config, "MAIL_DISPATCH_BATCH", 5)
    queue_many(10)

    result = dispatcher.dispatch_due()

    assert (result.sent, result.retried, result.dead, result.deferred) == (10, 0, 0, 0)
    assert len(mailbox.connections) == 3, "4 + 4 + 2 messages, a new connection after each hang-up"
    ids = mailbox.ids()
    assert len(ids) == 10 and set(ids.values()) == {1}
    assert states() == {(OutboxStatus.SENT, 1): 10}


def test_a_refused_message_does_not_stop_the_batch(app, app_ctx, serve):
    messages = queue_many(6)
    refused = messages[2]
    mailbox = RefusesOne(refused.recipient)
    serve(mailbox)

    result = dispatcher.dispatch_due()

    assert (result.sent, result.retried, result.dead, result.deferred) == (5, 1, 0, 0)
    assert len(mailbox.messages) == 5
    assert refused.recipient not in {message["To"] for message in mailbox.messages}
    db.session.refresh(refused)
    assert refused.status == OutboxStatus.PENDING and refused.attempts == 1
    assert "SMTPRecipientsRefused" in refused.last_error
    assert refused.next_attempt_at > utcnow()
    assert states() == {(OutboxStatus.SENT, 1): 5, (OutboxStatus.PENDING, 1): 1}


def test_a_server_falling_silent_mid_batch_costs_one_timeout(app, app_ctx, serve, monkeypatch):
    """A timeout is not a hang-up: no second connection, the run ends, the message in hand
    counts an attempt and the rest of the claimed batch is pending again, untouched."""
    mailbox = FallsSilentAfter(3)
    serve(mailbox)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 1)
    monkeypatch.setitem(app.config, "MAIL_DISPATCH_BATCH", 50)
    queue_many(10)

    result = dispatcher.dispatch_due()

    assert (result.sent, result.retried, result.dead, result.deferred) == (3, 1, 0, 6)
    assert len(mailbox.connections) == 1
    assert states() == {
        (OutboxStatus.SENT, 1): 3,
        (OutboxStatus.PENDING, 1): 1,
        (OutboxStatus.PENDING, 0): 6,
    }
    untouched = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.attempts == 0)
    ).all()
    assert all(m.claimed_at is None and m.last_error is None for m in untouched)
    [tried] = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts == 1
        )
    )
    assert "timed out" in tried.last_error and tried.next_attempt_at > utcnow()


class Envelopes(CountingMailbox):
    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return await super().handle_DATA(server, session, envelope)


def test_chinese_headers_attachments_and_an_international_address(app, app_ctx, monkeypatch):
    """What a reader sees: the sender's name, the subject, both bodies and the calendar entry
    decode to what was queued; an address that needs SMTPUTF8 goes out with it."""
    mailbox = Envelopes()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_SENDER", "两化融合管理体系平台 <no-reply@certpath.cn>")
    user = factories.user(locale="zh")
    ics = "BEGIN:VCALENDAR\r\nSUMMARY:监督评定到期\r\nEND:VCALENDAR\r\n"
    for key, recipient in (("plain", user.email), ("international", "张三@例子.中国")):
        queue_email(
            dedup_key=f"headers:{key}",
            recipient=recipient,
            template="reset",
            locale="zh",
            user=user,
            link="http://localhost/reset/x",
            attachments=[{"filename": "监督.ics", "content_type": "text/calendar", "content": ics}],
        )
    db.session.commit()
    try:
        assert dispatcher.dispatch_due().sent == 2
    finally:
        controller.stop()

    rows = {row.recipient: row for row in db.session.scalars(sa.select(OutboxMessage))}
    assert sorted(to for _, [to] in mailbox.envelopes) == sorted(rows)
    assert {sender for sender, _ in mailbox.envelopes} == {"no-reply@certpath.cn"}
    for mail in mailbox.messages:
        row = rows[mail["To"]]
        assert mail["From"] == "两化融合管理体系平台 <no-reply@certpath.cn>"
        assert mail["Subject"] == row.subject and "密码" in row.subject
        assert mail["Message-ID"] == row.message_id_header
        assert mail["Content-Language"] == "zh-CN"
        # (EmailMessage, which takes the international address, ends a body with a newline.)
        assert Mailbox.text(mail).rstrip("\n") == row.body_text.rstrip("\n")
        html = mail.get_body(preferencelist=("html",)).get_content()
        assert html.rstrip("\n") == row.body_html.rstrip("\n")
        [calendar] = mail.iter_attachments()
        assert calendar.get_filename() == "监督.ics"
        assert calendar.get_content_type() == "text/calendar"
        assert calendar.get_content() == ics
