"""SME digital level evaluations (《中小企业数字化水平评测指标（2024年版）》, seed 004 tables 6-8):
the points of each indicator and the level of each business scenario as they were entered,
and the grade they gave. An evaluation is kept as made: a new one is a new row, so an
enterprise sees how its level moved, and a grade is never recomputed behind its back."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.organisation import Organisation
from models.types import TitledEnum, enum_column_type
from models.user import User


class SmeLevelKind(TitledEnum):
    # The enterprise's own evaluation, made under a truthfulness pledge (seed 004, 三(一)4).
    SELF = "self", _l("Self-evaluation")
    # An evaluator's grading at the enterprise, in a diagnosis engagement (seed 004, 四(一)5).
    ON_SITE = "on_site", _l("On-site evaluation")
    # The evaluation body's grading after a reform project (seed 004 三(二)5; ReformGrading).
    REFORM = "reform", _l("Grading after the reform")


class SmeLevelEvaluation(Model):
    __tablename__ = "sme_level_evaluations"
    __table_args__ = (
        # One evaluation per number: a form made before another evaluation was recorded (a
        # double click, a second tab) loses the race instead of recording a second one. Its
        # index lists an enterprise's evaluations, newest first.
        sa.UniqueConstraint(
            "organisation_id", "kind", "number", name="uq_sme_level_evaluations_number"
        ),
        sa.CheckConstraint("grade_level BETWEEN 0 AND 4", name="grade_level_range"),
        sa.CheckConstraint("total_points >= 0", name="total_points_not_negative"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    number: Mapped[int] = mapped_column()  # the enterprise's 1st, 2nd, ... of its kind
    # An on-site evaluation's engagement (a self-evaluation has none).
    engagement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("diagnosis_engagements.id", ondelete="CASCADE"), index=True
    )
    # The evaluation table the points and levels answer (blueprints/diagnosis/data/).
    table_key: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[SmeLevelKind] = mapped_column(enum_column_type(SmeLevelKind, "sme_level_kind"))
    points: Mapped[dict[str, float]] = mapped_column(sa.JSON)  # indicator key -> points
    levels: Mapped[dict[str, int]] = mapped_column(sa.JSON)  # scenario key -> 0-4
    total_points: Mapped[float] = mapped_column()
    grade_level: Mapped[int] = mapped_column(sa.SmallInteger)  # 0: 无等级
    pledged_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()


class EngineerTitle(TitledEnum):
    """A work-group member's professional title (职称), as the programmes count them."""

    NONE = "none", _l("No engineer title")
    ASSISTANT = "assistant", _l("Assistant engineer")
    MID = "mid", _l("Engineer (mid-level)")
    SENIOR = "senior", _l("Senior engineer")

    @property
    def mid_level_or_higher(self) -> bool:
        return self in (EngineerTitle.MID, EngineerTitle.SENIOR)


class EngagementStatus(TitledEnum):
    """Where a diagnosis engagement stands (blueprints/engagements/transitions.py)."""

    ENROLLED = "enrolled", _l("Enrolled: agreement to file")
    AGREED = "agreed", _l("Agreement filed: work group to form")
    ON_SITE = "on_site", _l("Diagnosis on site")
    REPORTED = "reported", _l("Report submitted: to present to the enterprise's head")
    PRESENTED = "presented", _l("Report presented: the enterprise's survey awaited")
    SURVEYED = "surveyed", _l("Awaiting acceptance")
    REVISING = "revising", _l("Returned for revision")
    ACCEPTED = "accepted", _l("Accepted")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class ActivityKind(TitledEnum):
    """What the work group records of its time with the enterprise (seed 002 4.4, seed 004
    annex 3's visit record)."""

    KICKOFF = "kickoff", _l("Kick-off meeting")
    TRAINING = "training", _l("Training")
    FIRST_MEETING = "first_meeting", _l("First on-site meeting")
    VISIT = "visit", _l("On-site diagnosis")
    LAST_MEETING = "last_meeting", _l("Last on-site meeting")
    REPORT_TO_HEAD = "report_to_head", _l("Report to the enterprise's head")


class SurveyRating(TitledEnum):
    VERY_GOOD = "very_good", _l("Very good")
    GOOD = "good", _l("Good")
    FAIR = "fair", _l("Fair")
    POOR = "poor", _l("Poor")


class SurveyVerdict(TitledEnum):
    SATISFIED = "satisfied", _l("Satisfied")
    FAIRLY_SATISFIED = "fairly_satisfied", _l("Fairly satisfied")
    DISSATISFIED = "dissatisfied", _l("Dissatisfied")


class Adoption(TitledEnum):
    ADOPTED = "adopted", _l("Adopted")
    PARTLY = "partly", _l("Partly adopted")
    NOT_ADOPTED = "not_adopted", _l("Not adopted")


