"""The score counts behind the reports' comparisons, kept in step with the assessments.

A self-assessment counts for comparisons while it is submitted and not sent back
(SUBMITTED_STATES) and its organisation is an enterprise. Each of its score rows then adds
one to the count of its score in its year and dimension: nationwide, in its industry, and in
its province and its prefecture (both prefixes are kept, so the report can compare within
whichever the region rule picks, see report.comparison_region_prefix).

Every flush that adds, changes or removes an assessment or a score row applies the difference
between what those assessments contributed before and what they contribute now, in the same
transaction: an atomic ``n = n + delta`` upsert, so concurrent submissions add up and a
rolled-back request leaves no trace. Rows written around the ORM (bulk loaders, a repair)
are followed by ``rebuild()``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import (
    SUBMITTED_STATES,
    Assessment,
    AssessmentScore,
    AssessmentScoreCount,
    Organisation,
    OrgKind,
)

Key = tuple[int, str, str, str, float]  # year, scope, code, dimension, score


def scopes(industry_code: str | None, region_code: str | None) -> list[tuple[str, str]]:
    """The (scope, code) pairs an assessment of this industry and region counts in."""
    found = [("all", "")]
    if industry_code:
        found.append(("industry", industry_code))
    if region_code and len(region_code) == 6 and region_code.isdigit():
        found += [("region", region_code[:2]), ("region", region_code[:4])]
    return found


def _old(state: Any, attribute: str) -> Any:
    """The value ``attribute`` had before the pending change (the current one if unchanged)."""
    history = state.attrs[attribute].history
    if history.deleted:
        return history.deleted[0]
    return getattr(state.object, attribute)


def _counts(assessment: Assessment, status: Any) -> bool:
    if status not in SUBMITTED_STATES:
        return False
    organisation = assessment.organisation
    return organisation is not None and organisation.kind == OrgKind.ENTERPRISE


def _contribution(session: Session, assessment: Assessment) -> tuple[Counter, Counter]:
    """What ``assessment`` counted before the pending changes, and what it counts after."""
    state = sa.inspect(assessment)
    before: Counter[Key] = Counter()
    after: Counter[Key] = Counter()
    if state.persistent:
        old = [_old(state, a) for a in ("status", "year", "industry_code", "region_code")]
        if _counts(assessment, old[0]):
            assessment.scores  # noqa: B018 - loaded, so that its history lists every row
            history = state.attrs.scores.history
            for row in [*history.unchanged, *history.deleted]:
                if row in session.new:
                    continue
                score = _old(sa.inspect(row), "score")
                for scope, code in scopes(old[2], old[3]):
                    before[(old[1], scope, code, _old(sa.inspect(row), "dimension"), score)] += 1
    if assessment not in session.deleted:
        now = (
            assessment.status,
            assessment.year,
            assessment.industry_code,
            assessment.region_code,
        )
        if _counts(assessment, now[0]):
            for row in assessment.scores:
                if row in session.deleted or row.score is None:
                    continue
                for scope, code in scopes(now[2], now[3]):
                    after[(now[1], scope, code, row.dimension, row.score)] += 1
    return before, after


# What decides an assessment's contribution, beside its score rows.
COUNTED_BY = ("status", "year", "industry_code", "region_code", "scores")


def _touched(session: Session) -> Iterable[Assessment]:
    """The assessments whose contribution may change in this flush: new or deleted ones, those
    with a score row changed, and those with a changed attribute of COUNTED_BY (a reviewer
    assigned, a comment saved: nothing to count, nothing loaded)."""
    seen: dict[int, Assessment] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, AssessmentScore):
            obj = obj.assessment
        elif isinstance(obj, Assessment) and obj in session.dirty:
            attrs = sa.inspect(obj).attrs
            if not any(attrs[name].history.has_changes() for name in COUNTED_BY):
                continue
        if isinstance(obj, Assessment):
            seen[id(obj)] = obj
    return seen.values()


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    delta: Counter[Key] = Counter()
    for assessment in _touched(session):
        before, after = _contribution(session, assessment)
        delta.update(after)
        delta.subtract(before)
    changes = [
        {"year": k[0], "scope": k[1], "code": k[2], "dimension": k[3], "score": k[4], "n": n}
        for k, n in sorted(delta.items())
        if n
    ]
    if changes:
        session.connection().execute(_add(session.get_bind().dialect.name), changes)


def _add(dialect: str) -> Any:
    """INSERT … ON CONFLICT: add ``n`` to the row's count, creating the row when new."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(AssessmentScoreCount)
    return statement.on_conflict_do_update(
        index_elements=["year", "scope", "code", "dimension", "score"],
        set_={"n": AssessmentScoreCount.n + statement.excluded.n},
    )


def listen() -> None:
    """Keep the counts in step with every session's flushes (once per process)."""
    if not sa.event.contains(Session, "before_flush", _before_flush):
        sa.event.listen(Session, "before_flush", _before_flush)


def rebuild(session: Session | sa.orm.scoped_session) -> int:
    """Count everything again from the score rows; returns the number of count rows."""
    session.execute(sa.delete(AssessmentScoreCount))
    counted = (
        sa.select(
            Assessment.year,
            Assessment.industry_code,
            Assessment.region_code,
            AssessmentScore.dimension,
            AssessmentScore.score,
        )
        .join(AssessmentScore, AssessmentScore.assessment_id == Assessment.id)
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(
            Assessment.status.in_(SUBMITTED_STATES),
            Organisation.kind == OrgKind.ENTERPRISE,
            AssessmentScore.score.is_not(None),
        )
        .subquery()
    )
    region = sa.func.length(counted.c.region_code) == 6
    groupings: list[tuple[str, Any, Any]] = [
        ("all", None, sa.true()),
        ("industry", counted.c.industry_code, counted.c.industry_code.is_not(None)),
        ("region", sa.func.substr(counted.c.region_code, 1, 2), region),
        ("region", sa.func.substr(counted.c.region_code, 1, 4), region),
    ]
    for scope, code, condition in groupings:
        keys = [counted.c.year, counted.c.dimension, counted.c.score]
        if code is not None:
            keys.append(code)
        session.execute(
            sa.insert(AssessmentScoreCount).from_select(
                ["year", "dimension", "score", "scope", "code", "n"],
                sa.select(
                    *keys[:3],
                    sa.literal(scope, sa.String),
                    code if code is not None else sa.literal("", sa.String),
                    sa.func.count(),
                )
                .where(condition)
                .group_by(*keys),
            )
        )
    return session.scalar(sa.select(sa.func.count()).select_from(AssessmentScoreCount)) or 0
