"""A reform project after its implementation (seed 004 三(二)5-6, 附件5): the city names the
third-party evaluation body and audit firm; the body grades the enterprise on site with the SME
digital level and files its evaluation report; its expert group records the acceptance opinion
and the county authority concludes it with its own; the audit firm files the special audit
report with the project cost it found eligible.

Choices made here:

* The county's opinion is a step of its own, on the county's work list: the expert group's
  opinion leaves the project GRADED, and only the county's opinion moves it — to ACCEPTED
  when the group passed it (with or without corrections), back to IN_IMPLEMENTATION for
  rectification when it failed. 附件5 is one form with both rows; it is complete with both.
* The acceptance group is the recording user (its leader) and at least two members named:
  seed 004 四(二) asks three people at least of a diagnosis team, and an acceptance is no
  lighter work.
* The eligible cost of an audit is at most the sum of the contracts' prices: the audit finds
  how much of the contracted spending is eligible, and the contracts are all the spending the
  project holds on file.
* A newer audit report supersedes the older ones; all of them stay in the history.

Services only flush: the request commits (app.database)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app import uploads, workflow
from app.clock import local_time, local_today, utcnow
from app.database import on_rollback
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from blueprints.diagnosis import services as evaluations
from blueprints.engagements import grading as engagement_grading
from blueprints.pool import ratings
from blueprints.reform import services
from blueprints.reform.transitions import TRANSITIONS, pending_acceptance
from models import (
    TARGET_GRADE_LEVEL,
    AcceptanceVerdict,
    DiagnosisEngagement,
    Organisation,
    OrgKind,
    PoolMember,
    ReformAcceptance,
    ReformAuditReport,
    ReformContract,
    ReformEvent,
    ReformGrading,
    ReformProject,
    ReformStatus,
    SmeLevelEvaluation,
    SmeLevelKind,
    User,
)
from models.reform import AMOUNT_MAX

S = ReformStatus
TEXT_MAX = services.TEXT_MAX
MEMBERS_MIN = 2  # with the leader: a group of three
MEMBERS_MAX = 14
MEMBER_NAME_MAX = 50
PDF = frozenset({"pdf"})
# The city names the third parties once the project is filed and until it is graded.
APPOINTABLE = (S.IN_IMPLEMENTATION, S.IMPLEMENTED)
AUDITABLE = (S.IMPLEMENTED, S.GRADED, S.ACCEPTED)


def _conflict() -> str:
    return _("Someone else changed this reform project meanwhile. Reload the page.")


def _event(project: ReformProject, action: str, actor: User, comment: str = "") -> None:
    project.events.append(
        ReformEvent(
            action=action,
            from_status=project.status.value,
            to_status=project.status.value,
            actor_id=actor.id,
            comment=comment,
        )
    )


def _store_pdf(file: FileStorage | None, field: str) -> uploads.StoredFile:
    if file is None or not file.filename:
        raise WorkflowError(_("Choose a file to upload."), field=field)
    try:
        stored = uploads.store(file, allowed=PDF)
    except uploads.UploadError as error:
        raise WorkflowError(str(error.message), field=field) from error
    on_rollback(functools.partial(uploads.remove, stored.stored_name))
    return stored


def _file_columns(stored: uploads.StoredFile) -> dict[str, object]:
    return {
        "original_name": stored.original_name,
        "stored_name": stored.stored_name,
        "size": stored.size,
        "sha256": stored.sha256,
        "content_type": stored.content_type,
    }


def implemented_on(project: ReformProject) -> date | None:
    """The day the enterprise last declared the project implemented (local time)."""
    at = db.session.scalar(
        sa.select(sa.func.max(ReformEvent.at)).where(
            ReformEvent.project_id == project.id, ReformEvent.action == "complete"
        )
    )
    moment = local_time(at)
    return moment.date() if moment else None


def _not_future(on: date, field: str) -> None:
    if on > local_today():
        raise WorkflowError(_("The date cannot be in the future."), field=field)


# --- the third parties -----------------------------------------------------------------------


def choices_of(kind: OrgKind) -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.kind == kind, Organisation.active.is_(True))
            .order_by(Organisation.name, Organisation.id)
        )
    )


def may_appoint(project: ReformProject, user: User) -> bool:
    return user.organisation_id == project.authority_id and project.status in APPOINTABLE


def _counts(project: ReformProject) -> tuple[int, int]:
    gradings = sa.select(sa.func.count(ReformGrading.id)).where(
        ReformGrading.project_id == project.id
    )
    reports = sa.select(sa.func.count(ReformAuditReport.id)).where(
        ReformAuditReport.project_id == project.id
    )
    row = db.session.execute(sa.select(gradings.scalar_subquery(), reports.scalar_subquery()))
    graded, audited = row.one()
    return int(graded), int(audited)


def appoint(
    project: ReformProject,
    actor: User,
    body_id: int | None,
    firm_id: int | None,
    version: int | None,
) -> None:
    """The city names (or changes) the evaluation body and the audit firm; the body may no
    longer change once it graded, nor the firm once it reported."""
    workflow.expect_version(project, version)
    if actor.organisation_id != project.authority_id:
        raise WorkflowError(_("Only the city authority that runs the programme may do this."))
    if project.status not in APPOINTABLE:
        raise WorkflowError(
            _("The third parties are named once the project is filed and before it is graded.")
        )
    graded, audited = _counts(project)
    newly: list[int] = []
    changed = False
    for org_id, kind, column, locked, field in (
        (body_id, OrgKind.EVALUATION_BODY, "evaluation_body_id", graded, "body"),
        (firm_id, OrgKind.AUDIT_FIRM, "audit_firm_id", audited, "firm"),
    ):
        current = getattr(project, column)
        if org_id == current:
            continue
        if org_id is not None:
            org = db.session.get(Organisation, org_id)
            if org is None or org.kind != kind or not org.active:
                raise WorkflowError(_("Choose an organisation of the list."), field=field)
        if locked:
            raise WorkflowError(
                _("The evaluation body graded the project already: it stays.")
                if field == "body"
                else _("The audit firm reported on the project already: it stays."),
                field=field,
            )
        setattr(project, column, org_id)
        changed = True
        if org_id is not None:
            newly.append(org_id)
    if not changed:
        return
    _event(project, "appoint", actor)
    workflow.flush(_conflict())
    if newly:
        announce(
            "reform.appoint",
            project,
            actor,
            occurrence=f"reform:{project.id}:appoint:{len(project.events)}",
            named=newly,
        )


# --- the grading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GradingFacts:
    graded_on: date
    systems_checked: str


def latest_reform_number(project: ReformProject) -> int:
    latest = evaluations.latest_of(project.enterprise_id, SmeLevelKind.REFORM)
    return latest.number if latest else 0


def grade_before(project: ReformProject) -> SmeLevelEvaluation | None:
    """The enterprise's grade before the reform: its diagnosis engagement's on-site grading."""
    engagement = db.session.get(DiagnosisEngagement, project.engagement_id)
    return engagement_grading.on_site(engagement) if engagement is not None else None


def grading_refusal(project: ReformProject, actor: User) -> str | None:
    """Why ``actor`` may not grade the project now, or None."""
    try:
        workflow.begin(TRANSITIONS, project, "grade", project.status, actor)
    except WorkflowError as refused:
        return refused.message
    return None


def record_grading(
    project: ReformProject,
    actor: User,
    points: dict[str, float],
    levels: dict[str, int],
    facts: GradingFacts,
    report: FileStorage | None,
    *,
    after: int | None,
    version: int | None,
) -> ReformGrading:
    workflow.expect_version(project, version)
    workflow.begin(TRANSITIONS, project, "grade", project.status, actor)
    _not_future(facts.graded_on, "graded_on")
    implemented = implemented_on(project)
    if implemented is not None and facts.graded_on < implemented:
        raise WorkflowError(
            _(
                "The grading cannot come before the project was declared implemented (%(day)s).",
                day=implemented.isoformat(),
            ),
            field="graded_on",
        )
    stored = _store_pdf(report, "report")
    evaluation = evaluations.record_evaluation(
        project.enterprise_id, actor, points, levels, kind=SmeLevelKind.REFORM, after=after
    )
    graded = ReformGrading(
        project_id=project.id,
        body_id=actor.organisation_id,
        evaluation_id=evaluation.id,
        graded_on=facts.graded_on,
        systems_checked=facts.systems_checked.strip()[:TEXT_MAX],
        recorded_by_id=actor.id,
        **_file_columns(stored),
    )
    db.session.add(graded)
    db.session.flush()
    services.perform(
        project,
        "grade",
        actor,
        reason=_("Grade after the reform: %(grade)s", grade=grade_title(evaluation.grade_level)),
    )
    return graded


def grade_title(level: int | None) -> str:
    if level is None:
        return _("not graded")
    return _("Level %(n)d", n=level) if level else _("no grade")


# --- the acceptance --------------------------------------------------------------------------


@dataclass(frozen=True)
class AcceptanceFacts:
    members: list[str]
    reviewed_on: date
    site_checked_on: date
    verdict: AcceptanceVerdict
    opinion: str
    corrections: str


def current_grading(project: ReformProject) -> ReformGrading | None:
    return db.session.scalar(
        sa.select(ReformGrading)
        .where(ReformGrading.project_id == project.id)
        .order_by(ReformGrading.id.desc())
        .limit(1)
    )


def acceptance_refusal(project: ReformProject, actor: User) -> str | None:
    """Why ``actor`` may not record the expert group's acceptance now, or None."""
    body = project.evaluation_body_id
    if body is None or actor.organisation_id != body:
        return _("Only the evaluation body the city named for the project may do this.")
    if project.status != S.GRADED:
        return _(
            "The acceptance follows the grading of the current round: grade the project first."
        )
    if pending_acceptance(project) is not None:
        return _("The expert group's opinion is recorded: it awaits the county authority's.")
    return None


