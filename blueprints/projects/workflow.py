"""The certification path as data: every transition of a project, who may, and its guards.

``TRANSITIONS`` is the single source of truth; pages offer the actions it allows, the service
applies them, and the tests generate their illegal cases from it.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import local_today
from app.extensions import db
from app.security.permissions import Permission
from app.workflow import Transition
from models import (
    AuditKind,
    Document,
    DocumentKind,
    Finding,
    FindingKind,
    FindingStatus,
    Project,
    ProjectStatus,
    User,
)

P = ProjectStatus

# --- who -------------------------------------------------------------------------------------


def enterprise_member(project: Project, actor: User) -> str | None:
    if actor.organisation_id != project.organisation_id:
        return _("Only the enterprise itself can do this.")
    return None


def invited_consultant(project: Project, actor: User) -> str | None:
    if project.consultancy_id is None or actor.organisation_id != project.consultancy_id:
        return _("Only the invited consultancy can answer this invitation.")
    return None


def consulting_actor(project: Project, actor: User) -> str | None:
    """The engaged consultancy, or the enterprise when it runs the phase itself."""
    if project.self_consulting:
        return enterprise_member(project, actor)
    if project.consultancy_id is None or actor.organisation_id != project.consultancy_id:
        return _("Only the engaged consultancy records the consulting steps.")
    return None


def body_member(project: Project, actor: User) -> str | None:
    if project.body_id is None or actor.organisation_id != project.body_id:
        return _("Only the evaluation body the enterprise applied to can do this.")
    return None


def lead_evaluator(project: Project, actor: User) -> str | None:
    if project.lead_evaluator_id != actor.id:
        return _("Only the lead evaluator of this project can do this.")
    return None


# --- what must be true -------------------------------------------------------------------------


def _has_document(project: Project, *kinds: DocumentKind) -> bool:
    found = set(
        db.session.scalars(
            sa.select(Document.kind)
            .where(Document.project_id == project.id, Document.kind.in_(kinds))
            .distinct()
        )
    )
    return found == set(kinds)


def documentation_complete(project: Project, _actor: User) -> str | None:
    if not _has_document(project, DocumentKind.MANUAL, DocumentKind.PROCEDURE):
        return _("Upload the management manual and the procedure documents first.")
    return None


def internal_audit_documented(project: Project, _actor: User) -> str | None:
    if not _has_document(project, DocumentKind.INTERNAL_AUDIT_REPORT):
        return _("Upload the internal audit report first.")
    return None


def management_review_documented(project: Project, _actor: User) -> str | None:
    if not _has_document(project, DocumentKind.MANAGEMENT_REVIEW):
        return _("Upload the management review minutes first.")
    return None


def earliest_application_date(project: Project) -> date | None:
    if project.operation_started_on is None:
        return None
    months = current_app.config["OPERATION_MIN_MONTHS"]
    return project.operation_started_on + relativedelta(months=months)


def operated_long_enough(project: Project, _actor: User) -> str | None:
    earliest = earliest_application_date(project)
    if earliest is None:
        return _("Record the date the management system went into operation first.")
    if local_today() < earliest:
        return _(
            "The management system must operate for %(n)d months before applying: "
            "the earliest application date is %(date)s.",
            n=current_app.config["OPERATION_MIN_MONTHS"],
            date=earliest.isoformat(),
        )
    return None


def internal_audit_and_review_done(project: Project, actor: User) -> str | None:
    return internal_audit_documented(project, actor) or management_review_documented(project, actor)


def self_assessment_valid(project: Project, _actor: User) -> str | None:
    from blueprints.assessment.services import has_valid_assessment

    if not has_valid_assessment(project.organisation_id):
        return _("A submitted self-assessment of this or last year is required.")
    return None


def audit_report_uploaded(project: Project, _actor: User) -> str | None:
    if not _has_document(project, DocumentKind.AUDIT_REPORT):
        return _("Upload the audit report first.")
    return None


def unresolved_nonconformities(project: Project) -> tuple[int, int]:
    """(majors not verified closed, minors without an accepted action plan)."""
    from models import Audit

    rows = dict(
        db.session.execute(
            sa.select(Finding.kind, sa.func.count())
            .join(Audit, Audit.id == Finding.audit_id)
            .where(
                Audit.project_id == project.id,
                Audit.kind.in_([AuditKind.STAGE1, AuditKind.STAGE2]),
                sa.or_(
                    sa.and_(
                        Finding.kind == FindingKind.MAJOR, Finding.status != FindingStatus.CLOSED
                    ),
                    sa.and_(
                        Finding.kind == FindingKind.MINOR,
                        Finding.status.notin_([FindingStatus.ACCEPTED, FindingStatus.CLOSED]),
                    ),
                ),
            )
            .group_by(Finding.kind)
        ).all()
    )
    return rows.get(FindingKind.MAJOR, 0), rows.get(FindingKind.MINOR, 0)


def nonconformities_resolved(project: Project, _actor: User) -> str | None:
    majors, minors = unresolved_nonconformities(project)
    if majors or minors:
        return _(
            "The conclusion cannot be submitted yet: %(majors)d major nonconformities are not "
            "verified closed and %(minors)d minor ones have no accepted action plan.",
            majors=majors,
            minors=minors,
        )
    return None


def major_deadline_passed(project: Project) -> bool:
    if project.status != P.CORRECTION or project.stage2_completed_on is None:
        return False
    months = current_app.config["MAJOR_NC_MAX_MONTHS"]
    if local_today() <= project.stage2_completed_on + relativedelta(months=months):
        return False
    return unresolved_nonconformities(project)[0] > 0


def within_major_deadline(project: Project, _actor: User) -> str | None:
    if major_deadline_passed(project):
        return _(
            "A major nonconformity was not verified within %(n)d months of the stage-2 "
            "audit: the stage-2 audit must be planned again.",
            n=current_app.config["MAJOR_NC_MAX_MONTHS"],
        )
    return None


def other_than_compliance_reviewer(project: Project, actor: User) -> str | None:
    """Four eyes: the re-review is someone else's than the compliance review."""
    reviewer = next(
        (e.actor_id for e in reversed(project.events) if e.action == "pass_compliance"), None
    )
    if reviewer == actor.id:
        return _("The re-review must be done by another staff member than the compliance review.")
    return None


