"""Publicity batches, objections, certificates and their history (DOMAIN.md §3 phase 3, §5)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.organisation import Organisation
from models.search_tokens import TOKENS_TYPE, initials_default, keep_tokens, tokens_default
from models.types import TitledEnum, enum_column_type
from models.user import User


class PublicityBatch(Model):
    __tablename__ = "publicity_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date, index=True)  # scanned to close batches
    working_days: Mapped[int] = mapped_column()
    # The holiday calendar did not cover the period: Monday–Friday was assumed.
    estimated: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()

    entries: Mapped[list[PublicityEntry]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="PublicityEntry.id"
    )


class PublicityEntry(Model):
    """A project announced in a batch; an upheld objection removes it (kept for the record)."""

    __tablename__ = "publicity_entries"
    __table_args__ = (sa.UniqueConstraint("batch_id", "project_id", name="uq_publicity_entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("publicity_batches.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    # What the public page shows, frozen at announcement.
    enterprise_name: Mapped[str] = mapped_column(sa.String(200))
    region_name: Mapped[str] = mapped_column(sa.String(200))  # in Chinese, as announced
    # The region as announced, whose name each page writes in its reader's language (None: an
    # entry announced before the code was kept; its Chinese name stands).
    region_code: Mapped[str | None] = mapped_column(sa.String(6))
    body_name: Mapped[str] = mapped_column(sa.String(200))
    scope: Mapped[str] = mapped_column(sa.Text)
    removed_at: Mapped[datetime | None] = mapped_column()

    batch: Mapped[PublicityBatch] = relationship(back_populates="entries")


class ObjectionStatus(TitledEnum):
    OPEN = "open", _l("Open")
    UPHELD = "upheld", _l("Upheld")
    DISMISSED = "dismissed", _l("Dismissed")


class Objection(Model):
    __tablename__ = "objections"
    __table_args__ = (sa.Index("ix_objections_entry_status", "entry_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("publicity_entries.id"))
    name: Mapped[str] = mapped_column(sa.String(100))
    contact: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.Text)
    # A keyed hash of the sender's address: enough to rate-limit, not to identify.
    address_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    status: Mapped[ObjectionStatus] = mapped_column(
        enum_column_type(ObjectionStatus, "objection_status"), default=ObjectionStatus.OPEN
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}

    entry: Mapped[PublicityEntry] = relationship()
    decided_by: Mapped[User | None] = relationship()


class CertificateStatus(TitledEnum):
    VALID = "valid", _l("Valid")  # 有效
    SUSPENDED = "suspended", _l("Suspended")  # 暂停
    REVOKED = "revoked", _l("Revoked")  # 撤销
    CANCELLED = "cancelled", _l("Cancelled")  # 注销 (at the holder's request)
    EXPIRED = "expired", _l("Expired")  # 过期
    SUPERSEDED = "superseded", _l("Superseded by a reissue")  # replaced by a reissue


class BodySerial(Model):
    """Each evaluation body's running certificate serial: never resets, never repeats."""

    __tablename__ = "body_serials"

    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    last_serial: Mapped[int] = mapped_column(default=0)


