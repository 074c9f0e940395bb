"""Notices (通知) an authority sends down its region (seed 000: the platform's 通知公告; seed 001:
the provinces' notices to the cities): a title, a text, attachments, the audience — the
authorities below, the region's enterprises, or both — and a receipt from each organisation
addressed (已阅), so that the sender sees who has read it."""

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

    @property
    def kinds(self) -> tuple[OrgKind, ...]:
        return {
            NoticeAudience.AUTHORITIES: (OrgKind.AUTHORITY,),
            NoticeAudience.ENTERPRISES: (OrgKind.ENTERPRISE,),
            NoticeAudience.EVERYONE: (OrgKind.AUTHORITY, OrgKind.ENTERPRISE),
        }[self]


class Notice(Model):
    __tablename__ = "notices"
    # A reader's list: the notices over its region, newest first.
    __table_args__ = (sa.Index("ix_notices_region_published", "region_code", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # The authority's region when it sent the notice: who is addressed.
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"))
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