def members_of(text: str) -> list[str]:
    """The members' names, one a line (or separated by commas), blanks dropped."""
    names = [n.strip() for n in text.replace("，", "\n").replace(",", "\n").splitlines()]
    return [n for n in names if n]


def check_members(members: list[str], leader: User) -> None:
    if len(members) < MEMBERS_MIN:
        raise WorkflowError(
            _(
                "Name at least %(n)d members: the group is its leader and two experts or more.",
                n=MEMBERS_MIN,
            ),
            field="members",
        )
    if len(members) > MEMBERS_MAX:
        raise WorkflowError(
            _("A group has at most %(n)d members besides its leader.", n=MEMBERS_MAX),
            field="members",
        )
    if any(len(n) > MEMBER_NAME_MAX for n in members):
        raise WorkflowError(
            _("A name has at most %(n)d characters.", n=MEMBER_NAME_MAX), field="members"
        )
    if len(set(members)) != len(members) or leader.name in members:
        raise WorkflowError(
            _("Each member once, and the leader is not a member again."), field="members"
        )


def record_acceptance(
    project: ReformProject,
    actor: User,
    facts: AcceptanceFacts,
    signed: FileStorage | None,
    version: int | None,
) -> ReformAcceptance:
    workflow.expect_version(project, version)
    refusal = acceptance_refusal(project, actor)
    if refusal:
        raise WorkflowError(refusal)
    graded = current_grading(project)
    assert graded is not None  # GRADED: the grading move made one
    check_members(facts.members, actor)
    if facts.reviewed_on < graded.graded_on:
        raise WorkflowError(
            _(
                "The written review cannot come before the grading (%(day)s).",
                day=graded.graded_on.isoformat(),
            ),
            field="reviewed_on",
        )
    if facts.site_checked_on < facts.reviewed_on:
        raise WorkflowError(
            _("The on-site check cannot come before the written review."),
            field="site_checked_on",
        )
    _not_future(facts.site_checked_on, "site_checked_on")
    if not facts.opinion.strip():
        raise WorkflowError(_("Give the expert group's opinion."), field="opinion")
    if facts.verdict is not AcceptanceVerdict.PASS and not facts.corrections.strip():
        raise WorkflowError(
            _("Say what must be corrected: the verdict asks for corrections."),
            field="corrections",
        )
    stored = _store_pdf(signed, "signed")
    acceptance = ReformAcceptance(
        project_id=project.id,
        body_id=actor.organisation_id,
        grading_id=graded.id,
        leader_id=actor.id,
        experts=facts.members,
        reviewed_on=facts.reviewed_on,
        site_checked_on=facts.site_checked_on,
        verdict=facts.verdict,
        opinion=facts.opinion.strip()[:TEXT_MAX],
        corrections=facts.corrections.strip()[:TEXT_MAX],
        **_file_columns(stored),
    )
    db.session.add(acceptance)
    project.status_changed_at = utcnow()  # the county's turn starts now
    _event(project, "acceptance", actor, str(facts.verdict.title))
    workflow.flush(_conflict())
    announce(
        "reform.acceptance",
        project,
        actor,
        occurrence=f"reform:{project.id}:acceptance:{acceptance.id}",
        acceptance=acceptance,
    )
    return acceptance


