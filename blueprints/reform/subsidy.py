"""A reform project's subsidy and outcomes (seed 004 三(二)7, 附件4): the enterprise records
its outcomes before and after the reform and applies; the city authority approves an amount —
at most the share of the audited eligible cost, capped (settings REFORM_SUBSIDY_SHARE and
REFORM_SUBSIDY_CAP, kept on the row as applied) — or refuses with a reason, then records the
payment. Each move is a row of subsidy_transitions with its history row on the project and its
announcement.

Services only flush: the request commits (app.database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import workflow
from app.clock import local_time, local_today, utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.workflow import Option
from blueprints.reform import subsidy_transitions as table
from blueprints.reform.services import TEXT_MAX, project_or_404
from models import ReformEvent, ReformProject, ReformStatus, User
from models.reform_review import ReformAuditReport
from models.reform_subsidy import OutcomeCategory, ReformOutcome, ReformSubsidy, SubsidyStatus

CENT = Decimal("0.01")
# Outcomes: a project records at most this many; each figure below a billion in magnitude
# (app.forms.DecimalField) with at most 4 places.
MAX_OUTCOMES = 50
INDICATOR_MAX = 100
UNIT_MAX = 20
REFERENCE_MAX = 100
# Outcomes are recorded from the implementation on (a failed acceptance returns the project
# there) and locked once the subsidy is paid.
OUTCOME_STATES = (
    ReformStatus.IN_IMPLEMENTATION,
    ReformStatus.IMPLEMENTED,
    ReformStatus.GRADED,
    ReformStatus.ACCEPTED,
)


# The states in which the project page speaks of the subsidy (part 4 grades and accepts).
SUBSIDY_STATES = (ReformStatus.IMPLEMENTED, ReformStatus.GRADED, ReformStatus.ACCEPTED)


def _conflict() -> str:
    return _("Someone else changed this subsidy meanwhile. Reload the page.")


# --- who reads what --------------------------------------------------------------------------


def subsidy_or_404(subsidy_id: int, user: User) -> ReformSubsidy:
    subsidy = db.session.get(ReformSubsidy, subsidy_id)
    if subsidy is None:
        abort(404)
    project_or_404(subsidy.project_id, user)
    return subsidy


def outcome_or_404(outcome_id: int, user: User) -> ReformOutcome:
    outcome = db.session.get(ReformOutcome, outcome_id)
    if outcome is None:
        abort(404)
    project = project_or_404(outcome.project_id, user)
    if project.enterprise_id != user.organisation_id:
        abort(404)
    return outcome


# --- the rule of the amount ------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    share: Decimal
    cap: Decimal

    def maximum(self, eligible_cost: Decimal) -> Decimal:
        """share × eligible cost, to the cent below, and at most the cap."""
        return min((self.share * eligible_cost).quantize(CENT, rounding=ROUND_DOWN), self.cap)


def rule() -> Rule:
    """The share and cap in force (app/config.py checks them at start)."""
    config = current_app.config
    return Rule(
        Decimal(str(config["REFORM_SUBSIDY_SHARE"])), Decimal(str(config["REFORM_SUBSIDY_CAP"]))
    )


def _amount_within(amount: Decimal, maximum: Decimal, field: str) -> None:
    if not Decimal(0) < amount <= maximum or amount != amount.quantize(CENT):
        raise WorkflowError(
            _("Give an amount above 0 and at most %(max)s yuan.", max=f"{maximum:,.2f}"),
            field=field,
        )


# --- the moves -------------------------------------------------------------------------------


def state_of(project: ReformProject) -> tuple[ReformSubsidy | None, SubsidyStatus | None]:
    subsidy = table.newest_subsidy(project)
    return subsidy, subsidy.status if subsidy else None


def _history(
    project: ReformProject,
    name: str,
    before: SubsidyStatus | None,
    actor: User,
    target: SubsidyStatus,
    comment: str = "",
) -> None:
    db.session.add(
        ReformEvent(
            project_id=project.id,
            action=f"subsidy_{name}",
            from_status=before.value if before else "",
            to_status=target.value,
            actor_id=actor.id,
            comment=comment,
        )
    )


def apply(project: ReformProject, actor: User, amount: Decimal) -> ReformSubsidy:
    """The enterprise's application: the guards of the table, then the amount rule."""
    if actor.organisation_id != project.enterprise_id:
        abort(404)
    _subsidy, state = state_of(project)
    _transition, target = _begun(project, "apply", state, actor)
    audit = table.newest_audit(project)
    assert audit is not None  # the guard audit_filed
    _amount_within(amount, rule().maximum(audit.eligible_cost), "amount")
    subsidy = ReformSubsidy(
        project_id=project.id,
        status=target,
        requested_amount=amount,
        eligible_cost=audit.eligible_cost,
        audit_report_id=audit.id,
        applied_by_id=actor.id,
    )
    db.session.add(subsidy)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        # Two applications raced past the state check: the partial unique index keeps one.
        raise WorkflowError(
            _("The project already has an application waiting or approved. Reload the page.")
        ) from exc
    _history(project, "apply", state, actor, target, f"{amount:,.2f}")
    db.session.flush()
    _announce(subsidy, "apply", actor, amount=amount)
    return subsidy


