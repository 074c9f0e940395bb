"""Dashboard figures per role (a fixed handful of aggregate queries each), the work list
(``worklist``: what waits on the user) and health."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from app.clock import local_today
from app.db_timeouts import database_answers as probe_answers
from app.db_timeouts import health_probe_engine
from app.extensions import db
from app.scheduler.runner import stale_jobs
from app.security.access import in_region, organisation_scope, project_scope, region_prefix
from app.security.permissions import Permission, has_permission
from blueprints.assessment.services import has_valid_assessment
from blueprints.main.worklist import WorkList, work_for
from blueprints.projects.services import active_project
from models import (
    Assessment,
    AssessmentStatus,
    Certificate,
    CertificateEvent,
    CertificateStatus,
    Industry,
    Organisation,
    OrgKind,
    OutboxMessage,
    OutboxStatus,
    Project,
    ProjectStatus,
    Role,
    User,
)


@dataclass
class Dashboard:
    role: Role
    organisation: Organisation
    member_count: int = 0
    org_counts: dict[OrgKind, int] = field(default_factory=dict)
    enterprises_by_industry: list[tuple[str, str, str, int]] = field(default_factory=list)
    outbox_counts: dict[OutboxStatus, int] = field(default_factory=dict)
    user_count: int = 0
    latest_assessment: Assessment | None = None
    project: Project | None = None
    project_counts: dict[ProjectStatus, int] = field(default_factory=dict)
    certificate_counts: dict[CertificateStatus, int] = field(default_factory=dict)
    certificates_by_year: list[tuple[int, int]] = field(default_factory=list)
    can_start_project: bool = False
    reviews_waiting: int = 0
    stale_jobs: list[str] = field(default_factory=list)
    work: list[WorkList] = field(default_factory=list)  # what waits on the user, by kind


def dashboard_for(user: User) -> Dashboard:
    data = Dashboard(role=user.role, organisation=user.organisation)
    data.member_count = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(User.organisation_id == user.organisation_id, User.active.is_(True))
        )
        or 0
    )
    if has_permission(user, Permission.REGION_ORGS_VIEW) or has_permission(
        user, Permission.ALL_ORGS_VIEW
    ):
        scope = organisation_scope(user)
        by_kind = dict(
            db.session.execute(
                sa.select(Organisation.kind, sa.func.count())
                .where(scope)
                .group_by(Organisation.kind)
            )
            .tuples()
            .all()
        )
        data.org_counts = {k: by_kind[k] for k in OrgKind if k in by_kind}
        data.enterprises_by_industry = _enterprises_by_section(scope)
        certificates = _certificate_scope(user)
        data.certificate_counts = _certificates_by_live_status(certificates)
        data.certificates_by_year = _certificates_by_year(certificates)
    if has_permission(user, Permission.ASSESSMENT_FILL):
        data.latest_assessment = db.session.scalar(
            sa.select(Assessment)
            .where(Assessment.organisation_id == user.organisation_id)
            .order_by(Assessment.year.desc())
            .limit(1)
        )
        data.can_start_project = has_valid_assessment(user.organisation_id)
    if has_permission(user, Permission.PROJECT_START):
        data.project = active_project(user.organisation_id)
    elif has_permission(user, Permission.PROJECT_VIEW):
        counted = dict(
            db.session.execute(
                sa.select(Project.status, sa.func.count())
                .where(project_scope(user))
                .group_by(Project.status)
            )
            .tuples()
            .all()
        )
        # In the path's order, as the chart and its table show them.
        data.project_counts = {s: counted[s] for s in ProjectStatus if s in counted}
    data.work = work_for(user)
    if has_permission(user, Permission.ASSESSMENT_REVIEW):
        data.reviews_waiting = (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Assessment)
                .where(
                    Assessment.reviewer_id == user.organisation_id,
                    Assessment.status.in_(
                        [AssessmentStatus.AWAITING_DISTRICT, AssessmentStatus.AWAITING_CITY]
                    ),
                )
            )
            or 0
        )
    if has_permission(user, Permission.ADMIN_OUTBOX_MANAGE):
        data.outbox_counts = dict(
            db.session.execute(
                sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
            )
            .tuples()
            .all()
        )
        data.user_count = db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0
        data.stale_jobs = stale_jobs(current_app)
    return data


def _certificate_scope(user: User) -> sa.ColumnElement[bool]:
    """The certificates held in the region the user watches (all for the alliance)."""
    if has_permission(user, Permission.ALL_ORGS_VIEW):
        return sa.true()
    prefix = region_prefix(user.organisation.region_code)
    return in_region(prefix, Certificate.region_code) if prefix else sa.false()


def _certificates_by_live_status(scope: sa.ColumnElement[bool]) -> dict[CertificateStatus, int]:
    """Certificates by their status today (one in force past its expiry is expired), the
    superseded ones left out: a reissue's old number is the same certificate."""
    in_force = [CertificateStatus.VALID.value, CertificateStatus.SUSPENDED.value]
    live = sa.case(
        (
            sa.and_(Certificate.status.in_(in_force), Certificate.expires_on < local_today()),
            CertificateStatus.EXPIRED.value,
        ),
        else_=sa.cast(Certificate.status, sa.String),
    )
    counted = dict(
        db.session.execute(
            sa.select(live, sa.func.count())
            .where(scope, Certificate.status != CertificateStatus.SUPERSEDED)
            .group_by(live)
        )
        .tuples()
        .all()
    )
    return {s: counted[s.value] for s in CertificateStatus if s.value in counted}


