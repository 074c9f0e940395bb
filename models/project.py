"""A certification project: one enterprise's way from kick-off to a confirmed conclusion."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.generation import NAMES, DataGeneration
from models.organisation import Organisation
from models.types import TitledEnum, enum_column_type
from models.user import User


class ProjectStatus(TitledEnum):
    """The step the project is in (DOMAIN.md §3): phase 1 consulting, phase 2 evaluation."""

    # Choose: a consultancy or on our own.
    STARTED = "started", _l("Choosing how to run the consulting phase")
    CONSULTANCY_INVITED = "consultancy_invited", _l("Waiting for the consultancy to accept")
    KICKOFF = "kickoff", _l("Kick-off")  # 1 贯标启动
    SURVEY = "survey", _l("Current-state survey")  # 2 现状调研
    ANALYSIS = "analysis", _l("System analysis")  # 3 体系分析
    DOCUMENTATION = "documentation", _l("Documentation")  # 4 文件编写
    INTERNAL_AUDIT = "internal_audit", _l("Internal audit")  # 5 内部审核
    TRIAL = "trial", _l("Trial operation")  # 6 评定试点
    READY_TO_APPLY = "ready_to_apply", _l("Ready to apply for evaluation")
    APPLIED = "applied", _l("Application submitted")  # 1 评定申请
    ACCEPTED = "accepted", _l("Application accepted")  # 2 受理申请
    STAGE1_PLANNED = "stage1_planned", _l("Stage-1 audit planned")  # 3 stage-1 plan
    STAGE1_DONE = "stage1_done", _l("Stage-1 audit completed")  # 4 第一阶段审核
    STAGE2_PLANNED = "stage2_planned", _l("Stage-2 audit planned")  # 5 stage-2 plan
    # 6 第二阶段审核 done → 7 不符合项纠正和验证
    CORRECTION = "correction", _l("Correction and verification of nonconformities")
    CONCLUDED = "concluded", _l("Conclusion submitted")  # 8 评定结论 (recommended)
    CONFIRMED = "confirmed", _l("Awaiting compliance review")  # 9 企业确认
    RE_REVIEW = "re_review", _l("Awaiting re-review")  # 合规性审查 passed, awaiting 复核
    READY_FOR_PUBLICITY = "ready_for_publicity", _l("Awaiting publicity")  # 复核 passed
    IN_PUBLICITY = "in_publicity", _l("In publicity")  # 公示
    # Publicity over without an upheld objection.
    READY_TO_ISSUE = "ready_to_issue", _l("Ready for the certificate")
    CERTIFIED = "certified", _l("Certificate issued")  # 签发证书
    NOT_RECOMMENDED = "not_recommended", _l("Not recommended")  # ends without a public trace
    WITHDRAWN = "withdrawn", _l("Withdrawn")


CLOSED_STATUSES = frozenset({ProjectStatus.NOT_RECOMMENDED, ProjectStatus.WITHDRAWN})
# A project in any other state is under way: an enterprise has at most one (a constraint, so
# that two simultaneous starts cannot both succeed).
FINISHED_STATUSES = CLOSED_STATUSES | {ProjectStatus.CERTIFIED}
_UNDER_WAY = sa.text(
    "status NOT IN ({})".format(", ".join(sorted(f"'{s.value}'" for s in FINISHED_STATUSES)))
)

# The six consulting steps, in order, and the status a project has while each is current.
CONSULTING_STEPS = (
    ProjectStatus.KICKOFF,
    ProjectStatus.SURVEY,
    ProjectStatus.ANALYSIS,
    ProjectStatus.DOCUMENTATION,
    ProjectStatus.INTERNAL_AUDIT,
    ProjectStatus.TRIAL,
)


class Project(Model):
    __tablename__ = "projects"
    __table_args__ = (
        sa.Index("ix_projects_status", "status"),
        sa.Index("ix_projects_body_status", "body_id", "status"),
        sa.Index("ix_projects_consultancy_status", "consultancy_id", "status"),
        sa.Index(
            "uq_projects_one_under_way",
            "organisation_id",
            unique=True,
            postgresql_where=_UNDER_WAY,
            sqlite_where=_UNDER_WAY,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    status: Mapped[ProjectStatus] = mapped_column(
        enum_column_type(ProjectStatus, "project_status"), default=ProjectStatus.STARTED
    )
    scope: Mapped[str] = mapped_column(sa.Text, default="")
    capabilities: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # 新型能力
    sites: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    self_consulting: Mapped[bool] = mapped_column(default=False)
    consultancy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    operation_started_on: Mapped[date | None] = mapped_column(sa.Date)
    # The evaluation application.
    body_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    lead_evaluator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    headcount: Mapped[int | None] = mapped_column()
    contact_name: Mapped[str] = mapped_column(sa.String(100), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    applied_at: Mapped[datetime | None] = mapped_column()
    stage2_completed_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    recommended: Mapped[bool | None] = mapped_column()
    publicity_batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("publicity_batches.id"), index=True
    )
    concluded_at: Mapped[datetime | None] = mapped_column()
    confirmed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Optimistic locking: of two simultaneous transitions, the second finds a new version.
    lock_version: Mapped[int] = mapped_column(default=1)
    # Raised by the database whenever this row, its history, documents or audits change
    # (migration 0c714deb78e0): the page's read-only half is kept rendered under it.
    page_generation: Mapped[int] = mapped_column(
        sa.BigInteger, server_default="1", server_onupdate=sa.FetchedValue()
    )
    # The names generation (models/generation.py) as of reading the project, for the page that
    # keeps its record under both; read only when asked for (undefer).
    names_generation: Mapped[int | None] = column_property(
        sa.select(DataGeneration.value).where(DataGeneration.name == NAMES).scalar_subquery(),
        deferred=True,
    )

    __mapper_args__ = {"version_id_col": lock_version}

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    consultancy: Mapped[Organisation | None] = relationship(foreign_keys=[consultancy_id])
    body: Mapped[Organisation | None] = relationship(foreign_keys=[body_id])
    lead_evaluator: Mapped[User | None] = relationship(foreign_keys=[lead_evaluator_id])
    steps: Mapped[list[ConsultingStep]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ConsultingStep.number"
    )
    events: Mapped[list[ProjectEvent]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectEvent.id"
    )

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class ConsultingStep(Model):
    """One of the six consulting steps: dates, notes; deliverables are Documents."""

    __tablename__ = "consulting_steps"

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(primary_key=True)  # 1..6
    started_on: Mapped[date | None] = mapped_column(sa.Date)
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    project: Mapped[Project] = relationship(back_populates="steps")


class ProjectEvent(Model):
    """The history: who moved the project from where to where, when, and why."""

    __tablename__ = "project_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[ProjectStatus] = mapped_column(
        enum_column_type(ProjectStatus, "project_event_from")
    )
    to_status: Mapped[ProjectStatus] = mapped_column(
        enum_column_type(ProjectStatus, "project_event_to")
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: the system
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="events")
    # Joined: the timeline names the actor of every event, and a project has a handful.
    actor: Mapped[User | None] = relationship(lazy="joined")
