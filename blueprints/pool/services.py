"""The provider pool's work: a provider's application (products, qualification files), the
authority's experts and their opinions, the authority's decisions, each a move of the
transition table with its history row and its announcement.

Services only flush: the request commits (app.database)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app import uploads, workflow
from app.clock import local_today, utcnow
from app.database import on_commit, on_rollback
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.security.permissions import Permission, has_permission
from app.workdays import add_working_days
from app.workflow import Actor
from blueprints.demand import services as demand
from blueprints.diagnosis import programmes, scenarios
from blueprints.pool.transitions import TRANSITIONS
from models import (
    DiagnosisEngagement,
    Organisation,
    OrgKind,
    PoolEvent,
    PoolFile,
    PoolMember,
    PoolProduct,
    PoolReview,
    PoolStatus,
    Role,
    SolutionOrigin,
    User,
)
from models.demand import PRICE_MAX

MAX_PRODUCTS = 30
MAX_FILES = 10
TEXT_MAX = 4000


def _conflict() -> str:
    return _("Someone else changed this place in the pool meanwhile. Reload the page.")


# --- the pools -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pool:
    """A programme's pool as one authority keeps it (the authority that enrols its
    engagements)."""

    programme_key: str
    authority_id: int
    authority: str

    @property
    def key(self) -> str:
        return f"{self.programme_key}:{self.authority_id}"

    def title(self, locale: object) -> str:
        programme = programmes.programme(self.programme_key)
        name = programme.title.get(locale) if programme else self.programme_key
        return f"{name} — {self.authority}"


def pools() -> list[Pool]:
    """The pools one may apply to: the programmes keeping a demand library, as each authority
    running them keeps them (one grouped query)."""
    rows = db.session.execute(
        sa.select(DiagnosisEngagement.programme_key, Organisation.id, Organisation.name)
        .join(Organisation, Organisation.id == DiagnosisEngagement.authority_id)
        .where(DiagnosisEngagement.programme_key.in_(demand.library_programmes()))
        .group_by(DiagnosisEngagement.programme_key, Organisation.id, Organisation.name)
        .order_by(DiagnosisEngagement.programme_key, Organisation.name)
    )
    return [Pool(r[0], r[1], r[2]) for r in rows]


def pool_of(key: str) -> Pool | None:
    return next((p for p in pools() if p.key == key), None)


# --- who reads what --------------------------------------------------------------------------


def visible_to(user: User) -> sa.ColumnElement[bool]:
    """The places ``user`` reads: the provider its own, the authority those of its pools, an
    expert those assigned to them; the platform's administrators all."""
    if has_permission(user, Permission.ALL_ORGS_VIEW):
        return sa.true()
    assigned = (
        sa.select(PoolReview.id)
        .where(PoolReview.member_id == PoolMember.id, PoolReview.expert_id == user.id)
        .exists()
    )
    return sa.or_(
        PoolMember.provider_id == user.organisation_id,
        PoolMember.authority_id == user.organisation_id,
        assigned,
    )


def member_or_404(member_id: int, user: User) -> PoolMember:
    member = db.session.scalar(
        sa.select(PoolMember).where(PoolMember.id == member_id, visible_to(user))
    )
    if member is None:
        abort(404)
    return member


def file_or_404(file_id: int, user: User) -> PoolFile:
    kept = db.session.get(PoolFile, file_id)
    if kept is None:
        abort(404)
    member_or_404(kept.member_id, user)
    return kept


def product_or_404(product_id: int, user: User) -> PoolProduct:
    product = db.session.get(PoolProduct, product_id)
    if product is None:
        abort(404)
    member_or_404(product.member_id, user)
    return product


# --- moves -----------------------------------------------------------------------------------


def perform(
    member: PoolMember,
    name: str,
    actor: Actor,
    *,
    reason: str = "",
    version: int | None = None,
    **context: object,
) -> PoolMember:
    """Check and take the move ``name``: the state, the history row, the announcement."""
    workflow.expect_version(member, version)
    _transition, target = workflow.begin(TRANSITIONS, member, name, member.status, actor)
    before = member.status
    member.status = target
    member.status_changed_at = utcnow()
    if name in ("admit", "refuse", "suspend", "restore", "remove", "appeal_upheld"):
        member.decision_reason = reason
    if name == "admit":
        _publish(member)
    member.events.append(
        PoolEvent(
            action=name,
            from_status=before.value,
            to_status=target.value,
            actor_id=actor.id,
            comment=reason,
        )
    )
    workflow.flush(_conflict())
    announce(
        f"pool.{name}",
        member,
        actor,
        occurrence=f"pool:{member.id}:{name}:{len(member.events)}",
        reason=reason,
        **context,
    )
    return member


def _publish(member: PoolMember) -> None:
    """Published from today for the setting's working days on China's holiday calendar (a
    start inside a holiday counts from the next working day)."""
    period = add_working_days(local_today(), current_app.config["PROVIDER_PUBLICITY_WORKING_DAYS"])
    member.publicity_starts_on = period.start
    member.publicity_ends_on = period.end
    member.publicity_estimated = period.estimated


def decide(member: PoolMember, actor: User, name: str, reason: str, version: int | None) -> None:
    if name not in ("admit", "refuse", "suspend", "restore", "remove"):
        raise WorkflowError(_("Unknown action."))
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Give the reason for the decision."), field="reason")
    perform(member, name, actor, reason=reason, version=version)


# --- the application -------------------------------------------------------------------------