def _certificates_by_year(scope: sa.ColumnElement[bool]) -> list[tuple[int, int]]:
    """Certificates issued each year (by the year they took effect), first issues and
    recertifications — not the reissues that only replaced a paper."""
    year = sa.extract("year", Certificate.effective_on)
    reissued = sa.exists().where(
        CertificateEvent.certificate_id == Certificate.supersedes_id,
        CertificateEvent.action == "reissue",
    )
    rows = db.session.execute(
        sa.select(year, sa.func.count()).where(scope, ~reissued).group_by(year).order_by(year)
    )
    return [(int(y), n) for y, n in rows.tuples()]


def _enterprises_by_section(scope: sa.ColumnElement[bool]) -> list[tuple[str, str, str, int]]:
    section = sa.orm.aliased(Industry)
    rows = db.session.execute(
        sa.select(section.code, section.name, section.name_en, sa.func.count(Organisation.id))
        .select_from(Organisation)
        .join(Industry, Organisation.industry_code == Industry.code)
        .join(section, section.code == sa.func.coalesce(Industry.section_code, Industry.code))
        .where(scope, Organisation.kind == OrgKind.ENTERPRISE)
        .group_by(section.code, section.name, section.name_en)
        .order_by(sa.func.count(Organisation.id).desc())
        .limit(10)
    ).all()
    return [(code, name, name_en, count) for code, name, name_en, count in rows]


HEALTH_ENGINE_KEY = "certpath.health_engine"


def database_answers() -> bool:
    """The database answers within HEALTH_TIMEOUT_SECONDS, on a connection of the probe's own
    (never one of the pool's, which may be waiting on a silent server)."""
    if db.engine.dialect.name == "sqlite":
        # A local file has no network to wait on, and SELECT 1 takes no lock.
        try:
            db.session.execute(sa.text("SELECT 1"))
        except Exception as exc:  # any driver error means the database is unusable
            current_app.logger.warning("health check: database unreachable: %s", exc)
            db.session.rollback()
            return False
        return True
    seconds = current_app.config["HEALTH_TIMEOUT_SECONDS"]
    engine = current_app.extensions.get(HEALTH_ENGINE_KEY)
    if engine is None:
        engine = health_probe_engine(current_app.config["SQLALCHEMY_DATABASE_URI"], seconds)
        current_app.extensions[HEALTH_ENGINE_KEY] = engine
    return probe_answers(engine, seconds)
