"""Sending: claim due rows one by one, send with smtplib, retry with back-off, park the dead.

A row is claimed by a conditional UPDATE (pending → sending) that only one process can win,
on SQLite and PostgreSQL alike, so two dispatchers never send the same row. The claim is
committed before the SMTP conversation, and the outcome committed right after it.

Waiting is bounded: every socket operation by MAIL_TIMEOUT_SECONDS (smtplib applies it to
connecting and to every reply), a run by MAIL_DISPATCH_BUDGET_SECONDS (no message is claimed
once it is spent), and a server that fails — unreachable, silent, hanging up — ends the run at
once: the rest stay pending, unclaimed and untouched, for the next run.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate

import sqlalchemy as sa
from flask import current_app

from app.clock import utcnow
from app.database import rows_affected
from app.extensions import db
from models import OutboxMessage, OutboxStatus


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0  # due but left for the next run: budget spent, or the server failed
    skipped: bool = False


# The server refused this one message (a recipient, the sender, the content): the next may
# go through. Any other failure — every SMTP error is an OSError, timeouts included — is the
# server's, and would only repeat for each remaining message.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def mail_configured() -> bool:
    return bool(current_app.config["MAIL_SERVER"])


def backoff(attempts: int) -> timedelta:
    """60 s, 2 min, 4 min … capped at 6 hours (base configurable)."""
    base = current_app.config["MAIL_RETRY_BASE_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def build_message(row: OutboxMessage) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = row.message_id_header
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    for attachment in row.attachments or []:
        maintype, _, subtype = attachment["content_type"].partition("/")
        message.add_attachment(
            attachment["content"].encode(),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
        )
    # After the bodies: set_content() clears every Content-* header.
    message["Content-Language"] = "zh-CN" if row.locale == "zh" else "en"
    return message


def _connect() -> smtplib.SMTP:
    config = current_app.config
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            config["MAIL_SERVER"],
            config["MAIL_PORT"],
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def release_stale_claims() -> int:
    """A process that died mid-send leaves rows in 'sending'; give them back after a while."""
    limit = utcnow() - timedelta(minutes=current_app.config["MAIL_STALE_CLAIM_MINUTES"])
    released = rows_affected(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < limit)
        .values(status=OutboxStatus.PENDING, claimed_at=None)
    )
    db.session.commit()
    return released


def _claim(message_id: int) -> bool:
    claimed = rows_affected(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=utcnow())
    )
    db.session.commit()
    return claimed == 1


def dispatch_due(limit: int | None = None) -> DispatchResult:
    """Send what is due. Commits per message: runs outside any request."""
    result = DispatchResult()
    if not mail_configured():
        result.skipped = True
        return result
    release_stale_claims()
    limit = limit or current_app.config["MAIL_BATCH_SIZE"]
    due_ids = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= utcnow()
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    budget_ends = time.monotonic() + current_app.config["MAIL_DISPATCH_BUDGET_SECONDS"]
    smtp: smtplib.SMTP | None = None
    try:
        for position, message_id in enumerate(due_ids):
            if time.monotonic() >= budget_ends:
                result.deferred = len(due_ids) - position
                break
            if not _claim(message_id):
                continue  # another dispatcher took it
            row = db.session.get(OutboxMessage, message_id)
            if row is None:  # claimed a moment ago; deleted only by hand
                continue
            try:
                if smtp is None:
                    smtp = _connect()
                smtp.send_message(build_message(row))
            except MESSAGE_REFUSED as exc:
                _record_failure(row, exc, result)
                if smtp is not None:
                    _quit(smtp)
                smtp = None
            except OSError as exc:
                _record_failure(row, exc, result)
                db.session.commit()
                if smtp is not None:
                    smtp.close()  # no QUIT: a silent server would cost one more timeout
                smtp = None
                result.deferred = len(due_ids) - position - 1
                break
            else:
                row.status = OutboxStatus.SENT
                row.sent_at = utcnow()
                row.attempts += 1
                row.last_error = None
                result.sent += 1
            db.session.commit()
    finally:
        if smtp is not None:
            _quit(smtp)
    if result.deferred:
        current_app.logger.info("mail: %d due messages left for the next run", result.deferred)
    return result


def _record_failure(row: OutboxMessage, exc: Exception, result: DispatchResult) -> None:
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    row.claimed_at = None
    if row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        row.status = OutboxStatus.DEAD
        result.dead += 1
    else:
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = utcnow() + backoff(row.attempts)
        result.retried += 1
    current_app.logger.warning("mail %s to %s failed: %s", row.id, row.recipient, row.last_error)


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def resend(row: OutboxMessage) -> None:
    """An administrator's retry of a dead (or sent) message: back in the queue, attempts reset."""
    row.status = OutboxStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = utcnow()
    row.last_error = None
    row.claimed_at = None