def apply(actor: User, pool: Pool, qualifications: str) -> PoolMember:
    """A draft place in ``pool`` for the actor's organisation (its refused one drafted
    again); the provider adds products and files, then submits."""
    if actor.organisation.kind != OrgKind.SERVICE_PROVIDER:
        raise WorkflowError(_("Only a digital transformation service provider may apply."))
    existing = db.session.scalar(
        sa.select(PoolMember).where(
            PoolMember.programme_key == pool.programme_key,
            PoolMember.authority_id == pool.authority_id,
            PoolMember.provider_id == actor.organisation_id,
        )
    )
    if existing is not None:
        raise WorkflowError(
            _("Your organisation already has a place or an application in this pool."),
            field="pool",
        )
    member = PoolMember(
        programme_key=pool.programme_key,
        authority_id=pool.authority_id,
        provider_id=actor.organisation_id,
        qualifications=qualifications.strip(),
        created_by_id=actor.id,
    )
    db.session.add(member)
    workflow.flush(_("Your organisation already has a place or an application in this pool."))
    return member


def _drafting(member: PoolMember, actor: User) -> None:
    if actor.organisation_id != member.provider_id:
        abort(404)
    if member.status != PoolStatus.DRAFT:
        raise WorkflowError(_("The application was submitted: it can no longer be changed."))


def scenario_choices(member: PoolMember) -> list[tuple[str, str, str]]:
    """(code, label, group) of the third-level scenarios of the programme's catalogue."""
    programme = programmes.programme(member.programme_key)
    catalogue = (
        scenarios.catalogue(programme.scenarios) if programme and programme.scenarios else None
    )
    if catalogue is None:
        return []
    locale = str(get_locale() or "zh")
    return [
        (s.code, s.label(locale), catalogue.every[scenarios.parent_of(s.code)].label(locale))
        for s in catalogue.every.values()
        if s.level == 3
    ]


@dataclass(frozen=True)
class Product:
    name: str
    scenario_code: str
    price_low: Decimal
    price_high: Decimal
    origin: SolutionOrigin


def add_product(member: PoolMember, actor: User, product: Product) -> PoolProduct:
    _drafting(member, actor)
    if len(member.products) >= MAX_PRODUCTS:
        raise WorkflowError(
            _("An application lists at most %(n)d products.", n=MAX_PRODUCTS), field="name"
        )
    if product.scenario_code not in {code for code, _l, _g in scenario_choices(member)}:
        raise WorkflowError(_("Choose a third-level scenario of the catalogue."), field="scenario")
    if product.price_low < 0 or product.price_high > PRICE_MAX:
        raise WorkflowError(
            _("Give a price from 0 to %(max)s (in 10,000 yuan).", max=f"{PRICE_MAX:,}"),
            field="price_high",
        )
    if product.price_low > product.price_high:
        raise WorkflowError(_("The highest price cannot be below the lowest."), field="price_high")
    added = PoolProduct(
        name=product.name.strip(),
        scenario_code=product.scenario_code,
        price_low=product.price_low,
        price_high=product.price_high,
        origin=product.origin,
    )
    member.products.append(added)
    db.session.flush()
    return added


def remove_product(product: PoolProduct, actor: User) -> None:
    member = product.member
    _drafting(member, actor)
    member.products.remove(product)
    db.session.flush()


def add_file(member: PoolMember, actor: User, file: FileStorage) -> PoolFile:
    _drafting(member, actor)
    if len(member.files) >= MAX_FILES:
        raise WorkflowError(
            _("An application holds at most %(n)d files.", n=MAX_FILES), field="file"
        )
    try:
        stored = uploads.store(file)
    except uploads.UploadError as error:
        raise WorkflowError(str(error.message), field="file") from error
    on_rollback(functools.partial(uploads.remove, stored.stored_name))
    kept = PoolFile(
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        size=stored.size,
        sha256=stored.sha256,
        content_type=stored.content_type,
        uploaded_by_id=actor.id,
    )
    member.files.append(kept)
    db.session.flush()
    return kept


def remove_file(kept: PoolFile, actor: User) -> None:
    member = db.session.get(PoolMember, kept.member_id)
    assert member is not None  # a file always has its place
    _drafting(member, actor)
    member.files.remove(kept)
    db.session.flush()
    on_commit(functools.partial(uploads.remove, kept.stored_name))


# --- the experts -----------------------------------------------------------------------------


def expert_choices(member: PoolMember) -> list[tuple[int, str]]:
    """The authority's active officials not yet assigned to this application."""
    assigned = {r.expert_id for r in member.reviews}
    rows = db.session.execute(
        sa.select(User.id, User.name)
        .where(
            User.organisation_id == member.authority_id,
            User.role == Role.AUTHORITY,
            User.active.is_(True),
        )
        .order_by(User.name, User.id)
    )
    return [(r.id, r.name) for r in rows if r.id not in assigned]


def assign(member: PoolMember, actor: User, expert_id: int, version: int | None) -> PoolReview:
    if expert_id not in {uid for uid, _name in expert_choices(member)}:
        raise WorkflowError(
            _("Choose an official of your authority not yet assigned."), field="expert"
        )
    review = PoolReview(expert_id=expert_id)
    member.reviews.append(review)
    perform(member, "assign", actor, version=version, expert=db.session.get(User, expert_id))
    return review


def record_opinion(
    member: PoolMember, actor: User, recommends: bool, opinion: str, version: int | None
) -> None:
    workflow.expect_version(member, version)
    workflow.begin(TRANSITIONS, member, "record_opinion", member.status, actor)
    review = next(r for r in member.reviews if r.expert_id == actor.id and r.recorded_at is None)
    perform(member, "record_opinion", actor, reason=opinion.strip(), version=version)
    review.recommends = recommends
    review.opinion = opinion.strip()
    review.recorded_at = utcnow()
    db.session.flush()