def conclusion_of(acceptance: ReformAcceptance | None, agrees: bool) -> str:
    """The move the county's opinion takes: agreeing with a pass accepts the project,
    disagreeing with it sends it back to rectification; a failure is only confirmed."""
    if acceptance is not None and acceptance.verdict.passed:
        return "accept" if agrees else "county_disagree"
    return "rectify"


def record_county_opinion(
    project: ReformProject, actor: User, opinion: str, version: int | None, *, agrees: bool = True
) -> ReformAcceptance:
    """The county authority's opinion (附件5's second row) concludes the acceptance: a pass it
    agrees with → accepted; a pass it disagrees with, or a failure → rectification. It cannot
    pass a failed project on its own: the expert group has the verdict (seed 004). The ratings
    of the project's providers follow."""
    pending = pending_acceptance(project)
    if not opinion.strip():
        raise WorkflowError(_("Give the county authority's opinion."), field="opinion")
    if pending is not None and not pending.verdict.passed and not agrees:
        raise WorkflowError(
            _(
                "The expert group did not pass the project: the county authority cannot pass "
                "it on its own, only confirm that it goes back to rectification."
            ),
            field="agrees",
        )
    name = conclusion_of(pending, agrees)
    services.perform(project, name, actor, reason=opinion, version=version)
    assert pending is not None  # the move's guards found it
    pending.county_opinion = opinion.strip()[:TEXT_MAX]
    pending.county_opinion_by_id = actor.id
    pending.county_opinion_at = utcnow()
    pending.county_agrees = agrees
    db.session.flush()
    recompute_ratings(project)
    return pending


