"""Assessment campaigns (评估工作) that authorities run for their regions (seeds 000, 001).

A campaign is one round of a year: the window in which enterprises fill in, the day the
region's report is due, the population it targets (the authority's roster, or the part of it
with a tag) and a notice. An authority sets the quota of each reporting unit directly below it:
the GB/T 2260 children of its region, and the county-level units it has reporting beside them
on their own (Guangdong's 顺德区). The roster (企业名录) is the list of enterprises the
authorities expect to take part, imported from their Excel files; an enterprise need not have
an account to be on it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.organisation import Organisation
from models.types import TitledEnum, enum_column_type


class EnterpriseTag(TitledEnum):
    ABOVE_SCALE = "above_scale", _l("Above designated size")
    SPECIALISED = "specialised", _l("Specialised, refined, distinctive and innovative")
    LITTLE_GIANT = "little_giant", _l("Little giant")
    PILOT = "pilot", _l("Pilot enterprise")


class Campaign(Model):
    __tablename__ = "campaigns"
    __table_args__ = (
        sa.UniqueConstraint("authority_id", "year", "round", name="uq_campaigns_authority_round"),
        sa.CheckConstraint("opens_on <= closes_on", name="campaign_window_order"),
        sa.CheckConstraint("closes_on <= report_due_on", name="campaign_report_after_window"),
        sa.CheckConstraint("round >= 1", name="campaign_round_positive"),
        # An enterprise's start finds the open campaign over its region by date.
        sa.Index("ix_campaigns_window", "opens_on", "closes_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    # The authority's region when it launched the campaign: the campaign's region.
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"))
    year: Mapped[int] = mapped_column()
    round: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(200))
    opens_on: Mapped[date] = mapped_column(sa.Date)
    closes_on: Mapped[date] = mapped_column(sa.Date)
    report_due_on: Mapped[date] = mapped_column(sa.Date)
    # None: every enterprise of the roster in the region.
    target_tag: Mapped[EnterpriseTag | None] = mapped_column(
        enum_column_type(EnterpriseTag, "campaign_target_tag")
    )
    notice: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    authority: Mapped[Organisation] = relationship()
    quotas: Mapped[list[CampaignQuota]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )

    def is_open(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on


class CampaignQuota(Model):
    """The target of one reporting unit in a campaign: a number of enterprises, a share of the
    unit's roster, or both — the larger applies (seed 001: 不少于1000家或不少于…50%)."""

    __tablename__ = "campaign_quotas"
    __table_args__ = (
        sa.CheckConstraint(
            "absolute IS NOT NULL OR share_percent IS NOT NULL", name="quota_has_a_target"
        ),
        sa.CheckConstraint("absolute IS NULL OR absolute >= 0", name="quota_absolute_positive"),
        sa.CheckConstraint(
            "share_percent IS NULL OR (share_percent >= 1 AND share_percent <= 100)",
            name="quota_share_range",
        ),
    )

    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), primary_key=True)
    absolute: Mapped[int | None] = mapped_column()
    share_percent: Mapped[int | None] = mapped_column()
    set_by_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="quotas")


class SeparateReportingUnit(Model):
    """A county-level unit that reports to ``authority`` on its own, beside the prefectures
    (a 计划单列 district); its prefecture's figures then leave it out."""

    __tablename__ = "separate_reporting_units"

    authority_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), primary_key=True)


class RosterEnterprise(Model):
    """An enterprise on the authorities' roster, by its credit code (a re-import updates it)."""

    __tablename__ = "roster_enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    industry_code: Mapped[str | None] = mapped_column(sa.ForeignKey("industries.code"))
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    imported_by_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tags: Mapped[list[RosterTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="enterprise"
    )

    @property
    def tag_set(self) -> frozenset[EnterpriseTag]:
        return frozenset(t.tag for t in self.tags)


class RosterTag(Model):
    __tablename__ = "roster_tags"
    # The progress table counts a region's roster by tag.
    __table_args__ = (sa.Index("ix_roster_tags_tag", "tag", "roster_id"),)

    roster_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roster_enterprises.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[EnterpriseTag] = mapped_column(
        enum_column_type(EnterpriseTag, "roster_tag"), primary_key=True
    )

    enterprise: Mapped[RosterEnterprise] = relationship(back_populates="tags")


class CampaignReminder(Model):
    """When a roster enterprise that had not taken part in a campaign was last reminded to (at
    most once per CAMPAIGN_REMINDER_INTERVAL_DAYS each), and by which authority."""

    __tablename__ = "campaign_reminders"

    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    credit_code: Mapped[str] = mapped_column(sa.String(18), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))


class ContactRole(TitledEnum):
    """The people of seed 001's 联系人表, per authority."""

    LEAD = "lead", _l("Person in charge")
    LIAISON = "liaison", _l("Liaison")
    PLATFORM_ADMIN = "platform_admin", _l("Sub-platform administrator")


class AuthorityContact(Model):
    """Who an authority names for the assessment work (seed 001, annex: 工作负责人, 工作联系人,
    分平台管理员), with the details the annex asks for; the authorities above read them."""

    __tablename__ = "authority_contacts"
    __table_args__ = (
        sa.UniqueConstraint("authority_id", "role", name="uq_authority_contacts_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[ContactRole] = mapped_column(enum_column_type(ContactRole, "contact_role"))
    name: Mapped[str] = mapped_column(sa.String(100))
    department_title: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    fax: Mapped[str] = mapped_column(sa.String(40), default="")
    mobile: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CampaignBulletin(Model):
    """A quarterly bulletin (seed 001: 按季度通报) of a campaign's progress in a region: the
    progress table as it stood when issued, kept as issued, so that the next bulletin can say
    what changed since (participation, completion, rank)."""

    __tablename__ = "campaign_bulletins"
    __table_args__ = (
        sa.UniqueConstraint(
            "campaign_id", "region_code", "quarter", name="uq_campaign_bulletins_quarter"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"))
    quarter: Mapped[str] = mapped_column(sa.String(6))  # "2026Q3": the quarter it reports on
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The table's rows as issued, the region's total first: code, name, quota, participated,
    # completed, rank, roster (numbers or null).
    rows: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)

    campaign: Mapped[Campaign] = relationship()
    authority: Mapped[Organisation] = relationship()
