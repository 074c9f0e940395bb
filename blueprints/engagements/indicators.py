"""The 24 key indicators verified on site (seed 002, 4.4.4): beside each, what the enterprise's
latest submitted self-assessment reported, kept with the verified value and a note when the
work group saves them. A programme that grades by the 24 indicators asks for every verified
value before the report goes in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from blueprints.assessment.questionnaire import Indicator, load_all
from blueprints.assessment.questionnaire_frame import INDICATOR_DIRECTIONS
from blueprints.engagements import record, team
from blueprints.engagements.changes import touch
from models import (
    SUBMITTED_STATES,
    Assessment,
    AssessmentIndicator,
    DiagnosisEngagement,
    DiagnosisIndicator,
    User,
)

GRADING = "indicators_24"


def graded_by_indicators(engagement: DiagnosisEngagement) -> bool:
    return GRADING in team.programme_of(engagement).grading


def definitions() -> list[Indicator]:
    """The 24 indicators in seed 002's order, titled as the questionnaires title them (every
    questionnaire carries the same keys: questionnaire_frame)."""
    first = next(iter(load_all().values()))
    by_key = {i.key: i for i in first.indicators}
    return [by_key[key] for key in INDICATOR_DIRECTIONS if key in by_key]


def self_reported(enterprise_id: int) -> dict[str, float]:
    """The indicators of the enterprise's latest submitted self-assessment (none: {})."""
    latest = (
        sa.select(Assessment.id)
        .where(Assessment.organisation_id == enterprise_id, Assessment.status.in_(SUBMITTED_STATES))
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(AssessmentIndicator.key, AssessmentIndicator.value).where(
            AssessmentIndicator.assessment_id == latest
        )
    )
    return {row.key: row.value for row in rows}


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    self_value: float | None
    verified_value: float | None
    note: str

    @property
    def differs(self) -> bool:
        return (
            self.self_value is not None
            and self.verified_value is not None
            and abs(self.self_value - self.verified_value) >= 0.05
        )


def rows(engagement: DiagnosisEngagement) -> list[Row]:
    """Each indicator with the values kept; before the first save, the self-assessment's."""
    kept = {i.key: i for i in engagement.indicators}
    current = self_reported(engagement.enterprise_id) if not kept else {}
    result = []
    for indicator in definitions():
        row = kept.get(indicator.key)
        result.append(
            Row(
                indicator,
                row.self_value if row else current.get(indicator.key),
                row.verified_value if row else None,
                row.note if row else "",
            )
        )
    return result


def save(
    engagement: DiagnosisEngagement,
    actor: User,
    values: Mapping[str, tuple[float | None, str]],
) -> None:
    """``values``: key -> (verified percent or None, note), as the form bounds them."""
    record.editable(engagement, actor)
    kept = {i.key: i for i in engagement.indicators}
    reported = self_reported(engagement.enterprise_id) if not kept else {}
    for indicator in definitions():
        verified, note = values.get(indicator.key, (None, ""))
        row = kept.get(indicator.key)
        if row is None:
            row = DiagnosisIndicator(key=indicator.key, self_value=reported.get(indicator.key))
            engagement.indicators.append(row)
        row.verified_value = verified
        row.note = note
    touch(engagement)


def problems(engagement: DiagnosisEngagement) -> list[str]:
    if not graded_by_indicators(engagement):
        return []
    verified = sum(i.verified_value is not None for i in engagement.indicators)
    total = len(definitions())
    if verified < total:
        return [_("Key indicators verified on site: %(n)d of %(total)d.", n=verified, total=total)]
    return []
