"""A provider's star rating, from the enterprises' satisfaction surveys and the acceptance
results of its work, with its basis ("4.2 ★ from 12 surveys and 3 acceptances").

The formula (``rating``) is a Bayesian mean on the 1–5 scale:

    rating = (PRIOR_WEIGHT × PRIOR + Σ survey + ACCEPTANCE_WEIGHT × Σ acceptance)
             / (PRIOR_WEIGHT + n_surveys + ACCEPTANCE_WEIGHT × n_acceptances)

* a survey counts as the mean of its criteria's scores (1–5);
* an acceptance counts ACCEPTANCE_WEIGHT times (an expert's verdict on delivered work weighs
  more than one enterprise's impression), its outcome mapped to the scale: pass 5, pass with
  corrections 3, fail 1;
* PRIOR_WEIGHT imaginary ratings of PRIOR (the middle of the scale) keep a provider with one
  enthusiastic survey from outranking one with twenty good ones.

No survey and no acceptance: no rating (the pool shows "not rated yet").

The acceptances read (``acceptances_of``, one query) are
* the authority's acceptances of the diagnoses the provider made under the pool's programme
  (accepted at once: pass; accepted after a return for revision: pass with corrections);
* the expert groups' acceptances (附件5) of the reform projects of the programme and authority
  in which the provider holds a contract, by their verdict, once the county authority's opinion
  concluded them. Every concluded acceptance counts, not only a project's newest: a failed
  acceptance was a real outcome of the provider's work, and the rectified project's later pass
  counts beside it — a provider that passes at once ranks above one that needed two rounds.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from app import workflow
from app.data_files import Text
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from blueprints.diagnosis import programmes
from models import (
    AcceptanceVerdict,
    DemandEntry,
    DemandSolution,
    DiagnosisEngagement,
    DiagnosisEngagementEvent,
    EngagementStatus,
    PoolMember,
    PoolStatus,
    ProviderSurvey,
    ReformAcceptance,
    ReformContract,
    ReformProject,
    User,
)

PRIOR = Decimal(3)
PRIOR_WEIGHT = Decimal(2)
ACCEPTANCE_WEIGHT = Decimal(2)
SCORE_MIN, SCORE_MAX = 1, 5
COMMENT_MAX = 2000


class Acceptance(enum.Enum):
    PASS = 5
    PASS_WITH_CORRECTIONS = 3
    FAIL = 1


def survey_score(scores: Iterable[int]) -> Decimal:
    values = [Decimal(s) for s in scores]
    return sum(values, Decimal(0)) / len(values)


def rating(surveys: Iterable[Decimal], acceptances: Iterable[Acceptance]) -> Decimal | None:
    """The formula of the module's doc, rounded to two places; None with nothing to rate."""
    survey_list = list(surveys)
    accepted = [Decimal(a.value) for a in acceptances]
    if not survey_list and not accepted:
        return None
    total = PRIOR_WEIGHT * PRIOR + sum(survey_list, Decimal(0))
    total += ACCEPTANCE_WEIGHT * sum(accepted, Decimal(0))
    weight = PRIOR_WEIGHT + len(survey_list) + ACCEPTANCE_WEIGHT * len(accepted)
    return (total / weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def acceptances_of(member: PoolMember) -> list[Acceptance]:
    """The outcomes of the provider's accepted diagnoses and of the concluded acceptances of
    its reform projects under the pool's programme and authority (one query)."""
    returned = (
        sa.select(DiagnosisEngagementEvent.id)
        .where(
            DiagnosisEngagementEvent.engagement_id == DiagnosisEngagement.id,
            DiagnosisEngagementEvent.action == "return",
        )
        .exists()
    )
    diagnoses = sa.select(
        sa.case(
            (returned, Acceptance.PASS_WITH_CORRECTIONS.value), else_=Acceptance.PASS.value
        ).label("score")
    ).where(
        DiagnosisEngagement.provider_id == member.provider_id,
        DiagnosisEngagement.programme_key == member.programme_key,
        DiagnosisEngagement.authority_id == member.authority_id,
        DiagnosisEngagement.status == EngagementStatus.ACCEPTED,
    )
    contracted = (
        sa.select(ReformContract.id)
        .where(
            ReformContract.project_id == ReformAcceptance.project_id,
            ReformContract.member_id == member.id,
        )
        .exists()
    )
    reforms = (
        sa.select(
            sa.case(
                *(
                    (ReformAcceptance.verdict == verdict, Acceptance[verdict.name].value)
                    for verdict in AcceptanceVerdict
                ),
                else_=Acceptance.FAIL.value,
            ).label("score")
        )
        .join(ReformProject, ReformProject.id == ReformAcceptance.project_id)
        .where(
            ReformProject.programme_key == member.programme_key,
            ReformProject.authority_id == member.authority_id,
            ReformAcceptance.county_opinion_at.is_not(None),
            contracted,
        )
    )
    rows = db.session.scalars(sa.union_all(diagnoses, reforms))
    return [Acceptance(int(score)) for score in rows]


def recompute(member: PoolMember) -> None:
    """The member's rating and its basis from the surveys and acceptances recorded now."""
    scores = db.session.scalars(
        sa.select(ProviderSurvey.scores).where(ProviderSurvey.member_id == member.id)
    ).all()
    surveys = [survey_score(s.values()) for s in scores if s]
    accepted = acceptances_of(member)
    member.rating = rating(surveys, accepted)
    member.rated_surveys = len(surveys)
    member.rated_acceptances = len(accepted)


# --- the enterprise's survey -----------------------------------------------------------------


def criteria(member: PoolMember) -> list[tuple[str, Text]]:
    """(key, title in both languages) of the programme's survey criteria."""
    programme = programmes.programme(member.programme_key)
    if programme is None:
        return []
    return [(c.key, c.title) for c in programme.satisfaction.criteria]


def worked_with(member: PoolMember, enterprise_id: int) -> bool:
    """Whether the enterprise worked with the provider under the pool's programme: diagnosed by
    it, or its demand library matched to its products."""
    in_programme = sa.and_(
        DiagnosisEngagement.programme_key == member.programme_key,
        DiagnosisEngagement.authority_id == member.authority_id,
        DiagnosisEngagement.enterprise_id == enterprise_id,
    )
    diagnosed = sa.select(DiagnosisEngagement.id).where(
        in_programme, DiagnosisEngagement.provider_id == member.provider_id
    )
    matched = (
        sa.select(DemandSolution.id)
        .join(DemandEntry, DemandEntry.id == DemandSolution.entry_id)
        .join(DiagnosisEngagement, DiagnosisEngagement.id == DemandEntry.engagement_id)
        .where(in_programme, DemandSolution.provider_id == member.provider_id)
    )
    return bool(db.session.scalar(sa.select(sa.or_(diagnosed.exists(), matched.exists()))))


def may_rate(member: PoolMember, user: User) -> str | None:
    """Why ``user``'s enterprise may not rate ``member`` now, or None."""
    if member.status not in (PoolStatus.ADMITTED, PoolStatus.SUSPENDED):
        return _("Only a provider of the pool is rated.")
    if not worked_with(member, user.organisation_id):
        return _("Only an enterprise that worked with this provider in the programme rates it.")
    return None


def rate(member: PoolMember, user: User, scores: dict[str, int], comment: str) -> ProviderSurvey:
    refusal = may_rate(member, user)
    if refusal:
        raise WorkflowError(refusal)
    keys = [key for key, _title in criteria(member)]
    if sorted(scores) != sorted(keys) or any(
        not SCORE_MIN <= v <= SCORE_MAX for v in scores.values()
    ):
        raise WorkflowError(_("Rate every criterion from 1 to 5."))
    survey = db.session.scalar(
        sa.select(ProviderSurvey).where(
            ProviderSurvey.member_id == member.id,
            ProviderSurvey.enterprise_id == user.organisation_id,
        )
    )
    if survey is not None:
        raise WorkflowError(_("Your enterprise has rated this provider already."))
    survey = ProviderSurvey(
        member_id=member.id,
        enterprise_id=user.organisation_id,
        scores=scores,
        comment=comment.strip()[:COMMENT_MAX],
        created_by_id=user.id,
    )
    db.session.add(survey)
    workflow.flush(_("Your enterprise has rated this provider already."))
    recompute(member)
    db.session.flush()
    announce("pool.rated", member, user, occurrence=f"pool_survey:{survey.id}")
    return survey