def publicity_over_without_objection(project: Project, _actor: User) -> str | None:
    from models import Objection, ObjectionStatus, PublicityBatch, PublicityEntry

    batch = db.session.get(PublicityBatch, project.publicity_batch_id)
    if batch is None or local_today() <= batch.ends_on:
        return _("The publicity period has not ended yet.")
    open_objections = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Objection)
        .join(PublicityEntry, PublicityEntry.id == Objection.entry_id)
        .where(PublicityEntry.project_id == project.id, Objection.status == ObjectionStatus.OPEN)
    )
    if open_objections:
        return _("An objection is still open: decide on it first.")
    return None


# --- the table ---------------------------------------------------------------------------------

_STEP_GUARDS = {
    P.DOCUMENTATION: (documentation_complete,),
    P.INTERNAL_AUDIT: (internal_audit_documented,),
    P.TRIAL: (management_review_documented,),
}
_NEXT_STEP = {
    P.KICKOFF: P.SURVEY,
    P.SURVEY: P.ANALYSIS,
    P.ANALYSIS: P.DOCUMENTATION,
    P.DOCUMENTATION: P.INTERNAL_AUDIT,
    P.INTERNAL_AUDIT: P.TRIAL,
    P.TRIAL: P.READY_TO_APPLY,
}
# The enterprise may withdraw until the evaluation body has concluded.
_OPEN = frozenset(
    {
        P.STARTED,
        P.CONSULTANCY_INVITED,
        *_NEXT_STEP,
        P.READY_TO_APPLY,
        P.APPLIED,
        P.ACCEPTED,
        P.STAGE1_PLANNED,
        P.STAGE1_DONE,
        P.STAGE2_PLANNED,
        P.CORRECTION,
    }
)

