"""The demand library (一企一档 供需适配库, seed 004 annex 1): the diagnosing provider files each
need it finds at an enterprise under a third-level scenario of the programme's catalogue and
matches products and solutions to it; the enterprise hears of it; the enterprise, the provider
and the authorities of its region read it — never the public.

Services only flush: the request commits (app.database)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask import abort
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import workflow
from app.clock import local_today
from app.events import announce
from app.extensions import db
from app.security.access import in_region, region_prefix
from app.security.permissions import Permission, has_permission
from blueprints.diagnosis import programmes, scenarios
from blueprints.diagnosis.scenarios import Catalogue, Scenario
from blueprints.engagements.changes import Refused
from models import (
    DemandEntry,
    DemandSolution,
    DiagnosisEngagement,
    EngagementStatus,
    Organisation,
    OrgKind,
    PoolMember,
    PoolStatus,
    SolutionOrigin,
    User,
)
from models.demand import PRICE_MAX

# Bounds of one enterprise's library: far above the annex's dozens of scenarios, low enough
# that its page stays one page.
MAX_ENTRIES = 200
MAX_SOLUTIONS = 20

# The diagnosis has gone on site: an engagement in these states with no entries waits on the
# provider's work list (a withdrawn one never does).
DIAGNOSED = (
    EngagementStatus.ON_SITE,
    EngagementStatus.REPORTED,
    EngagementStatus.PRESENTED,
    EngagementStatus.SURVEYED,
    EngagementStatus.REVISING,
    EngagementStatus.ACCEPTED,
)


# --- the catalogue ---------------------------------------------------------------------------


def catalogue_of(engagement: DiagnosisEngagement) -> Catalogue | None:
    programme = programmes.programme(engagement.programme_key)
    return scenarios.catalogue(programme.scenarios) if programme else None


def library_programmes() -> list[str]:
    """The programmes that keep a demand library."""
    return sorted(key for key, p in programmes.load_all().items() if p.scenarios)


def every_scenario() -> dict[str, Scenario]:
    """The scenarios of every catalogue by code, for the lists across programmes (the
    catalogues share the annex's numbering)."""
    merged: dict[str, Scenario] = {}
    for catalogue in scenarios.load_all().values():
        for code, scenario in catalogue.every.items():
            merged.setdefault(code, scenario)
    return merged


def matching_scenarios(term: str) -> list[str]:
    """The third-level codes a search by scenario finds, in every catalogue."""
    found: set[str] = set()
    for catalogue in scenarios.load_all().values():
        found.update(catalogue.matching(term))
    return sorted(found)


# --- who sees what ---------------------------------------------------------------------------


def authority_prefix(user: User) -> str | None:
    """The region code prefix of an authority's region; None for anyone else."""
    organisation = user.organisation
    if organisation is None or organisation.kind != OrgKind.AUTHORITY:
        return None
    return region_prefix(organisation.region_code)


def visible_to(user: User) -> sa.ColumnElement[bool]:
    """The entries ``user``'s organisation may read (over DemandEntry joined with its
    engagement): the enterprise its own, the provider those of the enterprises it diagnoses, an
    authority those it enrolled and every one of its region; the platform's administrators all.
    """
    if has_permission(user, Permission.ALL_ORGS_VIEW):
        return sa.true()
    org = user.organisation_id
    parties = [
        DiagnosisEngagement.enterprise_id == org,
        DiagnosisEngagement.provider_id == org,
        DiagnosisEngagement.authority_id == org,
    ]
    prefix = authority_prefix(user)
    if prefix:
        region = (
            sa.select(Organisation.id)
            .where(Organisation.id == DemandEntry.enterprise_id, in_region(prefix))
            .exists()
        )
        parties.append(region)
    return sa.or_(*parties)


def engagement_or_404(engagement_id: int) -> DiagnosisEngagement:
    """An engagement of a programme with a demand library whose library the user reads."""
    engagement = db.session.get(DiagnosisEngagement, engagement_id)
    if engagement is None or catalogue_of(engagement) is None or not _reads(engagement):
        abort(404)
    return engagement


def _reads(engagement: DiagnosisEngagement) -> bool:
    user = current_user
    org = user.organisation_id
    if has_permission(user, Permission.ALL_ORGS_VIEW) or org in (
        engagement.enterprise_id,
        engagement.provider_id,
        engagement.authority_id,
    ):
        return True
    prefix = authority_prefix(user)
    return bool(
        prefix
        and db.session.scalar(
            sa.select(sa.literal(True)).where(
                Organisation.id == engagement.enterprise_id, in_region(prefix)
            )
        )
    )


def entry_or_404(entry_id: int) -> DemandEntry:
    entry = db.session.get(DemandEntry, entry_id)
    if entry is None:
        abort(404)
    engagement_or_404(entry.engagement_id)
    return entry


def solution_or_404(solution_id: int) -> DemandSolution:
    solution = db.session.get(DemandSolution, solution_id)
    if solution is None:
        abort(404)
    entry_or_404(solution.entry_id)
    return solution


def entries_of(engagement: DiagnosisEngagement) -> list[DemandEntry]:
    """The enterprise's library in the catalogue's order, solutions and their providers loaded
    (two queries whatever its size)."""
    entries = db.session.scalars(
        sa.select(DemandEntry)
        .where(DemandEntry.engagement_id == engagement.id)
        .options(
            sa.orm.selectinload(DemandEntry.solutions).joinedload(DemandSolution.provider),
        )
        .order_by(DemandEntry.id)
    ).all()
    order = {code: i for i, code in enumerate(every_scenario())}
    return sorted(entries, key=lambda e: (order.get(e.scenario_code, len(order)), e.id))


# --- recording -------------------------------------------------------------------------------


def changeable(engagement: DiagnosisEngagement) -> bool:
    return engagement.status != EngagementStatus.WITHDRAWN


def _recording(engagement: DiagnosisEngagement, actor: User) -> Catalogue:
    """The catalogue the provider files under; 404 for anyone but the diagnosing provider, a
    WorkflowError (409) once the engagement is withdrawn."""
    catalogue = catalogue_of(engagement)
    if catalogue is None or actor.organisation_id != engagement.provider_id:
        abort(404)
    if not changeable(engagement):
        raise workflow.WorkflowError(
            _("The engagement was withdrawn: its demand library can no longer be changed.")
        )
    return catalogue


def scenario_choices(engagement: DiagnosisEngagement) -> list[tuple[str, str, str]]:
    """(code, label, group) of every third-level scenario the enterprise's industry may file
    under, grouped by their second level."""
    catalogue = catalogue_of(engagement)
    if catalogue is None:
        return []
    table = catalogue.for_industry(engagement.enterprise.industry_code)
    locale = _locale()
    return [
        (s.code, s.label(locale), table[scenarios.parent_of(s.code)].label(locale))
        for s in table.values()
        if s.level == 3
    ]


def _locale() -> str:
    return str(get_locale() or "zh")


def _announce(engagement: DiagnosisEngagement, actor: User) -> None:
    """The enterprise hears once a day of what the provider filed in its library, however
    many entries and matches it filed that day."""
    announce(
        "demand.record",
        engagement,
        actor,
        occurrence=f"demand:{engagement.id}:{local_today().isoformat()}",
    )


def record_entry(
    engagement: DiagnosisEngagement,
    actor: User,
    *,
    scenario_code: str,
    problem: str,
    need: str,
    description: str,
) -> DemandEntry:
    catalogue = _recording(engagement, actor)
    allowed = catalogue.for_industry(engagement.enterprise.industry_code)
    scenario = allowed.get(scenario_code)
    if scenario is None or scenario.level != 3:
        raise Refused(
            "scenario", _("Choose a third-level scenario of the catalogue for this industry.")
        )
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(DemandEntry)
        .where(DemandEntry.engagement_id == engagement.id)
    )
    if (count or 0) >= MAX_ENTRIES:
        raise Refused("scenario", _("A demand library holds at most %(n)d entries.", n=MAX_ENTRIES))
    entry = DemandEntry(
        engagement_id=engagement.id,
        enterprise_id=engagement.enterprise_id,
        scenario_code=scenario.code,
        problem=problem.strip(),
        need=need.strip(),
        description=description.strip(),
        created_by_id=actor.id,
    )
    db.session.add(entry)
    db.session.flush()
    _announce(engagement, actor)
    return entry


@dataclass(frozen=True)
class Offer:
    """A product or solution as the form gives it."""

    name: str
    summary: str
    provider_id: int
    price_low: Decimal
    price_high: Decimal
    origin: SolutionOrigin


def _pool_providers(engagement: DiagnosisEngagement) -> sa.Select:
    """The providers in the pool of the engagement's programme and authority (seed 004 二): a
    suspended or removed one, or one still in publicity, is not offered."""
    return (
        sa.select(Organisation.id, Organisation.name)
        .join(PoolMember, PoolMember.provider_id == Organisation.id)
        .where(
            PoolMember.programme_key == engagement.programme_key,
            PoolMember.authority_id == engagement.authority_id,
            PoolMember.status == PoolStatus.ADMITTED,
            Organisation.active.is_(True),
        )
    )


def provider_choices(engagement: DiagnosisEngagement) -> list[tuple[int, str]]:
    """The providers of the programme's pool, by name."""
    rows = db.session.execute(
        _pool_providers(engagement).order_by(Organisation.name, Organisation.id)
    )
    return [(r.id, r.name) for r in rows]


def _offers_products(engagement: DiagnosisEngagement, provider_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(_pool_providers(engagement).where(Organisation.id == provider_id).exists())
        )
    )


def match_solution(entry: DemandEntry, actor: User, offer: Offer) -> DemandSolution:
    engagement = entry.engagement
    _recording(engagement, actor)
    if len(entry.solutions) >= MAX_SOLUTIONS:
        raise Refused("name", _("A need is matched to at most %(n)d solutions.", n=MAX_SOLUTIONS))
    if offer.price_low < 0 or offer.price_high > PRICE_MAX:
        raise Refused(
            "price_high",
            _("Give a price from 0 to %(max)s (in 10,000 yuan).", max=f"{PRICE_MAX:,}"),
        )
    if offer.price_low > offer.price_high:
        raise Refused("price_high", _("The highest price cannot be below the lowest."))
    if not _offers_products(engagement, offer.provider_id):
        raise Refused("provider", _("Choose a provider of the programme's pool."))
    solution = DemandSolution(
        name=offer.name.strip(),
        summary=offer.summary.strip(),
        provider_id=offer.provider_id,
        price_low=offer.price_low,
        price_high=offer.price_high,
        origin=offer.origin,
        created_by_id=actor.id,
    )
    entry.solutions.append(solution)
    db.session.flush()
    _announce(engagement, actor)
    return solution


def remove_entry(entry: DemandEntry, actor: User) -> None:
    _recording(entry.engagement, actor)
    db.session.delete(entry)
    db.session.flush()


def remove_solution(solution: DemandSolution, actor: User) -> None:
    _recording(solution.entry.engagement, actor)
    solution.entry.solutions.remove(solution)
    db.session.flush()
