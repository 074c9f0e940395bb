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
from app.workflow import Transition, names
from blueprints.assessment.services import has_valid_assessment
from blueprints.audits import nonconformities
from blueprints.audits.impartiality import declared_reviewer, four_eyes
from models import (
    FINISHED_STATUSES,
    Audit,
    AuditKind,
    Document,
    DocumentKind,
    Objection,
    ObjectionStatus,
    Project,
    ProjectEvent,
    ProjectStatus,
    PublicityBatch,
    PublicityEntry,
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
    if not has_valid_assessment(project.organisation_id):
        return _("A submitted self-assessment of this or last year is required.")
    return None


def audit_report_uploaded(project: Project, _actor: User) -> str | None:
    if not _has_document(project, DocumentKind.AUDIT_REPORT):
        return _("Upload the audit report first.")
    return None


def stage_audits(project: Project) -> sa.Select[tuple[int]]:
    return sa.select(Audit.id).where(
        Audit.project_id == project.id, Audit.kind.in_([AuditKind.STAGE1, AuditKind.STAGE2])
    )


nonconformities_resolved = nonconformities.resolved(stage_audits)


def major_deadline_passed(project: Project) -> bool:
    if project.status != P.CORRECTION or project.stage2_completed_on is None:
        return False
    months = current_app.config["MAJOR_NC_MAX_MONTHS"]
    if local_today() <= project.stage2_completed_on + relativedelta(months=months):
        return False
    return nonconformities.unresolved(stage_audits(project))[0] > 0


def within_major_deadline(project: Project, _actor: User) -> str | None:
    if major_deadline_passed(project):
        return _(
            "A major nonconformity was not verified within %(n)d months of the stage-2 "
            "audit: the stage-2 audit must be planned again.",
            n=current_app.config["MAJOR_NC_MAX_MONTHS"],
        )
    return None


def compliance_reviewer(project: Project) -> int | None:
    return db.session.scalar(
        sa.select(ProjectEvent.actor_id)
        .where(ProjectEvent.project_id == project.id, ProjectEvent.action == "pass_compliance")
        .order_by(ProjectEvent.id.desc())
        .limit(1)
    )


# Four eyes: the re-review is someone else's than the compliance review.
other_than_compliance_reviewer = four_eyes(compliance_reviewer)
# The reviewer deciding signed this year's declaration and declared no conflict with the enterprise.
declared_for_the_enterprise = declared_reviewer(lambda project: project.organisation)


def publicity_over_without_objection(project: Project, _actor: User) -> str | None:
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


# --- appeals (ISO/IEC 17021-1 §9.7) ---------------------------------------------------------

# The decisions about an enterprise it may appeal: an upheld appeal takes the project back to
# the state the decision left, so that the step is taken again.
APPEALABLE = frozenset({"reject_application", "not_recommend", "return_compliance",
                        "return_re_review"})  # fmt: skip


def last_event(project: Project) -> ProjectEvent | None:
    return db.session.scalar(
        sa.select(ProjectEvent)
        .where(ProjectEvent.project_id == project.id)
        .order_by(ProjectEvent.id.desc())
        .limit(1)
    )


def decision_still_standing(project: Project, _actor: object) -> str | None:
    """The project is where an appealable decision left it: nothing has happened since."""
    if project.status not in DECIDED_INTO:  # no decision leaves it here: no history to read
        return _("The project has moved on since the decision: there is nothing to reopen.")
    event = last_event(project)
    if event is None or event.action not in APPEALABLE or event.to_status != project.status:
        return _("The project has moved on since the decision: there is nothing to reopen.")
    return None


def no_other_project_under_way(project: Project, _actor: object) -> str | None:
    """A closed project reopened must not make two under way (the enterprise may have
    started again after the decision)."""
    if project.status not in FINISHED_STATUSES:
        return None
    other = db.session.scalar(
        sa.select(Project.id).where(
            Project.organisation_id == project.organisation_id,
            Project.id != project.id,
            Project.status.notin_(FINISHED_STATUSES),
        )
    )
    if other is not None:
        return _("The enterprise has started another project since: this one cannot reopen.")
    return None


def before_the_decision(project: Project) -> ProjectStatus:
    event = last_event(project)
    return event.from_status if event is not None else project.status


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


def stage2_deadline_passed(project: Project, _actor: object) -> str | None:
    if not major_deadline_passed(project):
        return _("The deadline for verifying the major nonconformities has not passed.")
    return None


_t = Transition.of


TRANSITIONS: tuple[Transition[ProjectStatus], ...] = (
    _t("invite_consultancy", {P.STARTED}, P.CONSULTANCY_INVITED, Permission.PROJECT_START,
       enterprise_member),
    _t("consult_ourselves", {P.STARTED}, P.KICKOFF, Permission.PROJECT_START, enterprise_member),
    _t("accept_engagement", {P.CONSULTANCY_INVITED}, P.KICKOFF, Permission.PROJECT_CONSULT,
       invited_consultant),
    _t("decline_engagement", {P.CONSULTANCY_INVITED}, P.STARTED, Permission.PROJECT_CONSULT,
       invited_consultant),
    *(
        _t("complete_step", {step}, after, Permission.PROJECT_CONSULT, consulting_actor,
           *_STEP_GUARDS.get(step, ()))
        for step, after in _NEXT_STEP.items()
    ),
    _t("apply", {P.READY_TO_APPLY}, P.APPLIED, Permission.PROJECT_APPLY, enterprise_member,
       self_assessment_valid, internal_audit_and_review_done, operated_long_enough),
    _t("accept_application", {P.APPLIED}, P.ACCEPTED, Permission.PROJECT_EVALUATE, body_member),
    _t("reject_application", {P.APPLIED}, P.READY_TO_APPLY, Permission.PROJECT_EVALUATE,
       body_member),
    _t("plan_stage1", {P.ACCEPTED}, P.STAGE1_PLANNED, Permission.PROJECT_EVALUATE,
       lead_evaluator),
    _t("complete_stage1", {P.STAGE1_PLANNED}, P.STAGE1_DONE, Permission.PROJECT_EVALUATE,
       lead_evaluator),
    _t("plan_stage2", {P.STAGE1_DONE}, P.STAGE2_PLANNED, Permission.PROJECT_EVALUATE,
       lead_evaluator),
    _t("complete_stage2", {P.STAGE2_PLANNED}, P.CORRECTION, Permission.PROJECT_EVALUATE,
       lead_evaluator),
    _t("recommend", {P.CORRECTION}, P.CONCLUDED, Permission.PROJECT_EVALUATE, lead_evaluator,
       within_major_deadline, audit_report_uploaded, nonconformities_resolved),
    _t("not_recommend", {P.CORRECTION}, P.NOT_RECOMMENDED, Permission.PROJECT_EVALUATE,
       lead_evaluator, within_major_deadline, audit_report_uploaded),
    # The 6-month rule, applied by the scheduler: back to stage-2 planning.
    _t("stage2_expired", {P.CORRECTION}, P.STAGE1_DONE, None, None, stage2_deadline_passed,
       system=True),
    _t("confirm", {P.CONCLUDED}, P.CONFIRMED, Permission.PROJECT_APPLY, enterprise_member),
    _t("withdraw", _OPEN, P.WITHDRAWN, Permission.PROJECT_START, enterprise_member),
    _t("pass_compliance", {P.CONFIRMED}, P.RE_REVIEW, Permission.ALLIANCE_REVIEW, None,
       declared_for_the_enterprise),
    _t("return_compliance", {P.CONFIRMED}, P.CORRECTION, Permission.ALLIANCE_REVIEW, None,
       declared_for_the_enterprise),
    _t("pass_re_review", {P.RE_REVIEW}, P.READY_FOR_PUBLICITY, Permission.ALLIANCE_REVIEW,
       other_than_compliance_reviewer, declared_for_the_enterprise),
    _t("return_re_review", {P.RE_REVIEW}, P.CORRECTION, Permission.ALLIANCE_REVIEW,
       other_than_compliance_reviewer, declared_for_the_enterprise),
    _t("publish", {P.READY_FOR_PUBLICITY}, P.IN_PUBLICITY, Permission.ALLIANCE_REVIEW),
    _t("uphold_objection", {P.IN_PUBLICITY}, P.CORRECTION, Permission.ALLIANCE_REVIEW),
    _t("close_publicity", {P.IN_PUBLICITY}, P.READY_TO_ISSUE, Permission.ALLIANCE_REVIEW, None,
       publicity_over_without_objection, system=True),
    _t("issue", {P.READY_TO_ISSUE}, P.CERTIFIED, Permission.CERTIFICATES_MANAGE),
    # An appeal upheld by its impartial handler (blueprints/cases): back to where the
    # decision found the project.
    Transition(
        "appeal_upheld",
        frozenset({P.READY_TO_APPLY, P.NOT_RECOMMENDED, P.CORRECTION}),
        before_the_decision,
        None,
        None,
        (decision_still_standing, no_other_project_under_way),
        system=True,
    ),
)  # fmt: skip

# The statuses an appealable decision leaves a project in (each a fixed target).
DECIDED_INTO = frozenset(
    t.target for t in TRANSITIONS if t.name in APPEALABLE and isinstance(t.target, ProjectStatus)
)

ACTION_NAMES = names(TRANSITIONS)
# Taken on the publicity desk, where the batch and the objection are chosen, not on the project
# page: announcing there without a batch would leave the project in publicity for ever.
ON_THE_PUBLICITY_DESK = frozenset({"publish", "uphold_objection"})
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
    "stage2_expired": _l("Stage-2 audit to be repeated (6-month rule)"),
    "pass_compliance": _l("Compliance review: pass"),
    "return_compliance": _l("Compliance review: return to the evaluation body"),
    "pass_re_review": _l("Re-review: pass"),
    "return_re_review": _l("Re-review: return to the evaluation body"),
    "publish": _l("Announce in a publicity batch"),
    "uphold_objection": _l("Uphold an objection"),
    "close_publicity": _l("Close the publicity"),
    "issue": _l("Issue the certificate"),
    "appeal_upheld": _l("Appeal upheld: the decision is taken again"),
}
assert set(ACTION_TITLES) == set(ACTION_NAMES)
CONSULTING_STEP_NUMBER = {status: n for n, status in enumerate(_NEXT_STEP, start=1)}
