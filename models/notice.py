"""Notices (通知) an authority sends down its region (seed 000: the platform's 通知公告; seed 001:
the provinces' notices to the cities): a title, a text, attachments, the audience — the
authorities below, the region's enterprises, or both — and a receipt from each organisation
addressed (已阅), so that the sender sees who has read it.

A notice to the public (公告) is published on the portal instead: anyone reads it, signed in
or not, and nobody is addressed — no receipts, no work-list items, nobody told. The alliance
and the authorities publish them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.organisation import Organisation, OrgKind
from models.types import TitledEnum, enum_column_type


class NoticeAudience(TitledEnum):
    AUTHORITIES = "authorities", _l("The authorities below")
    ENTERPRISES = "enterprises", _l("The region's enterprises")
    EVERYONE = "everyone", _l("The authorities below and the region's enterprises")
    PUBLIC = "public", _l("The public (published on the portal)")

    @property
    def kinds(self) -> tuple[OrgKind, ...]:
        """The kinds of organisation addressed (each confirms it has read it); none for the
        public: a public notice is read on the portal, by anyone."""
        return {
            NoticeAudience.AUTHORITIES: (OrgKind.AUTHORITY,),
            NoticeAudience.ENTERPRISES: (OrgKind.ENTERPRISE,),
            NoticeAudience.EVERYONE: (OrgKind.AUTHORITY, OrgKind.ENTERPRISE),
            NoticeAudience.PUBLIC: (),
        }[self]

    @property
    def regional(self) -> bool:
        """Addressed to organisations of the sender's region (not published on the portal)."""
        return self is not NoticeAudience.PUBLIC


class Notice(Model):
    __tablename__ = "notices"
    __table_args__ = (
        # A reader's list: the notices over its region, newest first.
        sa.Index("ix_notices_region_published", "region_code", "published_at"),
        # The portal's announcements (audience 'public'), newest first.
        sa.Index("ix_notices_audience_published", "audience", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The sending organisation: an authority, or the alliance for a public notice.
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # The sender's region when it sent the notice: who is addressed. None for a public notice
    # of a sender without a region (the alliance speaks for the country).
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    audience: Mapped[NoticeAudience] = mapped_column(
        enum_column_type(NoticeAudience, "notice_audience")
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    authority: Mapped[Organisation] = relationship()
    attachments: Mapped[list[NoticeAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="NoticeAttachment.id", lazy="selectin"
    )


class NoticeAttachment(Model):
    __tablename__ = "notice_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notices.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    size: Mapped[int] = mapped_column()
    content_type: Mapped[str] = mapped_column(sa.String(120))
    # None for an attachment stored before checksums were kept (flask storage migrate fills
    # it in).
    sha256: Mapped[str | None] = mapped_column(sa.String(64))


class NoticeReceipt(Model):
    """An organisation addressed has read the notice (a member confirmed it: 已阅)."""

    __tablename__ = "notice_receipts"

    notice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), primary_key=True, index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