def _deciding(subsidy: ReformSubsidy, name: str, actor: User, version: int | None) -> SubsidyStatus:
    workflow.expect_version(subsidy, version)
    project = subsidy.project
    newest, _state = state_of(project)
    if newest is None or newest.id != subsidy.id:
        raise WorkflowError(_("This application was superseded by a newer one. Reload the page."))
    _transition, target = _begun(project, name, subsidy.status, actor)
    return target


def _begun(
    project: ReformProject, name: str, state: SubsidyStatus | None, actor: User
) -> tuple[object, SubsidyStatus]:
    """The move checked and its target: a status, since the table's None is only a start (an
    application not made yet)."""
    transition, target = workflow.begin(table.TRANSITIONS, project, name, state, actor)
    assert target is not None
    return transition, target


def _announce(subsidy: ReformSubsidy, name: str, actor: User, **context: object) -> None:
    announce(
        f"reform_subsidy.{name}",
        subsidy,
        actor,
        occurrence=f"reform_subsidy:{subsidy.id}:{name}",
        **context,
    )


def approve(
    subsidy: ReformSubsidy, actor: User, amount: Decimal, note: str, version: int | None
) -> None:
    """At most what was asked and what the rule allows on the eligible cost of the application;
    the share and cap applied are kept on the row."""
    target = _deciding(subsidy, "approve", actor, version)
    applied = rule()
    _amount_within(
        amount, min(subsidy.requested_amount, applied.maximum(subsidy.eligible_cost)), "amount"
    )
    before = subsidy.status
    subsidy.status = target
    subsidy.share, subsidy.cap = applied.share, applied.cap
    subsidy.approved_amount = amount
    subsidy.decision_note = note.strip()[:TEXT_MAX]
    subsidy.decided_by_id, subsidy.decided_at = actor.id, utcnow()
    workflow.flush(_conflict())
    _history(_project(subsidy), "approve", before, actor, target, f"{amount:,.2f}")
    _announce(subsidy, "approve", actor, amount=amount)


def refuse(subsidy: ReformSubsidy, actor: User, reason: str, version: int | None) -> None:
    target = _deciding(subsidy, "refuse", actor, version)
    if not reason.strip():
        raise WorkflowError(_("Give the reason for refusing the subsidy."), field="note")
    before = subsidy.status
    subsidy.status = target
    subsidy.decision_note = reason.strip()[:TEXT_MAX]
    subsidy.decided_by_id, subsidy.decided_at = actor.id, utcnow()
    workflow.flush(_conflict())
    _history(_project(subsidy), "refuse", before, actor, target, reason.strip())
    _announce(subsidy, "refuse", actor, reason=reason.strip())


