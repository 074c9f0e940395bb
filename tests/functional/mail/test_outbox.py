"""The outbox: dedup keys, retries with back-off, dead rows, exactly-once claiming."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from app.clock import utcnow
from app.extensions import db
from app.mail import dispatcher
from app.mail.outbox import queue_email
from models import OutboxMessage, OutboxStatus
from tests import factories
from tests.conftest import free_port


def queue(app_ctx, key="k1", user=None):
    user = user or factories.user()
    return queue_email(
        dedup_key=key,
        recipient=user.email,
        template="reset",
        locale="zh",
        user=user,
        link="http://localhost/x",
    )


def test_same_dedup_key_is_queued_once(app_ctx):
    user = factories.user()
    assert queue(app_ctx, "same", user) is not None
    assert queue(app_ctx, "same", user) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_message_headers_and_both_bodies(app_ctx, smtp_server):
    user = factories.user(locale="en")
    queue_email(
        dedup_key="hdr",
        recipient=user.email,
        template="reset",
        locale="en",
        user=user,
        link="http://localhost/reset",
    )
    assert dispatcher.dispatch_due().sent == 1
    [mail] = smtp_server.messages
    assert mail["Subject"] == "Certpath: reset your password"
    assert mail["Message-ID"] == db.session.scalar(sa.select(OutboxMessage)).message_id_header
    assert mail["Content-Language"] == "en"
    assert mail.get_body(preferencelist=("html",)) is not None


def test_smtp_down_retries_with_backoff_then_succeeds(app, app_ctx, smtp_server):
    message = queue(app_ctx)
    app.config["MAIL_PORT"] = free_port()  # nobody listens there: connection refused
    result = dispatcher.dispatch_due()
    assert (result.sent, result.retried) == (0, 1)
    db.session.refresh(message)
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert message.next_attempt_at > utcnow()
    assert "ConnectionRefused" in message.last_error

    # Not due yet: nothing happens even once the server is back.
    app.config["MAIL_PORT"] = smtp_server_port(smtp_server, app)
    assert dispatcher.dispatch_due().sent == 0
    with time_machine.travel(utcnow() + timedelta(minutes=5), tick=False):
        assert dispatcher.dispatch_due().sent == 1
    assert len(smtp_server.messages) == 1


def smtp_server_port(_mailbox, app):
    return app.config["_SMTP_TEST_PORT"]


def test_gives_up_after_max_attempts(app, app_ctx):
    message = queue(app_ctx)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=2)
    try:
        dispatcher.dispatch_due()
        with time_machine.travel(utcnow() + timedelta(hours=1), tick=False):
            result = dispatcher.dispatch_due()
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=25, MAIL_MAX_ATTEMPTS=8)
    assert result.dead == 1
    db.session.refresh(message)
    assert message.status == OutboxStatus.DEAD


def test_backoff_grows_and_is_capped(app_ctx):
    assert dispatcher.backoff(1) == timedelta(seconds=60)
    assert dispatcher.backoff(3) == timedelta(seconds=240)
    assert dispatcher.backoff(30) == timedelta(hours=6)


def test_a_claimed_row_is_not_sent_twice(app_ctx, smtp_server):
    message = queue(app_ctx)
    # Another dispatcher has claimed it a moment ago.
    db.session.execute(
        sa.update(OutboxMessage).values(status=OutboxStatus.SENDING, claimed_at=utcnow())
    )
    assert dispatcher.dispatch_due().sent == 0
    # That dispatcher died: after the stale period the row is released and sent once.
    with time_machine.travel(utcnow() + timedelta(minutes=20), tick=False):
        assert dispatcher.dispatch_due().sent == 1
    assert len(smtp_server.messages) == 1
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT
