"""A programme's progress for the authority that runs it (issue 16, item 6): engagements by
state and by provider, the overdue ones (the agreement's term passed before the report), the
SME grades the enterprises gave themselves and those graded on site, and the verified key
indicators averaged over the region's prefectures and the industries. Each figure is one
grouped SQL query over the authority's engagements, whatever their number."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from blueprints.diagnosis.programmes import Programme
from blueprints.engagements import indicators
from models import (
    DiagnosisEngagement,
    DiagnosisIndicator,
    EngagementStatus,
    Industry,
    Organisation,
    Region,
    SmeLevelEvaluation,
    SmeLevelKind,
    User,
)

S = EngagementStatus
# Still to report: an agreement's term that has passed in these states is overdue.
BEFORE_REPORT = (S.ENROLLED, S.AGREED, S.ON_SITE, S.REVISING)
OVERDUE_SHOWN = 50


@dataclass
class ProviderRow:
    name: str
    counts: dict[EngagementStatus, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class IndicatorAverages:
    """Averages of one group (a prefecture, an industry, or all) by indicator key."""

    code: str
    name: str
    enterprises: int
    verified: dict[str, float]


@dataclass
class Progress:
    programme: Programme
    by_status: dict[EngagementStatus, int]
    providers: list[ProviderRow]
    overdue: list[sa.Row]
    overdue_total: int
    grades: list[tuple[int, int, int]]  # grade level, self-evaluated, graded on site
    self_averages: dict[str, float]
    overall: IndicatorAverages | None
    by_region: list[IndicatorAverages]
    by_industry: list[IndicatorAverages]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def scope(user: User, programme: Programme) -> list[sa.ColumnElement[bool]]:
    """The engagements of ``programme`` the user's authority enrolled (None: every one, for
    the platform's administrators)."""
    conditions = [DiagnosisEngagement.programme_key == programme.id]
    if user.organisation is None or user.organisation.kind.value == "authority":
        conditions.append(DiagnosisEngagement.authority_id == user.organisation_id)
    return conditions


def of(user: User, programme: Programme, today: date) -> Progress:
    where = scope(user, programme)
    by_status = _pairs(
        sa.select(DiagnosisEngagement.status, sa.func.count())
        .where(*where)
        .group_by(DiagnosisEngagement.status)
    )
    providers: dict[int, ProviderRow] = {}
    for provider_id, name, status, n in db.session.execute(
        sa.select(Organisation.id, Organisation.name, DiagnosisEngagement.status, sa.func.count())
        .join(Organisation, Organisation.id == DiagnosisEngagement.provider_id)
        .where(*where)
        .group_by(Organisation.id, Organisation.name, DiagnosisEngagement.status)
        .order_by(Organisation.name)
    ):
        providers.setdefault(provider_id, ProviderRow(name)).counts[status] = n
    overdue_where = [
        *where,
        DiagnosisEngagement.status.in_(BEFORE_REPORT),
        DiagnosisEngagement.agreement_ends_on < today,
    ]
    overdue = db.session.execute(
        sa.select(
            DiagnosisEngagement.id,
            DiagnosisEngagement.status,
            DiagnosisEngagement.agreement_ends_on,
            Organisation.name.label("enterprise"),
        )
        .join(Organisation, Organisation.id == DiagnosisEngagement.enterprise_id)
        .where(*overdue_where)
        .order_by(DiagnosisEngagement.agreement_ends_on, DiagnosisEngagement.id)
        .limit(OVERDUE_SHOWN)
    ).all()
    overdue_total = db.session.scalar(
        sa.select(sa.func.count()).select_from(DiagnosisEngagement).where(*overdue_where)
    )
    grading = "sme_level_2024" in programme.grading
    cells = _cells(where) if indicators.GRADING in programme.grading else {}
    regions, industries = cells.get("region", {}), cells.get("industry", {})
    return Progress(
        programme=programme,
        by_status=by_status,
        providers=list(providers.values()),
        overdue=list(overdue),
        overdue_total=overdue_total or 0,
        grades=_grades(where) if grading else [],
        self_averages=_self_averages(regions),
        overall=_overall(regions),
        by_region=_averages(regions, "region"),
        by_industry=_averages(industries, "industry"),
    )