@dataclass(frozen=True)
class Payment:
    amount: Decimal
    paid_on: date
    reference: str


def pay(subsidy: ReformSubsidy, actor: User, payment: Payment, version: int | None) -> None:
    target = _deciding(subsidy, "pay", actor, version)
    assert subsidy.approved_amount is not None and subsidy.decided_at is not None
    _amount_within(payment.amount, subsidy.approved_amount, "paid_amount")
    approved_at = local_time(subsidy.decided_at)
    assert approved_at is not None
    approved_on = approved_at.date()
    if payment.paid_on > local_today():
        raise WorkflowError(_("The payment date cannot be in the future."), field="paid_on")
    if payment.paid_on < approved_on:
        raise WorkflowError(
            _("The payment date cannot be before the approval (%(on)s).", on=approved_on),
            field="paid_on",
        )
    reference = payment.reference.strip()
    if not reference or len(reference) > REFERENCE_MAX:
        raise WorkflowError(_("Give the payment's reference."), field="reference")
    before = subsidy.status
    subsidy.status = target
    subsidy.paid_amount, subsidy.paid_on = payment.amount, payment.paid_on
    subsidy.payment_reference = reference
    subsidy.paid_recorded_by_id = actor.id
    workflow.flush(_conflict())
    _history(_project(subsidy), "pay", before, actor, target, reference)
    _announce(subsidy, "pay", actor, amount=payment.amount)


def _project(subsidy: ReformSubsidy) -> ReformProject:
    return subsidy.project


# --- the outcomes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    category: OutcomeCategory
    indicator: str
    unit: str
    before: Decimal
    after: Decimal


def outcomes_of(project: ReformProject) -> list[ReformOutcome]:
    order = {c: i for i, c in enumerate(OutcomeCategory)}
    found = db.session.scalars(
        sa.select(ReformOutcome).where(ReformOutcome.project_id == project.id)
    ).all()
    return sorted(found, key=lambda o: (order[o.category], o.indicator, o.id))


def paid(project: ReformProject) -> bool:
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    ReformSubsidy.project_id == project.id,
                    ReformSubsidy.status == SubsidyStatus.PAID,
                )
            )
        )
    )


def _recording(project: ReformProject, actor: User) -> None:
    if actor.organisation_id != project.enterprise_id:
        abort(404)
    if project.status not in OUTCOME_STATES:
        raise WorkflowError(_("Outcomes are recorded once the project is in implementation."))
    if paid(project):
        raise WorkflowError(_("The subsidy is paid: the outcomes can no longer be changed."))


def _checked(outcome: Outcome) -> Outcome:
    indicator, unit = outcome.indicator.strip(), outcome.unit.strip()
    if not indicator or len(indicator) > INDICATOR_MAX:
        raise WorkflowError(_("Name the indicator."), field="indicator")
    if len(unit) > UNIT_MAX:
        raise WorkflowError(_("The unit is too long."), field="unit")
    return Outcome(outcome.category, indicator, unit, outcome.before, outcome.after)


def _duplicate() -> WorkflowError:
    return WorkflowError(
        _("This indicator is already recorded in this category: change that one."),
        field="indicator",
    )


def _taken(project_id: int, outcome: Outcome, but: int | None = None) -> bool:
    query = sa.select(ReformOutcome.id).where(
        ReformOutcome.project_id == project_id,
        ReformOutcome.category == outcome.category,
        ReformOutcome.indicator == outcome.indicator,
    )
    if but is not None:
        query = query.where(ReformOutcome.id != but)
    return db.session.scalar(query.limit(1)) is not None


def _flush_outcome() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise _duplicate() from exc


