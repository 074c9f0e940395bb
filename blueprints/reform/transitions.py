"""A reform project as data (seed 004 三(二)2, 附件4): the enterprise drafts it with one contract
per provider of the programme's pool and files it; the county authority of the enterprise's
region agrees or returns it; the city authority files it (入库) or returns it; the enterprise
records the "three in step" during implementation and declares it implemented once all three
are recorded. Then (seed 004 三(二)5-6) the evaluation body the city named grades the
enterprise on site (IMPLEMENTED → GRADED); its expert group records the acceptance opinion
(附件5) and the county authority adds its own, which concludes it: passed → ACCEPTED, failed →
back to IN_IMPLEMENTATION for rectification, then a new completion, grading and acceptance."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.security.permissions import Permission
from app.workflow import Transition, names
from models import (
    EnterpriseExclusion,
    PoolStatus,
    ReformAcceptance,
    ReformProject,
    ReformStatus,
)

S = ReformStatus
# The states in which the enterprise holds the project: its fields and contracts may change.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
FILE, MANAGE = Permission.REFORM_FILE, Permission.DIAGNOSIS_MANAGE
GRADE = Permission.REFORM_GRADE


def _unchanged(project: ReformProject) -> ReformStatus:
    return project.status


def of_the_enterprise(project: ReformProject, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != project.enterprise_id:
        return _("Only the enterprise that runs the project may do this.")
    return None


def of_the_county(project: ReformProject, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != project.county_authority_id:
        return _("Only the authority of the enterprise's county or district may do this.")
    return None


def of_the_city(project: ReformProject, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != project.authority_id:
        return _("Only the city authority that runs the programme may do this.")
    return None


def of_the_body(project: ReformProject, actor: object) -> str | None:
    body = project.evaluation_body_id
    if body is None or getattr(actor, "organisation_id", None) != body:
        return _("Only the evaluation body the city named for the project may do this.")
    return None


def pending_acceptance(project: ReformProject) -> ReformAcceptance | None:
    """The expert group's acceptance of the current grading still awaiting the county's
    opinion, or None."""
    return db.session.scalar(
        sa.select(ReformAcceptance)
        .where(
            ReformAcceptance.project_id == project.id,
            ReformAcceptance.county_opinion_at.is_(None),
        )
        .order_by(ReformAcceptance.id.desc())
        .limit(1)
    )


def acceptance_passed(project: ReformProject, _actor: object) -> str | None:
    pending = pending_acceptance(project)
    if pending is None:
        return _("The evaluation body's expert group has not recorded its acceptance opinion yet.")
    if not pending.verdict.passed:
        return _("The expert group did not pass the project: it goes back to rectification.")
    return None


def acceptance_failed(project: ReformProject, _actor: object) -> str | None:
    pending = pending_acceptance(project)
    if pending is None:
        return _("The evaluation body's expert group has not recorded its acceptance opinion yet.")
    if pending.verdict.passed:
        return _("The expert group passed the project: it is accepted, not rectified.")
    return None


def eligible(project: ReformProject, _actor: object) -> str | None:
    """Seed 004 四(四): enterprises already funded as central-fund "little giants" or already in
    the 2022 national pilot are refused, and told which."""
    code = project.enterprise.credit_code
    flags = db.session.scalars(
        sa.select(EnterpriseExclusion.flag)
        .where(EnterpriseExclusion.credit_code == code)
        .order_by(EnterpriseExclusion.flag)
    ).all()
    if flags:
        return _(
            "Your enterprise is not eligible for the programme's support: %(reasons)s.",
            reasons="; ".join(str(f.title) for f in flags),
        )
    return None


def has_contracts(project: ReformProject, _actor: object) -> str | None:
    if not project.contracts:
        return _("Add the contract with each provider first: a project needs at least one.")
    return None


def one_contract_per_provider(project: ReformProject, _actor: object) -> str | None:
    providers = [c.provider_id for c in project.contracts]
    if len(providers) != len(set(providers)):
        return _("One contract per provider: two contracts name the same provider.")
    return None


def providers_in_the_pool(project: ReformProject, _actor: object) -> str | None:
    for contract in project.contracts:
        member = contract.member
        if (
            member.status != PoolStatus.ADMITTED
            or member.programme_key != project.programme_key
            or member.authority_id != project.authority_id
        ):
            return _(
                "%(provider)s is not an admitted provider of the programme's pool (%(status)s).",
                provider=contract.provider.name,
                status=member.status.title,
            )
    return None


def outside_the_period(project: ReformProject) -> tuple[str, str] | None:
    """The first contract whose term lies outside the project's period: the reason, and the
    project's date it contradicts (``starts_on`` or ``ends_on``); or None."""
    for contract in project.contracts:
        if contract.ends_on < project.starts_on or contract.starts_on > project.ends_on:
            reason = _(
                "The term of the contract with %(provider)s lies outside the project's period.",
                provider=contract.provider.name,
            )
            return reason, "starts_on" if contract.ends_on < project.starts_on else "ends_on"
    return None


