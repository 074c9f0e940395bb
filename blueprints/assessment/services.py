"""Self-assessment work: start, save drafts, submit, review, and the certification gate.

Only flushes; the request commits. The review route (district, then city) is resolved from
the authorities registered for the enterprise's region at the moment it is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import workflow
from app.clock import local_today, utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.security.permissions import Permission
from app.workflow import Transition
from blueprints.assessment import scoring
from blueprints.assessment.questionnaire import Questionnaire, load_all, questionnaire_for
from blueprints.campaigns import services as campaigns
from models import (
    SUBMITTED_STATES,
    TOTAL_KEY,
    Assessment,
    AssessmentAction,
    AssessmentEvent,
    AssessmentIndicator,
    AssessmentScore,
    AssessmentStatus,
    Campaign,
    Organisation,
    OrgKind,
    Region,
    RegionLevel,
    User,
)

S = AssessmentStatus


def current_year() -> int:
    return local_today().year


def questionnaire_of(assessment: Assessment) -> Questionnaire:
    return load_all()[assessment.questionnaire_id]


def start(org: Organisation, actor: User) -> Assessment:
    """A new draft for ``org``: for the campaign open over its region, once per campaign; with
    none open, the enterprise's own, once a year (seed 001: 常态化自评估 — it counts for no
    campaign)."""
    if org.kind != OrgKind.ENTERPRISE or actor.organisation_id != org.id:
        raise WorkflowError(_("Only an enterprise assesses itself."))
    year = current_year()
    campaign = campaigns.open_for(org)
    existing = db.session.scalar(
        sa.select(Assessment.id).where(*_same_round(org, year, campaign)).limit(1)
    )
    if existing is not None:
        if campaign is not None:
            raise WorkflowError(
                _("Your enterprise already takes part in %(title)s.", title=campaign.title)
            )
        raise WorkflowError(
            _("Your enterprise already has a self-assessment for %(year)d.", year=year)
        )
    section = org.industry.section_code if org.industry else None
    questionnaire = questionnaire_for(org.industry_code, section, year)
    assessment = Assessment(
        organisation=org,
        year=year,
        campaign=campaign,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        status=S.DRAFT,
        answers={},
        # A campaign counts its drafts by region from the start.
        region_code=org.region_code,
        industry_code=org.industry_code,
    )
    db.session.add(assessment)
    db.session.flush()
    return assessment


def _same_round(
    org: Organisation, year: int, campaign: Campaign | None
) -> tuple[sa.ColumnElement[bool], ...]:
    if campaign is not None:
        return (Assessment.organisation_id == org.id, Assessment.campaign_id == campaign.id)
    return (
        Assessment.organisation_id == org.id,
        Assessment.year == year,
        Assessment.campaign_id.is_(None),
    )


def may_start(org: Organisation, assessments: list[Assessment]) -> tuple[bool, Campaign | None]:
    """Whether ``start`` would give a new draft now, and the campaign it would be for."""
    campaign = campaigns.open_for(org)
    year = current_year()
    if campaign is not None:
        return all(a.campaign_id != campaign.id for a in assessments), campaign
    return all(a.year != year or a.campaign_id is not None for a in assessments), None


def save_section(
    assessment: Assessment, section_key: str, form: Mapping[str, Any]
) -> dict[str, str]:
    """Store a page of answers; on any error store nothing and return the errors."""
    if not assessment.is_editable:
        raise WorkflowError(_("This self-assessment has been submitted and can no longer change."))
    questionnaire = questionnaire_of(assessment)
    section = questionnaire.section(section_key)
    answers, errors = scoring.parse_section(questionnaire, section_key, form)
    if errors:
        return errors
    merged = {
        k: v for k, v in assessment.answers.items() if k not in {q.key for q in section.questions}
    }
    merged.update(answers)
    assessment.answers = merged  # a new dict: JSON columns do not track in-place changes
    return {}


def progress(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> tuple[int, int]:
    required = [q.key for q in questionnaire.questions if q.required]
    return sum(1 for key in required if key in answers), len(required)


def section_complete(questionnaire: Questionnaire, section_key: str, answers: Mapping) -> bool:
    section = questionnaire.section(section_key)
    return all(q.key in answers for q in section.questions if q.required)


# --- review routing -------------------------------------------------------------------------


def _authority_at(code: str | None) -> Organisation | None:
    if code is None:
        return None
    return db.session.scalar(
        sa.select(Organisation)
        .where(
            Organisation.kind == OrgKind.AUTHORITY,
            Organisation.region_code == code,
            Organisation.active.is_(True),
        )
        .order_by(Organisation.id)
        .limit(1)
    )


def district_reviewer(region: Region | None) -> Organisation | None:
    if region is None or region.level != RegionLevel.COUNTY:
        return None
    return _authority_at(region.code)


def city_reviewer(region: Region | None) -> Organisation | None:
    """The prefecture's authority; for a municipality's district, the municipality's."""
    node = region
    while node is not None:
        if node.level in (RegionLevel.PREFECTURE, RegionLevel.PROVINCE):
            found = _authority_at(node.code)
            if found is not None:
                return found
        node = node.parent
    return None


def _route_after_submit(assessment: Assessment) -> AssessmentStatus:
    region = assessment.organisation.region
    district = district_reviewer(region)
    if district is not None:
        assessment.reviewer = district
        return S.AWAITING_DISTRICT
    assessment.reviewer = city_reviewer(region)
    return S.AWAITING_CITY


def _route_after_district(assessment: Assessment) -> AssessmentStatus:
    assessment.reviewer = city_reviewer(assessment.organisation.region)
    return S.AWAITING_CITY