def _grades(where: list[sa.ColumnElement[bool]]) -> list[tuple[int, int, int]]:
    """How many enterprises hold each grade: in their latest self-evaluation, and in their
    engagement's latest on-site evaluation."""
    engaged = sa.select(DiagnosisEngagement.enterprise_id).where(
        *where, DiagnosisEngagement.status != S.WITHDRAWN
    )
    latest_self = (
        sa.select(
            SmeLevelEvaluation.organisation_id,
            sa.func.max(SmeLevelEvaluation.number).label("number"),
        )
        .where(
            SmeLevelEvaluation.kind == SmeLevelKind.SELF,
            SmeLevelEvaluation.organisation_id.in_(engaged),
        )
        .group_by(SmeLevelEvaluation.organisation_id)
        .subquery()
    )
    own = _pairs(
        sa.select(SmeLevelEvaluation.grade_level, sa.func.count())
        .join(
            latest_self,
            sa.and_(
                latest_self.c.organisation_id == SmeLevelEvaluation.organisation_id,
                latest_self.c.number == SmeLevelEvaluation.number,
            ),
        )
        .where(SmeLevelEvaluation.kind == SmeLevelKind.SELF)
        .group_by(SmeLevelEvaluation.grade_level)
    )
    latest_on_site = (
        sa.select(
            SmeLevelEvaluation.engagement_id,
            sa.func.max(SmeLevelEvaluation.number).label("number"),
        )
        .join(DiagnosisEngagement, DiagnosisEngagement.id == SmeLevelEvaluation.engagement_id)
        .where(*where, DiagnosisEngagement.status != S.WITHDRAWN)
        .group_by(SmeLevelEvaluation.engagement_id)
        .subquery()
    )
    on_site = _pairs(
        sa.select(SmeLevelEvaluation.grade_level, sa.func.count())
        .join(
            latest_on_site,
            sa.and_(
                latest_on_site.c.engagement_id == SmeLevelEvaluation.engagement_id,
                latest_on_site.c.number == SmeLevelEvaluation.number,
            ),
        )
        .group_by(SmeLevelEvaluation.grade_level)
    )
    return [(level, own.get(level, 0), on_site.get(level, 0)) for level in range(5)]


@dataclass
class _Sums:
    """Sums and counts of values of one indicator in one group, added up group by group."""

    verified: float = 0.0
    verified_n: int = 0
    reported: float = 0.0
    reported_n: int = 0

    def add(self, other: _Sums) -> None:
        self.verified += other.verified
        self.verified_n += other.verified_n
        self.reported += other.reported
        self.reported_n += other.reported_n


Groups = dict[str, dict[str, _Sums]]  # group code -> indicator key -> sums


def _cells(where: list[sa.ColumnElement[bool]]) -> dict[str, Groups]:
    """The indicators of the engagements under ``where`` summed per prefecture and key and per
    industry and key, in one statement over the rows read once (a common table expression);
    every average of the page is added up from these sums. An enterprise is in one
    engagement per programme, so a group's enterprises are its engagements."""
    base = (
        sa.select(
            sa.func.substr(Organisation.region_code, 1, 4).label("region"),
            Organisation.industry_code.label("industry"),
            DiagnosisIndicator.key,
            DiagnosisIndicator.verified_value,
            DiagnosisIndicator.self_value,
        )
        .select_from(DiagnosisIndicator)
        .join(DiagnosisEngagement, DiagnosisEngagement.id == DiagnosisIndicator.engagement_id)
        .join(Organisation, Organisation.id == DiagnosisEngagement.enterprise_id)
        .where(*where, DiagnosisEngagement.status != S.WITHDRAWN)
        .cte("indicator_values")
    )

    def summed(by: str) -> sa.Select:
        code = base.c[by]
        return sa.select(
            sa.literal(by).label("by"),
            code.label("code"),
            base.c.key,
            sa.func.sum(base.c.verified_value),
            sa.func.count(base.c.verified_value),
            sa.func.sum(base.c.self_value),
            sa.func.count(base.c.self_value),
        ).group_by(code, base.c.key)

    groups: dict[str, Groups] = {"region": defaultdict(dict), "industry": defaultdict(dict)}
    for by, code, key, verified, verified_n, reported, reported_n in db.session.execute(
        sa.union_all(summed("region"), summed("industry"))
    ):
        sums = _Sums(float(verified or 0), verified_n, float(reported or 0), reported_n)
        groups[by][code or ""][key] = sums
    return groups


def _all_together(groups: Groups) -> Groups:
    together: dict[str, _Sums] = defaultdict(_Sums)
    for by_key in groups.values():
        for key, sums in by_key.items():
            together[key].add(sums)
    return {"": together} if together else {}


def _self_averages(groups: Groups) -> dict[str, float]:
    overall = _all_together(groups).get("", {})
    return {k: s.reported / s.reported_n for k, s in overall.items() if s.reported_n}


def _averages(groups: Groups, by: str) -> list[IndicatorAverages]:
    """The verified values averaged per group; a group's enterprises are those with its most
    verified indicator."""
    verified = {
        code: {k: s for k, s in by_key.items() if s.verified_n} for code, by_key in groups.items()
    }
    verified = {code: by_key for code, by_key in verified.items() if by_key}
    names = _names(by, list(verified))
    return [
        IndicatorAverages(
            code,
            names.get(code, code),
            max(s.verified_n for s in verified[code].values()),
            {k: s.verified / s.verified_n for k, s in verified[code].items()},
        )
        for code in sorted(verified)
    ]


def _overall(groups: Groups) -> IndicatorAverages | None:
    averaged = _averages(_all_together(groups), "")
    return averaged[0] if averaged else None


def _names(by: str, codes: list[str]) -> dict[str, str]:
    if by == "region":  # prefectures by their first four digits
        query = sa.select(sa.func.substr(Region.code, 1, 4), Region.name).where(
            Region.code.in_([code + "00" for code in codes])
        )
    elif by == "industry":
        query = sa.select(Industry.code, Industry.name).where(Industry.code.in_(codes))
    else:
        return {}
    return _pairs(query)


def _pairs(query: sa.Select) -> dict[Any, Any]:
    """A two-column query's rows as a mapping of the first column to the second."""
    return {row[0]: row[1] for row in db.session.execute(query)}
