"""A world with something waiting on every role, and a stranger of every kind beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db
from blueprints.certificates.services import request_change
from models import (
    AssessmentAction,
    AssessmentEvent,
    AssessmentStatus,
    Audit,
    AuditKind,
    Certificate,
    Finding,
    FindingKind,
    FindingStatus,
    Organisation,
    OrgKind,
    Project,
    ProjectEvent,
    ProjectStatus,
    PublicityBatch,
    Role,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
    User,
)
from tests import factories

P = ProjectStatus


@dataclass
class World:
    parties: factories.Parties
    staff: User  # passed the compliance review of ``re_review``
    staff2: User
    authority: User  # the city's
    correction: Project  # the enterprise's own, with an open and an answered finding
    open_finding: Finding
    answered_finding: Finding
    certificate: Certificate  # S1 due in 30 days, a cancellation asked
    overdue_certificate: Certificate  # S1 overdue
    enterprises: dict[str, Organisation]  # the other enterprises, by what waits on them
    waiting_assessment_org: Organisation
    ended_batch: PublicityBatch


def other_project(parties: factories.Parties, status: ProjectStatus, **fields) -> Project:
    return factories.project(parties, status, organisation=factories.organisation(), **fields)


def _set_due(certificate: Certificate, kind: ScheduleKind, due: date, **fields) -> ScheduleItem:
    item = db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id, ScheduleItem.kind == kind
        )
    )
    item.due_on = due
    for key, value in fields.items():
        setattr(item, key, value)
    return item


def build() -> World:
    today = date.today()
    parties = factories.Parties()
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    staff = factories.user(alliance, role=Role.ALLIANCE_STAFF)
    staff2 = factories.user(alliance, role=Role.ALLIANCE_STAFF)
    city = factories.organisation(OrgKind.AUTHORITY, region="310000")
    authority = factories.user(city)

    # The enterprise: a project in correction, its findings on the stage-2 audit.
    correction = factories.project(parties, P.CORRECTION, stage2_completed_on=today)
    stage2 = db.session.scalar(
        sa.select(Audit).where(Audit.project_id == correction.id, Audit.kind == AuditKind.STAGE2)
    )
    open_finding, answered_finding = (
        Finding(
            audit_id=stage2.id,
            kind=kind,
            clause_code="9.3",
            description="说明",
            status=status,
            due_on=due,
            created_by_id=parties.lead.id,
        )
        for kind, status, due in (
            (FindingKind.MAJOR, FindingStatus.OPEN, today - timedelta(days=3)),
            (FindingKind.MINOR, FindingStatus.ANSWERED, today + timedelta(days=20)),
        )
    )
    db.session.add_all([open_finding, answered_finding])
    factories.assessment(
        parties.enterprise_org, year=today.year - 1, status=AssessmentStatus.RETURNED
    )

    # Its certificates: one due in 30 days with a request, one overdue.
    certificate = factories.certificate(parties, staff=staff)
    _set_due(certificate, ScheduleKind.SURVEILLANCE_1, today + timedelta(days=30))
    request_change(certificate, parties.enterprise, "cancel", "业务调整")
    # A recommended recertification (anyone reviews it) on the first certificate.
    _set_due(
        certificate,
        ScheduleKind.RECERTIFICATION,
        certificate.expires_on,
        status=ScheduleStatus.RECOMMENDED,
        recommended_at=utcnow(),
    )
    overdue_certificate = factories.certificate(parties, staff=staff)
    _set_due(overdue_certificate, ScheduleKind.SURVEILLANCE_1, today - timedelta(days=5))
    # ... and one whose compliance review ``staff`` passed: only ``staff2`` re-reviews it.
    _set_due(
        overdue_certificate,
        ScheduleKind.RECERTIFICATION,
        overdue_certificate.expires_on,
        status=ScheduleStatus.REVIEWED,
        compliance_by_id=staff.id,
    )

    # Other enterprises, each waiting on somebody else.
    enterprises = {
        "invited": other_project(parties, P.CONSULTANCY_INVITED),
        "survey": other_project(parties, P.SURVEY),
        "applied": other_project(parties, P.APPLIED),
        "accepted": other_project(parties, P.ACCEPTED),
        "stage2_planned": other_project(parties, P.STAGE2_PLANNED),
        "confirmed": other_project(parties, P.CONFIRMED),
        "re_review": other_project(parties, P.RE_REVIEW),
        "ready_for_publicity": other_project(parties, P.READY_FOR_PUBLICITY),
        "ready_to_issue": other_project(parties, P.READY_TO_ISSUE),
        "in_publicity": other_project(parties, P.IN_PUBLICITY),
    }
    re_review = enterprises["re_review"]
    db.session.add(
        ProjectEvent(
            project_id=re_review.id,
            action="pass_compliance",
            from_status=P.CONFIRMED,
            to_status=P.RE_REVIEW,
            actor_id=staff.id,
        )
    )
    factories.objection(enterprises["in_publicity"], staff)
    ended_batch = PublicityBatch(
        title="已结束的一批",
        starts_on=today - timedelta(days=10),
        ends_on=today - timedelta(days=1),
        working_days=5,
        created_by_id=staff.id,
    )
    db.session.add(ended_batch)

    # The city authority: one waiting, one it returned before.
    waiting_org = factories.organisation(region="310115")
    waiting = factories.assessment(waiting_org, status=AssessmentStatus.AWAITING_CITY)
    waiting.reviewer_id = city.id
    returned = factories.assessment(
        factories.organisation(region="310115", name="退回过的企业"),
        year=today.year - 1,
        status=AssessmentStatus.RETURNED,
    )
    db.session.add(
        AssessmentEvent(
            assessment_id=returned.id,
            action=AssessmentAction.RETURN,
            from_status=AssessmentStatus.AWAITING_CITY,
            to_status=AssessmentStatus.RETURNED,
            actor_id=authority.id,
            comment="请补充数据",
        )
    )
    db.session.flush()
    return World(
        parties=parties,
        staff=staff,
        staff2=staff2,
        authority=authority,
        correction=correction,
        open_finding=open_finding,
        answered_finding=answered_finding,
        certificate=certificate,
        overdue_certificate=overdue_certificate,
        enterprises={key: project.organisation for key, project in enterprises.items()},
        waiting_assessment_org=waiting_org,
        ended_batch=ended_batch,
    )


def strangers() -> dict[str, User]:
    """One user of every kind from organisations that are party to nothing in the world."""
    return {
        "enterprise": factories.user(factories.organisation(region="310115")),
        "consultant": factories.user(factories.organisation(OrgKind.CONSULTANCY)),
        "evaluator": factories.user(
            factories.organisation(OrgKind.EVALUATION_BODY), role=Role.EVALUATOR
        ),
        "authority": factories.user(factories.organisation(OrgKind.AUTHORITY, region="370100")),
    }