TRANSITIONS: tuple[Transition[ProjectStatus], ...] = (
    Transition(
        "invite_consultancy",
        frozenset({P.STARTED}),
        P.CONSULTANCY_INVITED,
        Permission.PROJECT_START,
        (enterprise_member,),
    ),
    Transition(
        "consult_ourselves",
        frozenset({P.STARTED}),
        P.KICKOFF,
        Permission.PROJECT_START,
        (enterprise_member,),
    ),
    Transition(
        "accept_engagement",
        frozenset({P.CONSULTANCY_INVITED}),
        P.KICKOFF,
        Permission.PROJECT_CONSULT,
        (invited_consultant,),
    ),
    Transition(
        "decline_engagement",
        frozenset({P.CONSULTANCY_INVITED}),
        P.STARTED,
        Permission.PROJECT_CONSULT,
        (invited_consultant,),
    ),
    *(
        Transition(
            "complete_step",
            frozenset({step}),
            after,
            Permission.PROJECT_CONSULT,
            (consulting_actor, *_STEP_GUARDS.get(step, ())),
        )
        for step, after in _NEXT_STEP.items()
    ),
    Transition(
        "apply",
        frozenset({P.READY_TO_APPLY}),
        P.APPLIED,
        Permission.PROJECT_APPLY,
        (
            enterprise_member,
            self_assessment_valid,
            internal_audit_and_review_done,
            operated_long_enough,
        ),
    ),
    Transition(
        "accept_application",
        frozenset({P.APPLIED}),
        P.ACCEPTED,
        Permission.PROJECT_EVALUATE,
        (body_member,),
    ),
    Transition(
        "reject_application",
        frozenset({P.APPLIED}),
        P.READY_TO_APPLY,
        Permission.PROJECT_EVALUATE,
        (body_member,),
    ),
    Transition(
        "plan_stage1",
        frozenset({P.ACCEPTED}),
        P.STAGE1_PLANNED,
        Permission.PROJECT_EVALUATE,
        (lead_evaluator,),
    ),
    Transition(
        "complete_stage1",
        frozenset({P.STAGE1_PLANNED}),
        P.STAGE1_DONE,
        Permission.PROJECT_EVALUATE,
        (lead_evaluator,),
    ),
    Transition(
        "plan_stage2",
        frozenset({P.STAGE1_DONE}),
        P.STAGE2_PLANNED,
        Permission.PROJECT_EVALUATE,
        (lead_evaluator,),
    ),
    Transition(
        "complete_stage2",
        frozenset({P.STAGE2_PLANNED}),
        P.CORRECTION,
        Permission.PROJECT_EVALUATE,
        (lead_evaluator,),
    ),
    Transition(
        "recommend",
        frozenset({P.CORRECTION}),
        P.CONCLUDED,
        Permission.PROJECT_EVALUATE,
        (lead_evaluator, within_major_deadline, audit_report_uploaded, nonconformities_resolved),
    ),
    Transition(
        "not_recommend",
        frozenset({P.CORRECTION}),
        P.NOT_RECOMMENDED,
        Permission.PROJECT_EVALUATE,
        (lead_evaluator, within_major_deadline, audit_report_uploaded),
    ),
    Transition(
        "confirm",
        frozenset({P.CONCLUDED}),
        P.CONFIRMED,
        Permission.PROJECT_APPLY,
        (enterprise_member,),
    ),
    Transition("withdraw", _OPEN, P.WITHDRAWN, Permission.PROJECT_START, (enterprise_member,)),
    Transition(
        "pass_compliance", frozenset({P.CONFIRMED}), P.RE_REVIEW, Permission.ALLIANCE_REVIEW
    ),
    Transition(
        "return_compliance", frozenset({P.CONFIRMED}), P.CORRECTION, Permission.ALLIANCE_REVIEW
    ),
    Transition(
        "pass_re_review",
        frozenset({P.RE_REVIEW}),
        P.READY_FOR_PUBLICITY,
        Permission.ALLIANCE_REVIEW,
        (other_than_compliance_reviewer,),
    ),
    Transition(
        "return_re_review",
        frozenset({P.RE_REVIEW}),
        P.CORRECTION,
        Permission.ALLIANCE_REVIEW,
        (other_than_compliance_reviewer,),
    ),
    Transition(
        "publish", frozenset({P.READY_FOR_PUBLICITY}), P.IN_PUBLICITY, Permission.ALLIANCE_REVIEW
    ),
    Transition(
        "uphold_objection", frozenset({P.IN_PUBLICITY}), P.CORRECTION, Permission.ALLIANCE_REVIEW
    ),
    Transition(
        "close_publicity",
        frozenset({P.IN_PUBLICITY}),
        P.READY_TO_ISSUE,
        Permission.ALLIANCE_REVIEW,
        (publicity_over_without_objection,),
    ),
    Transition("issue", frozenset({P.READY_TO_ISSUE}), P.CERTIFIED, Permission.CERTIFICATES_MANAGE),
)

ACTION_NAMES = tuple(dict.fromkeys(t.name for t in TRANSITIONS))
ACTION_TITLES = {
    "invite_consultancy": _l("Invite a consultancy"),
    "consult_ourselves": _l("Run the consulting phase ourselves"),
    "accept_engagement": _l("Accept the engagement"),
    "decline_engagement": _l("Decline the engagement"),
    "complete_step": _l("Complete this step"),
    "apply": _l("Apply for evaluation"),
    "accept_application": _l("Accept the application"),
    "reject_application": _l("Reject the application"),
    "plan_stage1": _l("Plan the stage-1 audit"),
    "complete_stage1": _l("Complete the stage-1 audit"),
    "plan_stage2": _l("Plan the stage-2 audit"),
    "complete_stage2": _l("Complete the stage-2 audit"),
    "recommend": _l("Submit the conclusion: recommend"),
    "not_recommend": _l("Submit the conclusion: do not recommend"),
    "confirm": _l("Confirm the conclusion"),
    "withdraw": _l("Withdraw the project"),
    "pass_compliance": _l("Compliance review: pass"),
    "return_compliance": _l("Compliance review: return to the evaluation body"),
    "pass_re_review": _l("Re-review: pass"),
    "return_re_review": _l("Re-review: return to the evaluation body"),
    "publish": _l("Announce in a publicity batch"),
    "uphold_objection": _l("Uphold an objection"),
    "close_publicity": _l("Close the publicity"),
    "issue": _l("Issue the certificate"),
}
assert set(ACTION_TITLES) == set(ACTION_NAMES)
CONSULTING_STEP_NUMBER = {status: n for n, status in enumerate(_NEXT_STEP, start=1)}


def available(project: Project) -> list[Transition[ProjectStatus]]:
    return [t for t in TRANSITIONS if project.status in t.sources]