def recompute_ratings(project: ReformProject) -> None:
    members = db.session.scalars(
        sa.select(PoolMember)
        .join(ReformContract, ReformContract.member_id == PoolMember.id)
        .where(ReformContract.project_id == project.id)
        .order_by(PoolMember.id)
    ).all()
    for member in members:
        ratings.recompute(member)
    db.session.flush()


# --- the special audit report ----------------------------------------------------------------


@dataclass(frozen=True)
class AuditFacts:
    reported_on: date
    eligible_cost: Decimal
    conclusion: str


def audit_refusal(project: ReformProject, actor: User) -> str | None:
    firm = project.audit_firm_id
    if firm is None or actor.organisation_id != firm:
        return _("Only the audit firm the city named for the project may do this.")
    if project.status not in AUDITABLE:
        return _("The special audit report is filed once the project is implemented.")
    return None


def contracted(project: ReformProject) -> Decimal:
    return sum((c.price for c in project.contracts), Decimal(0))


def file_audit_report(
    project: ReformProject,
    actor: User,
    facts: AuditFacts,
    report: FileStorage | None,
    version: int | None,
) -> ReformAuditReport:
    workflow.expect_version(project, version)
    refusal = audit_refusal(project, actor)
    if refusal:
        raise WorkflowError(refusal)
    _not_future(facts.reported_on, "reported_on")
    implemented = implemented_on(project)
    if implemented is not None and facts.reported_on < implemented:
        raise WorkflowError(
            _(
                "The report cannot come before the project was declared implemented (%(day)s).",
                day=implemented.isoformat(),
            ),
            field="reported_on",
        )
    ceiling = min(contracted(project), AMOUNT_MAX)
    if not Decimal(0) < facts.eligible_cost <= ceiling:
        raise WorkflowError(
            _(
                "Give an amount above 0 and at most the contracts' total, %(max)s yuan.",
                max=f"{ceiling:,.2f}",
            ),
            field="eligible_cost",
        )
    if not facts.conclusion.strip():
        raise WorkflowError(_("Give the audit's conclusion."), field="conclusion")
    stored = _store_pdf(report, "report")
    audit = ReformAuditReport(
        project_id=project.id,
        firm_id=actor.organisation_id,
        reported_on=facts.reported_on,
        eligible_cost=facts.eligible_cost,
        conclusion=facts.conclusion.strip()[:TEXT_MAX],
        recorded_by_id=actor.id,
        **_file_columns(stored),
    )
    db.session.add(audit)
    _event(project, "audit_report", actor)
    workflow.flush(_conflict())
    announce(
        "reform.audit_report",
        project,
        actor,
        occurrence=f"reform:{project.id}:audit_report:{audit.id}",
        report=audit,
    )
    return audit


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """What the project page shows of the review, read in a constant number of queries."""

    before: SmeLevelEvaluation | None
    gradings: list[ReformGrading]
    acceptances: list[ReformAcceptance]
    audits: list[ReformAuditReport]
    target: int = TARGET_GRADE_LEVEL

    @property
    def latest(self) -> ReformGrading | None:
        return self.gradings[0] if self.gradings else None

    @property
    def below_target(self) -> bool:
        latest = self.latest
        return latest is not None and latest.evaluation.grade_level < self.target

    @property
    def pending(self) -> ReformAcceptance | None:
        return next((a for a in self.acceptances if a.county_opinion_at is None), None)


