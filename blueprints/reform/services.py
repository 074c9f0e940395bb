"""Reform projects' work: drafting with one contract per provider of the pool, filing with
the county and city authorities, and the "three in step" of the implementation. Each move is a
row of the transition table with its history row and its announcement.

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
from app.clock import local_today, utcnow
from app.database import on_commit, on_rollback
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.security.permissions import Permission, has_permission
from blueprints.demand import services as demand
from blueprints.reform.transitions import (
    CONCLUSIONS,
    EDITABLE,
    RETURNS,
    TRANSITIONS,
    outside_the_period,
)
from models import (
    DiagnosisEngagement,
    EngagementStatus,
    Organisation,
    OrgKind,
    PoolMember,
    PoolProduct,
    PoolStatus,
    ReformContract,
    ReformDelivery,
    ReformEvent,
    ReformProject,
    ReformStatus,
    User,
)
from models.reform import AMOUNT_MAX

MAX_CONTRACTS = 20
MAX_DELIVERIES = 100
MAX_SCENARIOS = 20
TEXT_MAX = 4000


def _conflict() -> str:
    return _("Someone else changed this reform project meanwhile. Reload the page.")


# --- who reads what --------------------------------------------------------------------------


def visible_to(user: User) -> sa.ColumnElement[bool]:
    """The enterprise its own projects, the county and the city authority those filed with
    them, a provider those with its contract once filed, the evaluation body and the audit
    firm the city named those they were named for; the platform's administrators all."""
    if has_permission(user, Permission.ALL_ORGS_VIEW):
        return sa.true()
    contracted = (
        sa.select(ReformContract.id)
        .where(
            ReformContract.project_id == ReformProject.id,
            ReformContract.provider_id == user.organisation_id,
        )
        .exists()
    )
    return sa.or_(
        ReformProject.enterprise_id == user.organisation_id,
        sa.and_(
            ReformProject.status != ReformStatus.DRAFT,
            sa.or_(
                ReformProject.county_authority_id == user.organisation_id,
                ReformProject.authority_id == user.organisation_id,
                ReformProject.evaluation_body_id == user.organisation_id,
                ReformProject.audit_firm_id == user.organisation_id,
                contracted,
            ),
        ),
    )


def project_or_404(project_id: int, user: User) -> ReformProject:
    project = db.session.scalar(
        sa.select(ReformProject).where(ReformProject.id == project_id, visible_to(user))
    )
    if project is None:
        abort(404)
    return project


def contract_or_404(contract_id: int, user: User) -> ReformContract:
    contract = db.session.get(ReformContract, contract_id)
    if contract is None:
        abort(404)
    project_or_404(contract.project_id, user)
    return contract


def delivery_or_404(delivery_id: int, user: User) -> ReformDelivery:
    delivery = db.session.get(ReformDelivery, delivery_id)
    if delivery is None:
        abort(404)
    project_or_404(delivery.project_id, user)
    return delivery


# --- drafting --------------------------------------------------------------------------------


def engagements_of(user: User) -> list[DiagnosisEngagement]:
    """The enterprise's enrolments in a programme with a scenario catalogue (seed 004's)."""
    return list(
        db.session.scalars(
            sa.select(DiagnosisEngagement)
            .where(
                DiagnosisEngagement.enterprise_id == user.organisation_id,
                DiagnosisEngagement.programme_key.in_(demand.library_programmes()),
                DiagnosisEngagement.status != EngagementStatus.WITHDRAWN,
            )
            .order_by(DiagnosisEngagement.id)
        )
    )


@dataclass(frozen=True)
class Draft:
    name: str
    scenario_codes: list[str]
    starts_on: date
    ends_on: date
    budget: Decimal


def _check_draft(draft: Draft) -> None:
    if draft.ends_on < draft.starts_on:
        raise WorkflowError(_("The project cannot end before it starts."), field="ends_on")
    if not Decimal(0) < draft.budget <= AMOUNT_MAX:
        raise WorkflowError(
            _("Give an amount above 0 and at most %(max)s yuan.", max=f"{AMOUNT_MAX:,}"),
            field="budget",
        )
    every = demand.every_scenario()
    if not draft.scenario_codes or any(c not in every for c in draft.scenario_codes):
        raise WorkflowError(_("Choose scenarios of the catalogue."), field="scenarios")


def create(actor: User, engagement: DiagnosisEngagement, draft: Draft) -> ReformProject:
    if engagement.enterprise_id != actor.organisation_id:
        abort(404)
    _check_draft(draft)
    project = ReformProject(
        engagement_id=engagement.id,
        programme_key=engagement.programme_key,
        authority_id=engagement.authority_id,
        enterprise_id=engagement.enterprise_id,
        name=draft.name.strip(),
        scenario_codes=list(dict.fromkeys(draft.scenario_codes)),
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        budget=draft.budget,
        created_by_id=actor.id,
    )
    db.session.add(project)
    db.session.flush()
    return project