class DiagnosisEngagement(Model):
    """One enterprise diagnosed by one provider under a programme (a data file of
    blueprints/diagnosis/data/programmes), enrolled by the authority that runs it there."""

    __tablename__ = "diagnosis_engagements"
    __table_args__ = (
        # An enterprise is diagnosed once per programme; a withdrawn engagement frees it.
        sa.Index(
            "uq_diagnosis_engagements_enterprise",
            "programme_key",
            "enterprise_id",
            unique=True,
            sqlite_where=sa.text("status != 'withdrawn'"),
            postgresql_where=sa.text("status != 'withdrawn'"),
        ),
        sa.Index("ix_diagnosis_engagements_authority", "authority_id", "status"),
        sa.Index("ix_diagnosis_engagements_provider", "provider_id", "status"),
        sa.CheckConstraint("enterprise_id != provider_id", name="provider_not_enterprise"),
        sa.CheckConstraint(
            "agreement_ends_on IS NULL OR agreement_ends_on >= agreement_signed_on",
            name="agreement_term_forward",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_key: Mapped[str] = mapped_column(sa.String(40))
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    status: Mapped[EngagementStatus] = mapped_column(
        enum_column_type(EngagementStatus, "engagement_status"), default=EngagementStatus.ENROLLED
    )
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The service agreement (seed 004 annex 2): signed on, and the end of its term when the
    # programme sets one; filed with the authority as an uploaded scan.
    agreement_signed_on: Mapped[date | None] = mapped_column()
    agreement_ends_on: Mapped[date | None] = mapped_column()
    # The work group or the record, last changed (the row's version moves with them).
    record_changed_at: Mapped[datetime | None] = mapped_column()
    # The report: the text of each section of the programme's template, by section key.
    report: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    report_submitted_at: Mapped[datetime | None] = mapped_column()
    # The enterprise's survey: a rating per criterion key, the verdict, the adoption.
    ratings: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    verdict: Mapped[SurveyVerdict | None] = mapped_column(
        enum_column_type(SurveyVerdict, "survey_verdict")
    )
    adoption: Mapped[Adoption | None] = mapped_column(enum_column_type(Adoption, "adoption"))
    survey_comment: Mapped[str] = mapped_column(sa.Text, default="")
    surveyed_at: Mapped[datetime | None] = mapped_column()
    # The authority's experts' acceptance opinion (pass, or revise and resubmit).
    acceptance_opinion: Mapped[str] = mapped_column(sa.Text, default="")
    accepted_at: Mapped[datetime | None] = mapped_column()
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    authority: Mapped[Organisation] = relationship(foreign_keys=[authority_id])
    enterprise: Mapped[Organisation] = relationship(foreign_keys=[enterprise_id])
    provider: Mapped[Organisation] = relationship(foreign_keys=[provider_id])
    members: Mapped[list[DiagnosisTeamMember]] = relationship(
        back_populates="engagement",
        order_by="(DiagnosisTeamMember.lead.desc(), DiagnosisTeamMember.id)",
        cascade="all, delete-orphan",
    )
    indicators: Mapped[list[DiagnosisIndicator]] = relationship(cascade="all, delete-orphan")
    activities: Mapped[list[DiagnosisActivity]] = relationship(
        order_by="(DiagnosisActivity.started_at, DiagnosisActivity.id)",
        cascade="all, delete-orphan",
    )
    events: Mapped[list[DiagnosisEngagementEvent]] = relationship(
        back_populates="engagement",
        order_by="DiagnosisEngagementEvent.id",
        cascade="all, delete-orphan",
    )


class DiagnosisTeamMember(Model):
    """A member of the provider's work group, with what the programme's team rules count."""

    __tablename__ = "diagnosis_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("diagnosis_engagements.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    unit: Mapped[str] = mapped_column(sa.String(200), default="")  # 所在单位
    title: Mapped[EngineerTitle] = mapped_column(enum_column_type(EngineerTitle, "engineer_title"))
    lead: Mapped[bool] = mapped_column(default=False)
    expert: Mapped[bool] = mapped_column(default=False)  # 具备实践经验的专家
    pledged_on: Mapped[date | None] = mapped_column()  # the confidentiality pledge, signed on
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    engagement: Mapped[DiagnosisEngagement] = relationship(back_populates="members")


class DiagnosisActivity(Model):
    """A meeting, training or visit of the work group at the enterprise, with its times (local,
    as the sign-in sheet gives them), its topic and outcome, and who signed in."""

    __tablename__ = "diagnosis_activities"
    __table_args__ = (sa.CheckConstraint("ended_at > started_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("diagnosis_engagements.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ActivityKind] = mapped_column(enum_column_type(ActivityKind, "activity_kind"))
    started_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime] = mapped_column()
    topic: Mapped[str] = mapped_column(sa.String(200), default="")  # 本次诊断主题
    outcome: Mapped[str] = mapped_column(sa.Text, default="")  # 本次服务成果
    attendees: Mapped[str] = mapped_column(sa.Text, default="")  # the sign-in list, a line each
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    files: Mapped[list[DiagnosisFile]] = relationship(
        order_by="DiagnosisFile.id", cascade="all, delete-orphan"
    )


class DiagnosisFile(Model):
    """A file of an engagement's record: the agreement's scan, a sign-in sheet, a photo of a
    visit (with its category and the capture time and place its EXIF gives), stored like
    every upload (app/uploads.py)."""

    __tablename__ = "diagnosis_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("diagnosis_engagements.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40))  # agreement, sign_in, photo
    activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("diagnosis_activities.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(sa.String(40), default="")  # a photo's, by key
    taken_at: Mapped[datetime | None] = mapped_column()
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class DiagnosisIndicator(Model):
    """One of the 24 key indicators verified on site (seed 002, 4.4.4): what the enterprise's
    self-assessment said and what the work group found, in percent, with a note. The verified
    value is what the programme reports."""

    __tablename__ = "diagnosis_indicators"
    __table_args__ = (
        sa.CheckConstraint(
            "verified_value IS NULL OR verified_value BETWEEN 0 AND 100", name="verified_percent"
        ),
    )

    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("diagnosis_engagements.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    self_value: Mapped[float | None] = mapped_column()  # None: the self-assessment had none
    verified_value: Mapped[float | None] = mapped_column()
    note: Mapped[str] = mapped_column(sa.String(500), default="")


class DiagnosisFormEntry(Model):
    """What a party filled in on one of the programme's forms (its data file says which
    fields): the one entry of a form filled in once, or a row of a table form (a plan, a
    ledger), the values by field key."""

    __tablename__ = "diagnosis_form_entries"
    __table_args__ = (
        # A row is numbered within its form: of two rows added at once from the same page,
        # one wins and the other is refused (409) instead of both taking the same place.
        sa.UniqueConstraint(
            "engagement_id", "form_key", "number", name="uq_diagnosis_form_entries_number"
        ),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("diagnosis_engagements.id", ondelete="CASCADE")
    )
    form_key: Mapped[str] = mapped_column(sa.String(64))
    number: Mapped[int] = mapped_column()
    values: Mapped[dict[str, str | int | None]] = mapped_column(sa.JSON)
    # A form that carries the enterprise's self-assessment: which one, and its report kept
    # in the file.
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="SET NULL")
    )
    file_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("diagnosis_files.id", ondelete="SET NULL")
    )
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)

    filed_by: Mapped[User] = relationship()


