"""After a reform project is implemented (seed 004 三(二)5-7): the third-party evaluation body
grades the enterprise on site with the SME digital level and issues its evaluation report; its
expert group accepts the project on a written review and an on-site check (附件5: pass, pass
with corrections, fail) and the county authority adds its opinion; a third-party audit firm
files the special audit report with the project cost it found eligible.

A grading's points and levels are an ``SmeLevelEvaluation`` of kind REFORM (the same table and
rules as every evaluation); a failed acceptance sends the project back to implementation and a
new grading and acceptance follow, so each of these is a row of its own and the newest counts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.diagnosis import SmeLevelEvaluation
from models.organisation import Organisation
from models.reform import AMOUNT_MAX
from models.types import TitledEnum, enum_column_type
from models.user import User

# Seed 004 三(二)3: the reform must bring the enterprise to 二级 or above.
TARGET_GRADE_LEVEL = 2


class StoredFileColumns:
    """The columns of a file kept under the upload folder (app.uploads), as elsewhere."""

    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(100))


class ReformGrading(StoredFileColumns, Model):
    """The evaluation body's on-site grading (定级评测) and its report (《中小企业数字化水平评测
    报告》), with what it checked of the systems running."""

    __tablename__ = "reform_gradings"
    __table_args__ = (sa.Index("ix_reform_gradings_project", "project_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("reform_projects.id", ondelete="CASCADE"))
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    evaluation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sme_level_evaluations.id"), unique=True
    )
    graded_on: Mapped[date] = mapped_column()
    # 核查系统上线运行情况: the systems found live on site.
    systems_checked: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    body: Mapped[Organisation] = relationship()
    evaluation: Mapped[SmeLevelEvaluation] = relationship()
    recorded_by: Mapped[User] = relationship()


class AcceptanceVerdict(TitledEnum):
    """附件5's opinion of the third-party evaluation body's expert group."""

    PASS = "pass", _l("Passed")
    PASS_WITH_CORRECTIONS = "pass_with_corrections", _l("Passed with corrections")
    FAIL = "fail", _l("Not passed")

    @property
    def passed(self) -> bool:
        return self is not AcceptanceVerdict.FAIL


class ReformAcceptance(StoredFileColumns, Model):
    """The expert group's acceptance opinion (附件5): a written review and an on-site check, the
    verdict, the corrections required, the signed opinion; then the county authority's
    opinion on it (the form's second row)."""

    __tablename__ = "reform_acceptances"
    __table_args__ = (
        sa.Index("ix_reform_acceptances_project", "project_id", "id"),
        sa.CheckConstraint("site_checked_on >= reviewed_on", name="site_check_after_review"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("reform_projects.id", ondelete="CASCADE"))
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    grading_id: Mapped[int] = mapped_column(sa.ForeignKey("reform_gradings.id"))
    # The group: its leader (the evaluation body's user who records the opinion) and members'
    # names (experts from outside the body sit on groups too).
    leader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    experts: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    reviewed_on: Mapped[date] = mapped_column()
    site_checked_on: Mapped[date] = mapped_column()
    verdict: Mapped[AcceptanceVerdict] = mapped_column(
        enum_column_type(AcceptanceVerdict, "acceptance_verdict")
    )
    opinion: Mapped[str] = mapped_column(sa.Text)
    corrections: Mapped[str] = mapped_column(sa.Text, default="")
    county_opinion: Mapped[str] = mapped_column(sa.Text, default="")
    county_opinion_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    county_opinion_at: Mapped[datetime | None] = mapped_column()
    # Whether the county authority agreed with the expert group's verdict (None: not yet). It
    # may disagree with a pass (the project goes back to rectification), not pass a failure.
    county_agrees: Mapped[bool | None] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    body: Mapped[Organisation] = relationship()
    grading: Mapped[ReformGrading] = relationship()
    leader: Mapped[User] = relationship(foreign_keys=[leader_id])
    county_opinion_by: Mapped[User | None] = relationship(foreign_keys=[county_opinion_by_id])


class ReformAuditReport(StoredFileColumns, Model):
    """The third-party audit firm's special audit report (专项审计报告) and the project cost it
    found eligible: the base of the subsidy."""

    __tablename__ = "reform_audit_reports"
    __table_args__ = (
        sa.Index("ix_reform_audit_reports_project", "project_id", "id"),
        sa.CheckConstraint(
            f"eligible_cost > 0 AND eligible_cost <= {AMOUNT_MAX}", name="eligible_cost_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("reform_projects.id", ondelete="CASCADE"))
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    reported_on: Mapped[date] = mapped_column()
    eligible_cost: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    conclusion: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    firm: Mapped[Organisation] = relationship()
    recorded_by: Mapped[User] = relationship()