# --- guards -----------------------------------------------------------------------------------


def _own_enterprise(assessment: Assessment, actor: User) -> str | None:
    if assessment.organisation_id != actor.organisation_id:
        return _("Only the enterprise itself can submit its self-assessment.")
    return None


def _complete(assessment: Assessment, _actor: User) -> str | None:
    errors = scoring.validate_all(questionnaire_of(assessment), assessment.answers)
    if errors:
        return _(
            "The questionnaire is not complete: %(n)d answers are missing or invalid.",
            n=len(errors),
        )
    return None


def _assigned_reviewer(assessment: Assessment, actor: User) -> str | None:
    if assessment.reviewer_id != actor.organisation_id:
        return _("This self-assessment is waiting for another authority's review.")
    return None


TRANSITIONS: tuple[Transition[AssessmentStatus], ...] = (
    Transition(
        "submit",
        frozenset({S.DRAFT, S.RETURNED}),
        _route_after_submit,
        Permission.ASSESSMENT_FILL,
        party=_own_enterprise,
        guards=(_complete,),
    ),
    Transition(
        "approve",
        frozenset({S.AWAITING_DISTRICT}),
        _route_after_district,
        Permission.ASSESSMENT_REVIEW,
        party=_assigned_reviewer,
    ),
    Transition(
        "approve",
        frozenset({S.AWAITING_CITY}),
        S.APPROVED,
        Permission.ASSESSMENT_REVIEW,
        party=_assigned_reviewer,
    ),
    Transition(
        "return",
        frozenset({S.AWAITING_DISTRICT, S.AWAITING_CITY}),
        S.RETURNED,
        Permission.ASSESSMENT_REVIEW,
        party=_assigned_reviewer,
    ),
)

_EVENT_ACTION = {
    ("submit", None): AssessmentAction.SUBMIT,
    ("approve", S.AWAITING_DISTRICT): AssessmentAction.APPROVE_DISTRICT,
    ("approve", S.AWAITING_CITY): AssessmentAction.APPROVE_CITY,
    ("return", None): AssessmentAction.RETURN,
}


def perform(assessment: Assessment, name: str, actor: User, comment: str = "") -> None:
    """Apply transition ``name``: check, move, record. Raises WorkflowError (409)."""
    source = assessment.status
    transition = workflow.find(TRANSITIONS, name, source)
    if name == "return" and not comment.strip():
        raise WorkflowError(_("Say what must be corrected when returning a self-assessment."))
    target = workflow.check(transition, assessment, actor)
    if name == "submit":
        _record_scores(assessment)
    if target == S.APPROVED:
        assessment.approved_at = utcnow()
        assessment.reviewer = None
    if target == S.RETURNED:
        assessment.reviewer = None
    assessment.status = target
    action = _EVENT_ACTION.get((name, source)) or _EVENT_ACTION[(name, None)]
    db.session.add(
        AssessmentEvent(
            assessment=assessment,
            action=action,
            from_status=source,
            to_status=target,
            actor=actor,
            comment=comment.strip(),
        )
    )
    workflow.flush(
        _(
            "Someone else changed this self-assessment at the same moment. "
            "Reload the page to see its current state."
        )
    )
    announce(f"assessment.{name}", assessment, actor, comment=comment.strip())


def _record_scores(assessment: Assessment) -> None:
    questionnaire = questionnaire_of(assessment)
    result = scoring.score(questionnaire, assessment.answers)
    org = assessment.organisation
    assessment.total = result.total
    assessment.stage = result.stage
    assessment.region_code = org.region_code
    assessment.industry_code = org.industry_code
    assessment.submitted_at = utcnow()
    rows = {**result.dimensions, TOTAL_KEY: result.total}
    existing = {s.dimension: s for s in assessment.scores}
    for dimension, value in rows.items():
        if dimension in existing:
            existing[dimension].score = value
        else:
            assessment.scores.append(AssessmentScore(dimension=dimension, score=value))
    # The regional statistics average these (a share indicator's yes/no is 100/0).
    known = scoring.indicators(questionnaire, assessment.answers)
    held = {i.key: i for i in assessment.indicator_values}
    for key, known_value in known.items():
        if known_value is None:
            if key in held:
                assessment.indicator_values.remove(held[key])
        elif key in held:
            held[key].value = known_value
        else:
            assessment.indicator_values.append(AssessmentIndicator(key=key, value=known_value))


# --- the certification gate ---------------------------------------------------------------------


def has_valid_assessment(organisation_id: int) -> bool:
    """A submitted (not draft, not returned) assessment of this or last year: the precondition
    for starting a certification project (seed 003 q9; any stage qualifies)."""
    year = current_year()
    return (
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    Assessment.organisation_id == organisation_id,
                    Assessment.year.in_([year, year - 1]),
                    Assessment.status.in_(SUBMITTED_STATES),
                )
            )
        )
        or False
    )


def assessments_of(org: Organisation) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.organisation_id == org.id)
            .options(sa.orm.joinedload(Assessment.campaign))
            .order_by(Assessment.year.desc(), Assessment.id.desc())
        )
    )


def review_queue(authority: Organisation) -> sa.Select:
    """The assessments waiting for ``authority``'s decision, the longest waiting first. The
    enterprise is joined, not eagerly loaded apart: the queue searches and sorts by it."""
    return (
        sa.select(Assessment)
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(
            Assessment.reviewer_id == authority.id,
            Assessment.status.in_([S.AWAITING_DISTRICT, S.AWAITING_CITY]),
        )
        .options(sa.orm.contains_eager(Assessment.organisation))
        .order_by(Assessment.submitted_at, Assessment.id)
    )