def _changes(project: ReformProject, draft: Draft) -> list[str]:
    """What ``draft`` changes of the project, one "field: before → after" each."""
    name = draft.name.strip()
    codes = list(dict.fromkeys(draft.scenario_codes))
    pairs = (
        (_("Project name"), project.name, name),
        (_("Scenarios"), "、".join(project.scenario_codes), "、".join(codes)),
        (_("Planned start"), project.starts_on.isoformat(), draft.starts_on.isoformat()),
        (_("Planned end"), project.ends_on.isoformat(), draft.ends_on.isoformat()),
        (_("Total budget (yuan)"), f"{project.budget:.2f}", f"{draft.budget:.2f}"),
    )
    return [f"{label}: {before} → {after}" for label, before, after in pairs if before != after]


def revise(project: ReformProject, actor: User, draft: Draft, version: int | None) -> list[str]:
    """The enterprise changes its draft or returned project (a county found the budget too
    high): the period must still hold every contract's term, as the filing requires. The
    history row names what changed; returns those changes (none: nothing is written)."""
    if actor.organisation_id != project.enterprise_id:
        abort(404)
    workflow.expect_version(project, version)
    workflow.begin(TRANSITIONS, project, "revise", project.status, actor)
    _check_draft(draft)
    changes = _changes(project, draft)
    if not changes:
        return []
    with db.session.no_autoflush:  # the contracts are read against the new period, unwritten
        project.name = draft.name.strip()
        project.scenario_codes = list(dict.fromkeys(draft.scenario_codes))
        project.starts_on, project.ends_on = draft.starts_on, draft.ends_on
        project.budget = draft.budget
        outside = outside_the_period(project)
    if outside:
        raise WorkflowError(outside[0], field=outside[1])
    project.events.append(
        ReformEvent(
            action="revise",
            from_status=project.status.value,
            to_status=project.status.value,
            actor_id=actor.id,
            comment="; ".join(changes)[:TEXT_MAX],
        )
    )
    workflow.flush(_conflict())
    return changes


def _drafting(project: ReformProject, actor: User) -> None:
    if actor.organisation_id != project.enterprise_id:
        abort(404)
    if project.status not in EDITABLE:
        raise WorkflowError(_("The project is filed: its contracts can no longer be changed."))


def provider_choices(project: ReformProject) -> list[PoolMember]:
    """The providers the enterprise may still contract: admitted (not suspended) in the pool
    of the project's programme and authority, and not yet under contract here."""
    taken = {c.provider_id for c in project.contracts}
    members = db.session.scalars(
        sa.select(PoolMember)
        .join(Organisation, Organisation.id == PoolMember.provider_id)
        .where(
            PoolMember.programme_key == project.programme_key,
            PoolMember.authority_id == project.authority_id,
            PoolMember.status == PoolStatus.ADMITTED,
        )
        .options(sa.orm.contains_eager(PoolMember.provider))
        .order_by(Organisation.name, PoolMember.id)
    ).all()
    return [m for m in members if m.provider_id not in taken]


def product_choices(project: ReformProject) -> list[tuple[PoolProduct, str]]:
    """The products of the pool's admitted providers, with the provider's name."""
    rows = db.session.execute(
        sa.select(PoolProduct, Organisation.name)
        .join(PoolMember, PoolMember.id == PoolProduct.member_id)
        .join(Organisation, Organisation.id == PoolMember.provider_id)
        .where(
            PoolMember.programme_key == project.programme_key,
            PoolMember.authority_id == project.authority_id,
            PoolMember.status == PoolStatus.ADMITTED,
        )
        .order_by(Organisation.name, PoolProduct.id)
    )
    return [(product, name) for product, name in rows]


@dataclass(frozen=True)
class Contract:
    member_id: int
    product_id: int | None
    products: str
    price: Decimal
    starts_on: date
    ends_on: date


def add_contract(
    project: ReformProject, actor: User, contract: Contract, file: FileStorage
) -> ReformContract:
    _drafting(project, actor)
    if len(project.contracts) >= MAX_CONTRACTS:
        raise WorkflowError(
            _("A project holds at most %(n)d contracts.", n=MAX_CONTRACTS), field="provider"
        )
    member = db.session.get(PoolMember, contract.member_id)
    if member is None or member.provider_id in {c.provider_id for c in project.contracts}:
        raise WorkflowError(
            _("One contract per provider: this provider already has one in the project.")
            if member is not None
            else _("Choose an admitted provider of the programme's pool."),
            field="provider",
        )
    if member not in provider_choices(project):
        raise WorkflowError(
            _("Choose an admitted provider of the programme's pool."), field="provider"
        )
    products = contract.products.strip()
    if contract.product_id is not None:
        product = db.session.get(PoolProduct, contract.product_id)
        if product is None or product.member_id != member.id:
            raise WorkflowError(
                _("Choose a product of the chosen provider, or describe it."), field="product"
            )
        products = f"{product.name}\n{products}".strip()
    if not products:
        raise WorkflowError(
            _("Name the products or services: choose one or describe them."), field="products"
        )
    if contract.ends_on < contract.starts_on:
        raise WorkflowError(_("A contract cannot end before it starts."), field="ends_on")
    if not Decimal(0) < contract.price <= AMOUNT_MAX:
        raise WorkflowError(
            _("Give an amount above 0 and at most %(max)s yuan.", max=f"{AMOUNT_MAX:,}"),
            field="price",
        )
    try:
        stored = uploads.store(file)
    except uploads.UploadError as error:
        raise WorkflowError(str(error.message), field="file") from error
    on_rollback(functools.partial(uploads.remove, stored.stored_name))
    added = ReformContract(
        member_id=member.id,
        provider_id=member.provider_id,
        products=products[:TEXT_MAX],
        price=contract.price,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        size=stored.size,
        sha256=stored.sha256,
        content_type=stored.content_type,
        uploaded_by_id=actor.id,
    )
    project.contracts.append(added)
    workflow.flush(_conflict())
    return added