class Certificate(Model):
    __tablename__ = "certificates"
    __table_args__ = (
        sa.UniqueConstraint("body_id", "serial", "issue_no", name="uq_certificates_serial_issue"),
        sa.Index("ix_certificates_status_expires", "status", "expires_on"),
        sa.Index("ix_certificates_effective_on", "effective_on"),
        # The register's name search (models/search_tokens.py): PostgreSQL only, SQLite
        # searches by LIKE.
        sa.Index("ix_certificates_name_tokens", "name_tokens", postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
        # Numbers by prefix (LIKE 'CSAIII-931%') whatever the database's collation.
        sa.Index(
            "ix_certificates_number_prefix",
            "number",
            postgresql_ops={"number": "varchar_pattern_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    serial: Mapped[int] = mapped_column()
    issue_no: Mapped[int] = mapped_column(default=1)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    enterprise_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    # Kept by keep_tokens below: set with the name, computed for rows inserted without one.
    # Deferred: only the search's WHERE reads them, no page shows them.
    name_tokens: Mapped[list[str]] = mapped_column(
        TOKENS_TYPE, default=tokens_default("enterprise_name"), deferred=True
    )
    # Its pinyin initials (models/pinyin.py), kept the same way: the search by initials
    # checks their order here after the tokens found the rows.
    name_initials: Mapped[str] = mapped_column(
        sa.String(200), default=initials_default("enterprise_name"), deferred=True
    )
    address: Mapped[str] = mapped_column(sa.String(300))
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    capabilities: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    scope: Mapped[str] = mapped_column(sa.Text)  # 「位于…的…，与…相关的两化融合管理活动。」
    standard: Mapped[str] = mapped_column(sa.String(40), default="GB/T 23001-2017")
    effective_on: Mapped[date] = mapped_column(sa.Date)
    expires_on: Mapped[date] = mapped_column(sa.Date)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[CertificateStatus] = mapped_column(
        enum_column_type(CertificateStatus, "certificate_status"), default=CertificateStatus.VALID
    )
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Indexed: a superseded certificate's page (its old QR code) looks up its successor.
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id"), index=True)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    body: Mapped[Organisation] = relationship(foreign_keys=[body_id])
    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    events: Mapped[list[CertificateEvent]] = relationship(
        back_populates="certificate", cascade="all, delete-orphan", order_by="CertificateEvent.id"
    )

    def status_on(self, day: date) -> CertificateStatus:
        return self.live_status(self.status, self.expires_on, day)

    @staticmethod
    def live_status(status: CertificateStatus, expires_on: date, day: date) -> CertificateStatus:
        """The live status: a valid or suspended certificate past its expiry is expired."""
        if status in (CertificateStatus.VALID, CertificateStatus.SUSPENDED) and day > expires_on:
            return CertificateStatus.EXPIRED
        return status


keep_tokens(Certificate.enterprise_name, "name_tokens", "name_initials")


class CertificateEvent(Model):
    __tablename__ = "certificate_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("certificates.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(30))
    from_status: Mapped[CertificateStatus | None] = mapped_column(
        enum_column_type(CertificateStatus, "certificate_event_from")
    )
    to_status: Mapped[CertificateStatus] = mapped_column(
        enum_column_type(CertificateStatus, "certificate_event_to")
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    certificate: Mapped[Certificate] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class RequestKind(TitledEnum):
    CANCEL = "cancel", _l("Cancellation")
    REISSUE = "reissue", _l("Reissue")


class RequestOutcome(TitledEnum):
    """The alliance's decision on a holder's request. A request still open has none; so has
    one closed because its certificate left force first (revoked, expired): ``handled_at``
    then says when, and no decision of its own was taken."""

    DONE = "done", _l("Carried out")
    DECLINED = "declined", _l("Declined")


class CertificateRequest(Model):
    """The holder asks the alliance to cancel or reissue a certificate."""

    __tablename__ = "certificate_requests"
    # The staff's queue lists the open ones (handled_at IS NULL), oldest first.
    __table_args__ = (sa.Index("ix_certificate_requests_handled_at", "handled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificates.id"), index=True)
    kind: Mapped[RequestKind] = mapped_column(enum_column_type(RequestKind, "request_kind"))
    reason: Mapped[str] = mapped_column(sa.Text)
    new_name: Mapped[str] = mapped_column(sa.String(200), default="")
    new_address: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column()
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    outcome: Mapped[RequestOutcome | None] = mapped_column(
        enum_column_type(RequestOutcome, "request_outcome")
    )
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Of two staff deciding the same request at once, the second finds a new version (409).
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}

    certificate: Mapped[Certificate] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])

    @property
    def is_open(self) -> bool:
        return self.handled_at is None
