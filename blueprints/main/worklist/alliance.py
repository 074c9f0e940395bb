"""What waits on alliance staff: reviews and re-reviews (never of one's own compliance
review), publicity to make and close, objections, certificates to issue, holder requests and
recommended recertifications (four eyes again)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.clock import local_today
from blueprints.main.worklist import cases, evaluators, special_audits
from blueprints.main.worklist.items import WorkItem, WorkList, capped, projects_where
from blueprints.projects.transitions import ACTION_TITLES
from models import (
    Certificate,
    CertificateRequest,
    CertificateStatus,
    Objection,
    ObjectionStatus,
    Project,
    ProjectEvent,
    ProjectStatus,
    PublicityBatch,
    PublicityEntry,
    ScheduleItem,
    ScheduleStatus,
    User,
)

P = ProjectStatus
# A recertification may still be issued once the old certificate has expired (no gap is lost
# that was not lost already), so expired ones stay on the list.
RECERTIFIABLE = (CertificateStatus.VALID, CertificateStatus.SUSPENDED, CertificateStatus.EXPIRED)


def lists(user: User) -> list[WorkList]:
    return [
        compliance_reviews(),
        re_reviews(user),
        awaiting_publicity(),
        batches_to_close(),
        objections(),
        ready_to_issue(),
        holder_requests(),
        recertifications(user),
        *evaluators.approvals(),
        *cases.for_staff(user),
        special_audits.results_for_the_handler(user),
    ]


def _project_list(key: str, title: str, what: str, query: sa.Select, more: str) -> WorkList:
    return capped(
        key,
        title,
        query,
        lambda row: WorkItem(
            what=what,
            whom=row.enterprise,
            url=url_for("projects.view", project_id=row.id),
            since=row.status_changed_at,
        ),
        more_url=more,
    )


def compliance_reviews() -> WorkList:
    status = P.CONFIRMED
    return _project_list(
        "compliance_reviews",
        _("Compliance reviews"),
        _("Review the dossier: pass or return"),
        projects_where(Project.status == status),
        url_for("projects.index", status=status.value),
    )


def re_reviews(user: User) -> WorkList:
    """Four eyes: a project whose compliance review this user passed is not theirs to
    re-review, so it is not on their list (the last ``pass_compliance`` counts)."""
    reviewer = (
        sa.select(ProjectEvent.actor_id)
        .where(ProjectEvent.project_id == Project.id, ProjectEvent.action == "pass_compliance")
        .correlate(Project)
        .order_by(ProjectEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    status = P.RE_REVIEW
    return _project_list(
        "re_reviews",
        _("Re-reviews"),
        _("Re-review the dossier: pass or return"),
        projects_where(Project.status == status, sa.func.coalesce(reviewer, 0) != user.id),
        url_for("projects.index", status=status.value),
    )


def awaiting_publicity() -> WorkList:
    return _project_list(
        "awaiting_publicity",
        _("Waiting for a publicity batch"),
        str(ACTION_TITLES["publish"]),
        projects_where(Project.status == P.READY_FOR_PUBLICITY),
        url_for("publicity.desk"),
    )


def batches_to_close() -> WorkList:
    """Open batches whose period has ended (an open objection holds them back)."""
    query = (
        sa.select(PublicityBatch.title, PublicityBatch.starts_on, PublicityBatch.ends_on)
        .where(PublicityBatch.closed_at.is_(None), PublicityBatch.ends_on < local_today())
        .order_by(PublicityBatch.ends_on, PublicityBatch.id)
    )
    return capped(
        "batches_to_close",
        _("Publicity batches to close"),
        query,
        lambda row: WorkItem(
            what=_("Close the publicity batch"),
            whom=row.title,
            url=url_for("publicity.desk"),
            since=row.starts_on,
            due=row.ends_on,
        ),
        more_url=url_for("publicity.desk"),
    )


def objections() -> WorkList:
    """Open objections, due by the end of their batch's period (no certificate before)."""
    query = (
        sa.select(
            Objection.id,
            Objection.created_at,
            PublicityEntry.enterprise_name,
            PublicityBatch.ends_on,
        )
        .join(PublicityEntry, PublicityEntry.id == Objection.entry_id)
        .join(PublicityBatch, PublicityBatch.id == PublicityEntry.batch_id)
        .where(Objection.status == ObjectionStatus.OPEN)
        .order_by(Objection.created_at, Objection.id)
    )
    return capped(
        "objections",
        _("Objections to decide"),
        query,
        lambda row: WorkItem(
            what=_("Uphold or dismiss the objection"),
            whom=row.enterprise_name,
            url=url_for("publicity.desk"),
            since=row.created_at,
            due=row.ends_on,
        ),
        more_url=url_for("publicity.desk"),
    )


def ready_to_issue() -> WorkList:
    status = P.READY_TO_ISSUE
    return _project_list(
        "ready_to_issue",
        _("Certificates ready to issue"),
        str(ACTION_TITLES["issue"]),
        projects_where(Project.status == status),
        url_for("projects.index", status=status.value),
    )


def holder_requests() -> WorkList:
    query = (
        sa.select(
            CertificateRequest.id,
            CertificateRequest.kind,
            CertificateRequest.created_at,
            Certificate.number,
            Certificate.enterprise_name,
        )
        .join(Certificate, Certificate.id == CertificateRequest.certificate_id)
        .where(CertificateRequest.handled_at.is_(None))
        .order_by(CertificateRequest.created_at, CertificateRequest.id)
    )
    return capped(
        "holder_requests",
        _("Holder requests"),
        query,
        lambda row: WorkItem(
            what=_("Decide on the request: %(kind)s", kind=row.kind.title),
            whom=f"{row.enterprise_name} · {row.number}",
            url=url_for("certificates.queues.requests", _anchor=f"request-{row.id}"),
            since=row.created_at,
        ),
        more_url=url_for("certificates.queues.requests"),
    )


def recertifications(user: User) -> WorkList:
    """Recommended recertifications to review; a reviewed one goes to anyone but the staff
    member who passed its compliance review."""
    query = (
        sa.select(
            ScheduleItem.status,
            ScheduleItem.due_on,
            ScheduleItem.recommended_at,
            Certificate.number,
            Certificate.enterprise_name,
        )
        .join(Certificate, Certificate.id == ScheduleItem.certificate_id)
        .where(
            Certificate.status.in_(RECERTIFIABLE),
            sa.or_(
                ScheduleItem.status == ScheduleStatus.RECOMMENDED,
                sa.and_(
                    ScheduleItem.status == ScheduleStatus.REVIEWED,
                    sa.func.coalesce(ScheduleItem.compliance_by_id, 0) != user.id,
                ),
            ),
        )
        .order_by(ScheduleItem.due_on, ScheduleItem.id)
    )
    return capped(
        "recertifications",
        _("Recertifications to review"),
        query,
        lambda row: WorkItem(
            what=(
                _("Compliance review of the recommended recertification")
                if row.status == ScheduleStatus.RECOMMENDED
                else _("Re-review the recertification and issue the new certificate")
            ),
            whom=f"{row.enterprise_name} · {row.number}",
            url=url_for("certificates.verify", number=row.number),
            since=row.recommended_at,
            due=row.due_on,
        ),
    )