def remove_contract(contract: ReformContract, actor: User) -> None:
    project = contract.project
    _drafting(project, actor)
    project.contracts.remove(contract)
    db.session.flush()
    on_commit(functools.partial(uploads.remove, contract.stored_name))


# --- moves -----------------------------------------------------------------------------------


def county_authority_of(enterprise: Organisation) -> Organisation | None:
    """The authority whose region is the enterprise's county or district."""
    return db.session.scalar(
        sa.select(Organisation)
        .where(
            Organisation.kind == OrgKind.AUTHORITY,
            Organisation.region_code == enterprise.region_code,
            Organisation.active.is_(True),
        )
        .order_by(Organisation.id)
        .limit(1)
    )


def perform(
    project: ReformProject,
    name: str,
    actor: User,
    *,
    reason: str = "",
    version: int | None = None,
) -> ReformProject:
    """Check and take the move ``name``: the state, the history row, the announcement."""
    workflow.expect_version(project, version)
    _transition, target = workflow.begin(TRANSITIONS, project, name, project.status, actor)
    if name in RETURNS and not reason.strip():
        raise WorkflowError(_("Give the reason for returning the project."), field="reason")
    if name == "file":
        county = county_authority_of(project.enterprise)
        if county is None:
            raise WorkflowError(
                _(
                    "No authority of your county or district is registered: ask the city "
                    "authority to register it before filing."
                )
            )
        project.county_authority_id = county.id
        project.filed_on = local_today()
    before = project.status
    project.status = target
    project.status_changed_at = utcnow()
    if name in RETURNS or name in ("county_agree", "city_file", *CONCLUSIONS):
        project.opinion = reason.strip()
    project.events.append(
        ReformEvent(
            action=name,
            from_status=before.value,
            to_status=target.value,
            actor_id=actor.id,
            comment=reason.strip(),
        )
    )
    workflow.flush(_conflict())
    announce(
        f"reform.{name}",
        project,
        actor,
        occurrence=f"reform:{project.id}:{name}:{len(project.events)}",
        reason=reason.strip(),
    )
    return project


# --- the three in step -----------------------------------------------------------------------


def _implementing(project: ReformProject, actor: User, version: int | None) -> None:
    if actor.organisation_id != project.enterprise_id:
        abort(404)
    workflow.expect_version(project, version)
    if project.status != ReformStatus.IN_IMPLEMENTATION:
        raise WorkflowError(
            _("The three in step are recorded once the city has filed the project.")
        )


def record_training(
    project: ReformProject, actor: User, plan: str, on: date, version: int | None
) -> None:
    _implementing(project, actor, version)
    project.training_plan = plan.strip()
    project.training_recorded_on = on
    workflow.flush(_conflict())


def record_evaluation(
    project: ReformProject, actor: User, evaluation: str, on: date, version: int | None
) -> None:
    _implementing(project, actor, version)
    if not project.deliveries:
        raise WorkflowError(_("Record at least one delivery first."))
    project.evaluation = evaluation.strip()
    project.evaluated_on = on
    workflow.flush(_conflict())


def add_delivery(
    project: ReformProject,
    actor: User,
    on: date,
    notes: str,
    file: FileStorage | None,
    version: int | None,
) -> ReformDelivery:
    _implementing(project, actor, version)
    if len(project.deliveries) >= MAX_DELIVERIES:
        raise WorkflowError(
            _("A project holds at most %(n)d delivery records.", n=MAX_DELIVERIES), field="notes"
        )
    delivery = ReformDelivery(delivered_on=on, notes=notes.strip(), recorded_by_id=actor.id)
    if file is not None and file.filename:
        try:
            stored = uploads.store(file)
        except uploads.UploadError as error:
            raise WorkflowError(str(error.message), field="file") from error
        on_rollback(functools.partial(uploads.remove, stored.stored_name))
        delivery.original_name = stored.original_name
        delivery.stored_name = stored.stored_name
        delivery.content_type = stored.content_type
    project.deliveries.append(delivery)
    db.session.flush()
    return delivery