class DiagnosisProgressReport(Model):
    """A provider's report of its diagnosis work to the authority that enrolled it, for a
    period (seed 002 5.1): what it writes, and the figures of its engagements when it reported
    them (kept as reported)."""

    __tablename__ = "diagnosis_progress_reports"
    __table_args__ = (
        # One report per period end: a double post is refused rather than filed twice. Its
        # index finds a provider's last report to an authority.
        sa.UniqueConstraint(
            "provider_id",
            "authority_id",
            "programme_key",
            "period_end",
            name="uq_diagnosis_progress_reports_period",
        ),
        sa.Index("ix_diagnosis_progress_reports_authority", "authority_id", "period_end"),
        sa.CheckConstraint("period_end >= period_start", name="period_forward"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_key: Mapped[str] = mapped_column(sa.String(40))
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    period_start: Mapped[date] = mapped_column()
    period_end: Mapped[date] = mapped_column()
    summary: Mapped[str] = mapped_column(sa.Text)
    # The engagements by state key, and the meetings, visits and trainings recorded and the
    # reports submitted within the period, when reported.
    figures: Mapped[dict[str, int]] = mapped_column(sa.JSON)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    provider: Mapped[Organisation] = relationship(foreign_keys=[provider_id])
    authority: Mapped[Organisation] = relationship(foreign_keys=[authority_id])
    submitted_by: Mapped[User] = relationship()


class DiagnosisEngagementEvent(Model):
    """The history: who moved the engagement from where to where, when, and why."""

    __tablename__ = "diagnosis_engagement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("diagnosis_engagements.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[EngagementStatus] = mapped_column(
        enum_column_type(EngagementStatus, "engagement_event_from")
    )
    to_status: Mapped[EngagementStatus] = mapped_column(
        enum_column_type(EngagementStatus, "engagement_event_to")
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    engagement: Mapped[DiagnosisEngagement] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")
