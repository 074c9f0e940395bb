"""Complaints and appeals (ISO/IEC 17021-1 §9.7, §9.8): an enterprise's appeal against a
decision about it, a provider's against its suspension or removal from a programme's pool,
anyone's complaint about a certificate holder, an evaluation body or a consultancy; each
handled by an impartial member of the alliance, with its notes, decision, response and
history. Never shown on a public page."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.certificate import Certificate, CertificateEvent
from models.organisation import Organisation
from models.project import Project, ProjectEvent
from models.provider_pool import PoolEvent, PoolMember
from models.types import TitledEnum, enum_column_type
from models.user import User


class CaseKind(TitledEnum):
    APPEAL = "appeal", _l("Appeal")  # 申诉
    COMPLAINT = "complaint", _l("Complaint")  # 投诉


class CaseStatus(TitledEnum):
    RECEIVED = "received", _l("Waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _l("Under investigation")
    DECIDED = "decided", _l("Decided: the response is to be sent")
    CLOSED = "closed", _l("Closed: response sent")


OPEN_CASE_STATUSES = frozenset({CaseStatus.RECEIVED, CaseStatus.ACKNOWLEDGED})
# Until the response is sent the case waits on its handler.
UNANSWERED_CASE_STATUSES = OPEN_CASE_STATUSES | {CaseStatus.DECIDED}


class CaseOutcome(TitledEnum):
    UPHELD = "upheld", _l("Upheld")
    DISMISSED = "dismissed", _l("Dismissed")


class CaseSubject(TitledEnum):
    """What a complaint is about (an appeal is about a decision)."""

    CERTIFICATE = "certificate", _l("A certificate holder")
    ORGANISATION = "organisation", _l("An evaluation body or a consultancy")


class Case(Model):
    __tablename__ = "cases"
    __table_args__ = (
        # One appeal per decision: a second (a double submit, another member) is refused.
        sa.UniqueConstraint("project_event_id", name="uq_cases_project_event"),
        sa.UniqueConstraint("certificate_event_id", name="uq_cases_certificate_event"),
        sa.UniqueConstraint("pool_event_id", name="uq_cases_pool_event"),
        sa.CheckConstraint(
            "kind = 'complaint' OR project_event_id IS NOT NULL "
            "OR certificate_event_id IS NOT NULL OR pool_event_id IS NOT NULL",
            name="appeal_names_its_decision",
        ),
        # The escalation job scans the open cases by their deadlines.
        sa.Index("ix_cases_status_acknowledge_due", "status", "acknowledge_due_on"),
        sa.Index("ix_cases_status_decide_due", "status", "decide_due_on"),
        sa.Index("ix_cases_kind_status", "kind", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    kind: Mapped[CaseKind] = mapped_column(enum_column_type(CaseKind, "case_kind"))
    status: Mapped[CaseStatus] = mapped_column(
        enum_column_type(CaseStatus, "case_status"), default=CaseStatus.RECEIVED
    )
    outcome: Mapped[CaseOutcome | None] = mapped_column(
        enum_column_type(CaseOutcome, "case_outcome")
    )
    subject: Mapped[CaseSubject | None] = mapped_column(
        enum_column_type(CaseSubject, "case_subject")
    )
    # Who filed it: an account (the enterprise's member for an appeal), or a member of the
    # public known by a name and an address to answer to, in the language they wrote in.
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="zh")
    # The appellant enterprise (an appeal), or the certificate holder complained about.
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    # The organisation the case concerns: the one complained about, or the one whose decision
    # is appealed (the evaluation body, or the alliance for its own reviews and certificates).
    concerned_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    # The evaluation body of the project or certificate, when there is one.
    body_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    certificate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id"), index=True)
    # The decision appealed: a move of the project or of the certificate.
    project_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("project_events.id"))
    certificate_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate_events.id"))
    # A provider's appeal against its suspension or removal from a programme's pool: the place
    # and the authority's move (the provider is then ``enterprise``, the authority ``concerned``).
    pool_member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pool_members.id"), index=True)
    pool_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pool_events.id"))
    decision: Mapped[str] = mapped_column(sa.String(40), default="")  # the action appealed
    grounds: Mapped[str] = mapped_column(sa.Text)
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Counted in working days from the day after it was received (app.workdays).
    acknowledge_due_on: Mapped[date] = mapped_column(sa.Date)
    decide_due_on: Mapped[date] = mapped_column(sa.Date)
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_reasons: Mapped[str] = mapped_column(sa.Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column()
    response: Mapped[str] = mapped_column(sa.Text, default="")
    # Calendar days from receipt to the response, kept with it: the report's averages and
    # medians are then plain SQL aggregates on either database.
    handling_days: Mapped[int | None] = mapped_column()
    # Each deadline missed is escalated once.
    acknowledge_escalated_at: Mapped[datetime | None] = mapped_column()
    decide_escalated_at: Mapped[datetime | None] = mapped_column()
    # A keyed hash of a public sender's address: enough to rate-limit, not to identify.
    address_hash: Mapped[str] = mapped_column(sa.String(64), default="", index=True)
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}

    filed_by: Mapped[User | None] = relationship(foreign_keys=[filed_by_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    enterprise: Mapped[Organisation | None] = relationship(foreign_keys=[enterprise_id])
    concerned: Mapped[Organisation] = relationship(foreign_keys=[concerned_id])
    body: Mapped[Organisation | None] = relationship(foreign_keys=[body_id])
    project: Mapped[Project | None] = relationship()
    certificate: Mapped[Certificate | None] = relationship()
    project_event: Mapped[ProjectEvent | None] = relationship()
    certificate_event: Mapped[CertificateEvent | None] = relationship()
    pool_member: Mapped[PoolMember | None] = relationship()
    pool_event: Mapped[PoolEvent | None] = relationship()
    notes: Mapped[list[CaseNote]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseNote.id"
    )
    files: Mapped[list[CaseFile]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseFile.id"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseEvent.id"
    )


class CaseNote(Model):
    """An investigation note of the handler's (never shown to the appellant or complainant)."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="notes")
    # Joined: the case page names the author of every note.
    author: Mapped[User] = relationship(lazy="joined")


class CaseFile(Model):
    """A document the appellant or complainant gave with the grounds."""

    __tablename__ = "case_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    size: Mapped[int] = mapped_column()
    content_type: Mapped[str] = mapped_column(sa.String(120))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="files")


class CaseEvent(Model):
    """The case's history: received, assigned, acknowledged, decided, responded, escalated."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[CaseStatus | None] = mapped_column(
        enum_column_type(CaseStatus, "case_event_from")
    )
    to_status: Mapped[CaseStatus] = mapped_column(enum_column_type(CaseStatus, "case_event_to"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: the system
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")
