"""Sending: claim due rows in batches, send each batch over one SMTP connection, retry with
back-off, park the dead.

A run drains the queue: it claims a batch (MAIL_DISPATCH_BATCH rows), sends it, commits the
outcomes, and claims the next, until nothing is due or its budget is spent.

A batch is claimed by one conditional UPDATE (pending → sending) whose rows only one process
can win: the UPDATE itself re-checks the status, and on PostgreSQL its subquery locks the rows
it picks with FOR UPDATE SKIP LOCKED, so a second dispatcher passes over them instead of
waiting (SQLite has one writer at a time, which is enough). The claim is committed before the
SMTP conversation, so no transaction stays open while the server talks; a process that dies
mid-batch leaves 'sending' rows, which release_stale_claims gives back after a while. The
outcomes of a batch (sent, retry, dead) are written in one transaction after it.

Waiting is bounded: every socket operation by MAIL_TIMEOUT_SECONDS (smtplib applies it to
connecting and to every reply), a run by MAIL_DISPATCH_BUDGET_SECONDS (checked before each
message: once it is spent, the rest of the batch goes back to pending untouched), and a server
that fails — unreachable, silent, hanging up — ends the run at once: the message it failed on
counts an attempt, the rest of the batch goes back to pending untouched.
A connection that has delivered and is then closed by the server (an idle or per-connection
limit) is opened again once for the message at hand.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from dataclasses import dataclass
from datetime import timedelta
from email.encoders import encode_base64
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from typing import Any, cast

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
    # Due but left for the next run (budget spent, server failed, limit reached); 0 when drained.
    deferred: int = 0
    skipped: bool = False


# The server refused this one message (a recipient, the sender, the content): the next may
# go through. Any other failure — every SMTP error is an OSError, timeouts included — is the
# server's, and would only repeat for each remaining message.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)

# What a claim reads of a row: all that sending it and recording the outcome need.
_CLAIMED_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.dedup_key,
    OutboxMessage.recipient,
    OutboxMessage.subject,
    OutboxMessage.body_text,
    OutboxMessage.body_html,
    OutboxMessage.attachments,
    OutboxMessage.locale,
    OutboxMessage.attempts,
    OutboxMessage.next_attempt_at,
    OutboxMessage.request_id,
)


def mail_configured() -> bool:
    return bool(current_app.config["MAIL_SERVER"])


def backoff(attempts: int) -> timedelta:
    """60 s, 2 min, 4 min … capped at 6 hours (base configurable)."""
    base = current_app.config["MAIL_RETRY_BASE_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def build_message(row: OutboxMessage) -> Message:
    """The email of an outbox row: text, the HTML alternative, attachments.

    Composed with the classic MIME classes, ten times cheaper than EmailMessage's header
    registry (which took half of the time per message when a batch was profiled); addresses
    that need SMTPUTF8 take EmailMessage, which smtplib sends that way.
    """
    sender = current_app.config["MAIL_SENDER"]
    if not (row.recipient.isascii() and parseaddr(sender)[1].isascii()):
        return _build_international(row, sender)
    body: Message = _part(MIMEText(row.body_text, "plain", "utf-8"))
    if row.body_html:
        body = _multipart("alternative", body, _part(MIMEText(row.body_html, "html", "utf-8")))
    attachments = [_attachment(attachment) for attachment in row.attachments or []]
    message = _multipart("mixed", body, *attachments) if attachments else body
    message["MIME-Version"] = "1.0"
    message["From"] = _address(sender)
    message["To"] = _address(row.recipient)
    message["Subject"] = _encoded(row.subject, "Subject")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = row.message_id_header
    message["Content-Language"] = "zh-CN" if row.locale == "zh" else "en"
    return message


def _part(part: Message) -> Message:
    del part["MIME-Version"]  # once, on the whole message
    return part


def _multipart(subtype: str, *parts: Message) -> Message:
    return _part(MIMEMultipart(subtype, _subparts=parts))


def _attachment(attachment: dict[str, str]) -> Message:
    maintype, _, subtype = attachment["content_type"].partition("/")
    part = _part(MIMENonMultipart(maintype, subtype))
    if maintype == "text":  # an .ics invitation: say its charset, so that readers decode it
        part.set_param("charset", "utf-8")
    part.set_payload(attachment["content"].encode())
    encode_base64(part)
    filename = attachment["filename"]
    part.add_header(
        "Content-Disposition",
        "attachment",
        filename=filename if filename.isascii() else ("utf-8", "", filename),
    )
    return part


def _encoded(value: str, name: str) -> str:
    """A header value as RFC 2047 encoded words when it is not ASCII."""
    if value.isascii():
        return value
    # The classic policy takes a Header as a header's value (and folds it); typeshed says str.
    return cast(str, Header(value, "utf-8", header_name=name))


def _address(value: str) -> str:
    """``名称 <a@b>`` with the display name encoded when it is not ASCII."""
    return formataddr(parseaddr(value), charset="utf-8")


def _build_international(row: OutboxMessage, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
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
            params={"charset": "utf-8"} if maintype == "text" else {},
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


def _dropped(exc: smtplib.SMTPException) -> bool:
    """Did the server close the connection (rather than fall silent or refuse the message)?

    A hang-up, or reply 421 (service closing the channel), which smtplib raises as a refusal.
    A timeout is not a hang-up: smtplib reports it as a disconnection too, with the timeout as
    its context, and a silent server must cost one timeout, not two.
    """
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return not isinstance(exc.__context__, TimeoutError)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = {code for code, _reply in exc.recipients.values()}
        return codes == {421}
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 421


class _Connection:
    """One SMTP connection for a run: opened at the first message, kept across batches."""

    def __init__(self) -> None:
        self.smtp: smtplib.SMTP | None = None
        self.delivered = 0  # messages accepted on this connection

    def send(self, message: Message) -> None:
        if self.smtp is None:
            self.smtp = _connect()
            self.delivered = 0
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPException as exc:
            # Only a connection that has worked is opened again, once per message that meets
            # the hang-up: a server that hangs up at once fails the run as before.
            if not (self.delivered and _dropped(exc)):
                raise
            current_app.logger.info(
                "mail: the server closed the connection after %d messages; reconnecting",
                self.delivered,
            )
            self.abort()
            self.smtp = _connect()
            self.delivered = 0
            self.smtp.send_message(message)
        self.delivered += 1

    def quit(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
        self.smtp = None

    def abort(self) -> None:
        """Close without QUIT: a silent server would cost one more timeout."""
        if self.smtp is not None:
            self.smtp.close()
        self.smtp = None


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


def _due() -> sa.ColumnElement[bool]:
    return sa.and_(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= utcnow()
    )


def claim_batch(size: int) -> list[sa.Row[Any]]:
    """Mark up to ``size`` due rows 'sending' and return them, oldest due first. Not committed.

    One statement. Its UPDATE changes a row only while it is still pending, and on PostgreSQL
    the subquery locks the rows it picks and skips those another claim holds (SKIP LOCKED):
    concurrent claims get disjoint rows without waiting for each other. SQLite ignores the
    locking clause; its single writer runs one claim after the other.
    """
    now = utcnow()
    picked = (
        sa.select(OutboxMessage.id)
        .where(_due())
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    rows = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(picked), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=now)
        .returning(*_CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False)
    ).all()
    # RETURNING keeps no order: send in the queue's.
    return sorted(rows, key=lambda row: (row.next_attempt_at, row.id))


def _outgoing(row: sa.Row[Any]) -> Message:
    """The email of a claimed row (a detached copy: the session never sees it)."""
    return build_message(
        OutboxMessage(
            dedup_key=row.dedup_key,
            recipient=row.recipient,
            subject=row.subject,
            body_text=row.body_text,
            body_html=row.body_html,
            attachments=row.attachments,
            locale=row.locale,
        )
    )


class _Batch:
    """The outcomes of one claimed batch, written together once it is over."""

    def __init__(self, result: DispatchResult) -> None:
        self.result = result
        self.updates: list[dict[str, Any]] = []
        self.unsent: list[int] = []

    def sent(self, row: sa.Row[Any]) -> None:
        self.updates.append(
            {
                "id": row.id,
                "status": OutboxStatus.SENT,
                "sent_at": utcnow(),
                "attempts": row.attempts + 1,
                "last_error": None,
            }
        )
        self.result.sent += 1

    def failed(self, row: sa.Row[Any], exc: Exception) -> None:
        attempts = row.attempts + 1
        error = f"{type(exc).__name__}: {exc}"[:2000]
        update: dict[str, Any] = {
            "id": row.id,
            "attempts": attempts,
            "last_error": error,
            "claimed_at": None,
            "next_attempt_at": row.next_attempt_at,
        }
        if attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            update["status"] = OutboxStatus.DEAD
            self.result.dead += 1
        else:
            update["status"] = OutboxStatus.PENDING
            update["next_attempt_at"] = utcnow() + backoff(attempts)
            self.result.retried += 1
        self.updates.append(update)
        current_app.logger.warning(
            "mail %s to %s (queued by %s) failed: %s",
            row.id,
            row.recipient,
            row.request_id or "-",
            error,
        )

    def give_back(self, rows: list[sa.Row[Any]]) -> None:
        """Claimed but not tried: pending again as they were, no attempt counted."""
        self.unsent.extend(row.id for row in rows)

    def commit(self) -> None:
        if self.updates:
            # ORM bulk UPDATE by primary key: one executemany per set of columns.
            db.session.execute(sa.update(OutboxMessage), self.updates)
        if self.unsent:
            db.session.execute(
                sa.update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(self.unsent),
                    OutboxMessage.status == OutboxStatus.SENDING,
                )
                .values(status=OutboxStatus.PENDING, claimed_at=None)
                .execution_options(synchronize_session=False)
            )
        db.session.commit()


def _send_batch(
    rows: list[sa.Row[Any]], connection: _Connection, result: DispatchResult, budget_ends: float
) -> bool:
    """Send a claimed batch and commit its outcomes; False when the run must stop."""
    batch = _Batch(result)
    go_on = True
    position = 0
    try:
        for position, row in enumerate(rows):
            if time.monotonic() >= budget_ends:
                batch.give_back(rows[position:])
                go_on = False
                break
            try:
                message = _outgoing(row)
            except Exception as exc:  # a row that cannot become an email: its own failure
                batch.failed(row, exc)
                continue
            try:
                connection.send(message)
            except MESSAGE_REFUSED as exc:
                batch.failed(row, exc)
                connection.quit()
            except OSError as exc:
                batch.failed(row, exc)
                connection.abort()
                batch.give_back(rows[position + 1 :])
                go_on = False
                break
            else:
                batch.sent(row)
    except BaseException:
        # Unforeseen (a bug, an interrupt): keep what happened and give back what was not
        # tried; the message in hand stays 'sending' until release_stale_claims frees it.
        connection.abort()
        db.session.rollback()
        batch.give_back(rows[position + 1 :])
        batch.commit()
        raise
    batch.commit()
    return go_on


def _count_due() -> int:
    count = sa.select(sa.func.count()).select_from(OutboxMessage).where(_due())
    return db.session.scalar(count) or 0


def dispatch_due(limit: int | None = None) -> DispatchResult:
    """Send what is due, batch after batch, until nothing is due, the run's budget is spent,
    ``limit`` messages were claimed, or the server fails. Commits: runs outside any request."""
    result = DispatchResult()
    if not mail_configured():
        result.skipped = True
        return result
    release_stale_claims()
    config = current_app.config
    started = time.monotonic()
    budget_ends = started + config["MAIL_DISPATCH_BUDGET_SECONDS"]
    batch_size = max(1, config["MAIL_DISPATCH_BATCH"])
    claimed = 0
    drained = False
    connection = _Connection()
    try:
        while time.monotonic() < budget_ends and (limit is None or claimed < limit):
            size = batch_size if limit is None else min(batch_size, limit - claimed)
            rows = claim_batch(size)
            db.session.commit()  # before the SMTP conversation: no transaction stays open
            if not rows:
                drained = True
                break
            claimed += len(rows)
            if not _send_batch(rows, connection, result, budget_ends):
                break
    finally:
        connection.quit()
    if not drained:
        result.deferred = _count_due()
        db.session.commit()
    elapsed = time.monotonic() - started
    if result.sent or result.retried or result.dead:
        current_app.logger.info(
            "mail: sent %d, retry %d, dead %d in %.1f s",
            result.sent,
            result.retried,
            result.dead,
            elapsed,
        )
    if result.deferred:
        current_app.logger.info("mail: %d due messages left for the next run", result.deferred)
    return result


def resend(row: OutboxMessage) -> None:
    """An administrator's retry of a dead (or sent) message: back in the queue, attempts reset."""
    row.status = OutboxStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = utcnow()
    row.last_error = None
    row.claimed_at = None