def add_outcome(project: ReformProject, actor: User, outcome: Outcome) -> ReformOutcome:
    _recording(project, actor)
    outcome = _checked(outcome)
    count = (
        db.session.scalar(sa.select(sa.func.count()).where(ReformOutcome.project_id == project.id))
        or 0
    )
    if count >= MAX_OUTCOMES:
        raise WorkflowError(
            _("A project records at most %(n)d outcomes.", n=MAX_OUTCOMES), field="indicator"
        )
    if _taken(project.id, outcome):
        raise _duplicate()
    added = ReformOutcome(
        project_id=project.id,
        category=outcome.category,
        indicator=outcome.indicator,
        unit=outcome.unit,
        before=outcome.before,
        after=outcome.after,
        recorded_by_id=actor.id,
    )
    db.session.add(added)
    _flush_outcome()
    return added


def change_outcome(found: ReformOutcome, actor: User, outcome: Outcome) -> None:
    project = _project_of(found)
    _recording(project, actor)
    outcome = _checked(outcome)
    if _taken(project.id, outcome, but=found.id):
        raise _duplicate()
    found.category, found.indicator, found.unit = outcome.category, outcome.indicator, outcome.unit
    found.before, found.after = outcome.before, outcome.after
    found.recorded_by_id, found.recorded_at = actor.id, utcnow()
    _flush_outcome()


def remove_outcome(found: ReformOutcome, actor: User) -> None:
    _recording(_project_of(found), actor)
    db.session.delete(found)
    db.session.flush()


def _project_of(outcome: ReformOutcome) -> ReformProject:
    project = db.session.get(ReformProject, outcome.project_id)
    assert project is not None
    return project


def figure(value: Decimal, *, sign: bool = False) -> str:
    """A figure as written, without its trailing zeros and never in exponent form (100, not
    1E+2); with its sign when asked (a change)."""
    text = format(value.normalize(), "f")
    return f"+{text}" if sign and value > 0 else text


def change_of(outcome: ReformOutcome) -> tuple[Decimal, Decimal | None]:
    """after − before, and the change in percent of before (None where before is 0)."""
    change = outcome.after - outcome.before
    percent = (change * 100 / abs(outcome.before)).quantize(CENT) if outcome.before else None
    return change, percent


# --- what the project page shows -------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    subsidies: list[ReformSubsidy]  # newest first
    newest: ReformSubsidy | None
    options: list[Option]
    audit: ReformAuditReport | None
    maximum: Decimal | None  # what the enterprise may ask now
    outcomes: list[ReformOutcome]
    may_record: bool
    rule: Rule

    def decision_maximum(self, subsidy: ReformSubsidy) -> Decimal:
        """What the city may approve: at most what was asked and what the rule allows."""
        return min(subsidy.requested_amount, self.rule.maximum(subsidy.eligible_cost))

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)


def panel(project: ReformProject, user: User) -> Panel:
    """The subsidy part of the project's page, in a bounded number of queries."""
    subsidies = list(
        db.session.scalars(
            sa.select(ReformSubsidy)
            .where(ReformSubsidy.project_id == project.id)
            .order_by(ReformSubsidy.id.desc())
        )
    )
    newest = subsidies[0] if subsidies else None
    state = newest.status if newest else None
    # Before the reform is implemented there is no subsidy to speak of: no disabled button
    # with "not graded yet" on a draft's page (the move itself still says why, if asked).
    offered = (
        workflow.options(table.TRANSITIONS, project, state, user)
        if subsidies or project.status in SUBSIDY_STATES
        else []
    )
    audit = table.newest_audit(project) if offered or subsidies else None
    outcomes = outcomes_of(project)
    may_record = (
        user.organisation_id == project.enterprise_id
        and project.status in OUTCOME_STATES
        and not any(s.status == SubsidyStatus.PAID for s in subsidies)
    )
    applied = rule()
    return Panel(
        subsidies=subsidies,
        newest=newest,
        options=offered,
        audit=audit,
        maximum=applied.maximum(audit.eligible_cost) if audit else None,
        outcomes=outcomes,
        may_record=may_record,
        rule=applied,
    )