def review_of(project: ReformProject) -> Review:
    gradings = db.session.scalars(
        sa.select(ReformGrading)
        .where(ReformGrading.project_id == project.id)
        .options(
            sa.orm.joinedload(ReformGrading.evaluation),
            sa.orm.joinedload(ReformGrading.body),
            sa.orm.joinedload(ReformGrading.recorded_by),
        )
        .order_by(ReformGrading.id.desc())
    ).all()
    acceptances = db.session.scalars(
        sa.select(ReformAcceptance)
        .where(ReformAcceptance.project_id == project.id)
        .options(
            sa.orm.joinedload(ReformAcceptance.leader),
            sa.orm.joinedload(ReformAcceptance.county_opinion_by),
        )
        .order_by(ReformAcceptance.id.desc())
    ).all()
    audits = db.session.scalars(
        sa.select(ReformAuditReport)
        .where(ReformAuditReport.project_id == project.id)
        .options(sa.orm.joinedload(ReformAuditReport.firm))
        .order_by(ReformAuditReport.id.desc())
    ).all()
    return Review(grade_before(project), list(gradings), list(acceptances), list(audits))


def _of_project(row: object | None, user: User) -> object:
    if row is None:
        abort(404)
    services.project_or_404(row.project_id, user)  # type: ignore[attr-defined]
    return row


def grading_or_404(grading_id: int, user: User) -> ReformGrading:
    return _of_project(db.session.get(ReformGrading, grading_id), user)  # type: ignore[return-value]


def acceptance_or_404(acceptance_id: int, user: User) -> ReformAcceptance:
    found = db.session.get(ReformAcceptance, acceptance_id)
    return _of_project(found, user)  # type: ignore[return-value]


def audit_or_404(report_id: int, user: User) -> ReformAuditReport:
    found = db.session.get(ReformAuditReport, report_id)
    return _of_project(found, user)  # type: ignore[return-value]
