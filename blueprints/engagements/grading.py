"""The SME digital level graded on site (seed 004, tables 6-8): the evaluator's evaluation of
the enterprise, kept beside the enterprise's own latest self-evaluation with the differences
shown. A programme graded by the SME level asks for the on-site grading before the report."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from blueprints.diagnosis import services as evaluations
from blueprints.diagnosis import sme_level
from blueprints.engagements import record, team
from blueprints.engagements.changes import touch
from models import DiagnosisEngagement, SmeLevelEvaluation, SmeLevelKind, User

GRADING = evaluations.TABLE_KEY


def graded_by_sme_level(engagement: DiagnosisEngagement) -> bool:
    return GRADING in team.programme_of(engagement).grading


def on_site(engagement: DiagnosisEngagement) -> SmeLevelEvaluation | None:
    """The engagement's latest on-site evaluation."""
    return db.session.scalar(
        sa.select(SmeLevelEvaluation)
        .where(SmeLevelEvaluation.engagement_id == engagement.id)
        .order_by(SmeLevelEvaluation.number.desc())
        .limit(1)
    )


def latest_number(engagement: DiagnosisEngagement) -> int:
    latest = evaluations.latest_of(engagement.enterprise_id, SmeLevelKind.ON_SITE)
    return latest.number if latest else 0


def record_on_site(
    engagement: DiagnosisEngagement,
    actor: User,
    points: dict[str, float],
    levels: dict[str, int],
    after: int | None,
) -> SmeLevelEvaluation:
    record.editable(engagement, actor)
    evaluation = evaluations.record_evaluation(
        engagement.enterprise_id,
        actor,
        points,
        levels,
        kind=SmeLevelKind.ON_SITE,
        after=after,
        engagement_id=engagement.id,
    )
    touch(engagement)
    return evaluation


def problems(engagement: DiagnosisEngagement) -> list[str]:
    if graded_by_sme_level(engagement) and on_site(engagement) is None:
        return [_("Grade the enterprise's digital level on site (tables 6-8).")]
    return []


@dataclass(frozen=True)
class Line:
    title: str
    own: float | None  # the self-evaluation's points or level (None: no self-evaluation)
    on_site: float

    @property
    def differs(self) -> bool:
        return self.own is not None and abs(self.own - self.on_site) >= 0.005


@dataclass(frozen=True)
class Comparison:
    own: SmeLevelEvaluation | None
    on_site: SmeLevelEvaluation
    own_grading: sme_level.Grading | None
    on_site_grading: sme_level.Grading
    indicators: list[Line]
    scenarios: list[Line]


def comparison(engagement: DiagnosisEngagement, locale: str) -> Comparison | None:
    """The on-site evaluation beside the enterprise's latest self-evaluation, or None when
    nobody graded on site yet."""
    graded = on_site(engagement)
    if graded is None:
        return None
    own = evaluations.latest_of(engagement.enterprise_id)
    table = sme_level.table(graded.table_key)
    comparable = own is not None and own.table_key == graded.table_key
    own_points = own.points if own is not None and comparable else {}
    own_levels = own.levels if own is not None and comparable else {}
    return Comparison(
        own=own if comparable else None,
        on_site=graded,
        own_grading=evaluations.grading_of(own) if own is not None and comparable else None,
        on_site_grading=evaluations.grading_of(graded),
        indicators=[
            Line(i.title.get(locale), own_points.get(i.key), graded.points[i.key])
            for i in table.indicators
        ],
        scenarios=[
            Line(s.title.get(locale), own_levels.get(s.key), graded.levels[s.key])
            for s in table.scenarios
        ],
    )