def dates_possible(project: ReformProject, _actor: object) -> str | None:
    if project.ends_on < project.starts_on:
        return _("The project cannot end before it starts.")
    if any(c.ends_on < c.starts_on for c in project.contracts):
        return _("A contract cannot end before it starts.")
    outside = outside_the_period(project)
    return outside[0] if outside else None


def three_in_step(project: ReformProject, _actor: object) -> str | None:
    if not project.training_recorded_on:
        return _("Record the training plan first.")
    if not project.deliveries:
        return _("Record at least one delivery first.")
    if not project.evaluated_on:
        return _("Record the evaluation first.")
    return None


TRANSITIONS: tuple[Transition[ReformStatus], ...] = (
    Transition.of(
        "file",
        {S.DRAFT, S.RETURNED},
        S.AWAITING_COUNTY,
        FILE,
        of_the_enterprise,
        eligible,
        has_contracts,
        one_contract_per_provider,
        providers_in_the_pool,
        dates_possible,
    ),
    # The project's own fields (name, scenarios, period, budget) while the enterprise holds it:
    # the state stays, the history row names what changed.
    Transition("revise", frozenset(EDITABLE), _unchanged, FILE, of_the_enterprise),
    Transition.of("county_agree", {S.AWAITING_COUNTY}, S.AWAITING_CITY, MANAGE, of_the_county),
    Transition.of("county_return", {S.AWAITING_COUNTY}, S.RETURNED, MANAGE, of_the_county),
    Transition.of("city_file", {S.AWAITING_CITY}, S.IN_IMPLEMENTATION, MANAGE, of_the_city),
    Transition.of("city_return", {S.AWAITING_CITY}, S.RETURNED, MANAGE, of_the_city),
    Transition.of(
        "complete", {S.IN_IMPLEMENTATION}, S.IMPLEMENTED, FILE, of_the_enterprise, three_in_step
    ),
    # The grading's own rules (its date, its report) are the service's: they need its form.
    Transition.of("grade", {S.IMPLEMENTED}, S.GRADED, GRADE, of_the_body),
    # The county's opinion on the expert group's acceptance (附件5's second row) concludes it.
    Transition.of("accept", {S.GRADED}, S.ACCEPTED, MANAGE, of_the_county, acceptance_passed),
    Transition.of(
        "rectify", {S.GRADED}, S.IN_IMPLEMENTATION, MANAGE, of_the_county, acceptance_failed
    ),
    # The county may disagree with a pass: the project goes back as from a failed acceptance.
    # It cannot pass a failed one on its own (the expert group has the verdict, seed 004).
    Transition.of(
        "county_disagree",
        {S.GRADED},
        S.IN_IMPLEMENTATION,
        MANAGE,
        of_the_county,
        acceptance_passed,
    ),
)
ACTION_NAMES = names(TRANSITIONS)
ACTION_TITLES = {
    "revise": _l("Project revised"),
    "file": _l("Filed with the county authority"),
    "county_agree": _l("County opinion: agreed"),
    "county_return": _l("Returned by the county authority"),
    "city_file": _l("Filed by the city authority"),
    "city_return": _l("Returned by the city authority"),
    "complete": _l("Implemented"),
    "appoint": _l("Third parties named by the city authority"),
    "grade": _l("Graded on site by the evaluation body"),
    "acceptance": _l("Acceptance opinion of the expert group recorded"),
    "accept": _l("Accepted: the county authority's opinion recorded"),
    "rectify": _l("Acceptance failed: back to rectification"),
    "county_disagree": _l("The county authority disagreed with the pass: back to rectification"),
    "audit_report": _l("Special audit report filed"),
}
# The county's opinion on an acceptance: one of these two, by the expert group's verdict.
CONCLUSIONS = ("accept", "rectify", "county_disagree")
# The authorities' decisions; the returns need a reason.
DECISIONS = ("county_agree", "county_return", "city_file", "city_return")
RETURNS = ("county_return", "city_return")
