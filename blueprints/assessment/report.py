"""Build a report: the enterprise's scores, the 24 indicators, and comparisons in SQL.

The comparisons (average and percentile per dimension, for all enterprises, the same industry
and the same region, in the same year) are one aggregate query, however many enterprises there
are: conditional aggregates over the score rows, joined to the enterprise's own row.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import aliased

from app.clock import utcnow
from app.extensions import db
from blueprints.assessment import benchmarks, scoring
from blueprints.assessment.questionnaire import DIRECTIONS, Questionnaire
from blueprints.assessment.report_data import (
    BenchmarkRow,
    Comparison,
    DimensionRow,
    HistoryPoint,
    IndicatorRow,
    ReportData,
    WeakArea,
)
from blueprints.assessment.services import questionnaire_of
from blueprints.reference.names import chain as region_chain
from blueprints.reference.names import region_label
from models import (
    SUBMITTED_STATES,
    TOTAL_KEY,
    Assessment,
    AssessmentScore,
    AssessmentScoreCount,
    RegionLevel,
)

GROUPS = ("all", "industry", "region")


def comparison_region_prefix(region_code: str | None) -> str | None:
    """Compare within the city: the prefecture, or the municipality for its districts."""
    chain = region_chain(region_code)
    for region in reversed(chain):
        if region.level in (RegionLevel.PREFECTURE, RegionLevel.PROVINCE):
            return region.prefix
    return None


def comparisons(assessment: Assessment) -> dict[str, dict[str, Comparison]]:
    """{dimension: {group: Comparison}} for every scored dimension and the total.

    One query over the score counts of the year (score_counts.py): a few thousand rows per
    group however many enterprises assessed themselves, joined to the enterprise's own scores.
    """
    mine = aliased(AssessmentScore)
    count = AssessmentScoreCount
    prefix = comparison_region_prefix(assessment.region_code)
    groups = {
        "all": sa.and_(count.scope == "all", count.code == ""),
        "industry": sa.and_(count.scope == "industry", count.code == assessment.industry_code)
        if assessment.industry_code
        else sa.false(),
        "region": sa.and_(count.scope == "region", count.code == prefix) if prefix else sa.false(),
    }
    group = sa.case(*((condition, name) for name, condition in groups.items())).label("grp")
    rows = db.session.execute(
        sa.select(
            count.dimension,
            group,
            (sa.func.sum(count.n * count.score) / sa.func.sum(count.n)).label("avg"),
            sa.func.sum(count.n).label("n"),
            sa.func.sum(sa.case((count.score < mine.score, count.n), else_=0)).label("below"),
            sa.func.sum(sa.case((count.score == mine.score, count.n), else_=0)).label("equal"),
        )
        .join(mine, sa.and_(mine.assessment_id == assessment.id, mine.dimension == count.dimension))
        .where(count.year == assessment.year, count.n > 0, sa.or_(*groups.values()))
        .group_by(count.dimension, group)
    ).mappings()
    result: dict[str, dict[str, Comparison]] = {}
    for row in rows:
        result.setdefault(row["dimension"], {name: _empty() for name in GROUPS})
        result[row["dimension"]][row["grp"]] = _comparison(row)
    return result


def _comparison(row) -> Comparison:
    count = int(row["n"] or 0)
    if count == 0:
        return Comparison(average=None, percentile=None, count=0)
    # Mid-rank percentile: those below plus half of the ties (the enterprise itself included).
    below, equal = int(row["below"] or 0), int(row["equal"] or 0)
    return Comparison(
        average=round(float(row["avg"]), 1),
        percentile=round(100.0 * (below + 0.5 * equal) / count, 1),
        count=count,
    )


def history(assessment: Assessment) -> list[tuple[int, float, str]]:
    return [
        (year, total, stage)
        for year, total, stage in db.session.execute(
            sa.select(Assessment.year, Assessment.total, Assessment.stage)
            .where(
                Assessment.organisation_id == assessment.organisation_id,
                Assessment.status.in_(SUBMITTED_STATES),
            )
            .order_by(Assessment.year)
        )
    ]


def _empty() -> Comparison:
    return Comparison(average=None, percentile=None, count=0)


def build_report(assessment: Assessment) -> ReportData:
    locale = str(get_locale() or "zh")
    questionnaire: Questionnaire = questionnaire_of(assessment)
    org = assessment.organisation
    compared = comparisons(assessment) if assessment.is_submitted else {}
    result = scoring.score(questionnaire, assessment.answers)
    dimensions = [
        DimensionRow(
            key=d.key,
            title=d.title.get(locale),
            score=result.dimensions[d.key],
            weight=d.weight,
            **{g: compared.get(d.key, {}).get(g, _empty()) for g in GROUPS},
        )
        for d in questionnaire.dimensions
    ]
    values = scoring.indicators(questionnaire, assessment.answers)
    indicators = [
        IndicatorRow(
            key=i.key,
            direction=DIRECTIONS[i.direction].get(locale),
            title=i.title.get(locale),
            value=values.get(i.key),
            kind=i.kind,
        )
        for i in questionnaire.indicators
    ]
    weakest = [
        WeakArea(
            title=questionnaire.dimension(key).title.get(locale),
            score=result.dimensions[key],
            suggestion=questionnaire.dimension(key).suggestion.get(locale),
        )
        for key in scoring.weakest(questionnaire, result.dimensions)
    ]
    stage_title = questionnaire.stage(result.stage).title.get(locale)
    points = [
        HistoryPoint(year=year, total=total, stage=_stage_title(questionnaire, stage, locale))
        for year, total, stage in history(assessment)
    ]
    return ReportData(
        locale=locale,
        enterprise_name=org.name,
        credit_code=org.credit_code or "",
        region_name=region_label(org.region_code),
        industry_name=f"{org.industry.code} {org.industry.display_name}" if org.industry else "",
        year=assessment.year,
        questionnaire_title=questionnaire.title.get(locale),
        status=assessment.status.title,
        submitted_at=assessment.submitted_at,
        total=result.total,
        stage=stage_title,
        stage_key=result.stage,
        dimensions=dimensions,
        indicators=indicators,
        weakest=weakest,
        history=points,
        generated_at=utcnow(),
        totals=compared.get(TOTAL_KEY, {g: _empty() for g in GROUPS}),
        benchmarks=[
            BenchmarkRow(b.name, _stage_title(questionnaire, b.stage, locale), b.note)
            for b in benchmarks.named_for(assessment)
        ],
    )


def _stage_title(questionnaire: Questionnaire, key: str | None, locale: str) -> str:
    if key is None:
        return ""
    try:
        return questionnaire.stage(key).title.get(locale)
    except (KeyError, ValueError, LookupError):
        return key or ""
