"""SME digital level evaluations: an enterprise records one (its grade computed from the
table, under its pledge), reads its own, and each is explained grade by grade."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from app.clock import utcnow
from app.errors import WorkflowError
from app.extensions import db
from blueprints.diagnosis import sme_level
from models import SmeLevelEvaluation, SmeLevelKind, User

TABLE_KEY = "sme_level_2024"  # the edition an evaluation made today answers


def record_self_evaluation(
    user: User, points: dict[str, float], levels: dict[str, int], *, after: int | None = None
) -> SmeLevelEvaluation:
    """The enterprise's evaluation under its pledge."""
    return record_evaluation(
        user.organisation_id, user, points, levels, kind=SmeLevelKind.SELF, after=after
    )


def record_evaluation(
    organisation_id: int,
    user: User,
    points: dict[str, float],
    levels: dict[str, int],
    *,
    kind: SmeLevelKind,
    after: int | None = None,
    engagement_id: int | None = None,
) -> SmeLevelEvaluation:
    """An evaluation of the enterprise ``organisation_id``: its own (under its pledge) or an
    evaluator's on site (signed by them). ``points`` and ``levels`` come from the form, which
    bounds each value (the grade refuses anything else). ``after``: the number of the latest
    evaluation of the kind the form was made after (0: none); if another was recorded since,
    the form is refused (409) rather than recording the same evaluation twice."""
    latest = latest_of(organisation_id, kind)
    latest_number = latest.number if latest else 0
    if after is not None and after != latest_number:
        raise WorkflowError(
            _("Another evaluation was recorded meanwhile. Reload the page to see it.")
        )
    table = sme_level.table(TABLE_KEY)
    points = {key: round(value, 2) for key, value in points.items()}
    grading = sme_level.grade(table, points, levels)
    evaluation = SmeLevelEvaluation(
        organisation_id=organisation_id,
        number=latest_number + 1,
        engagement_id=engagement_id,
        table_key=TABLE_KEY,
        kind=kind,
        points=points,
        levels=levels,
        total_points=grading.points,
        grade_level=grading.grade.level if grading.grade else 0,
        pledged_at=utcnow(),  # the pledge, or the evaluator's signature
        created_by_id=user.id,
    )
    db.session.add(evaluation)
    db.session.flush()
    return evaluation


def own_evaluations(
    organisation_id: int | None, kind: SmeLevelKind = SmeLevelKind.SELF
) -> sa.Select:
    """The enterprise's evaluations of ``kind``, newest first."""
    return (
        sa.select(SmeLevelEvaluation)
        .where(
            SmeLevelEvaluation.organisation_id == organisation_id,
            SmeLevelEvaluation.kind == kind,
        )
        .options(sa.orm.joinedload(SmeLevelEvaluation.created_by))
        .order_by(SmeLevelEvaluation.number.desc())
    )


def latest_of(
    organisation_id: int | None, kind: SmeLevelKind = SmeLevelKind.SELF
) -> SmeLevelEvaluation | None:
    return db.session.scalars(own_evaluations(organisation_id, kind).limit(1)).first()


def own_evaluation_or_404(user: User, evaluation_id: int) -> SmeLevelEvaluation:
    """One of the user's organisation's evaluations; any other id is not found."""
    evaluation = db.session.scalar(
        own_evaluations(user.organisation_id).where(SmeLevelEvaluation.id == evaluation_id)
    )
    if evaluation is None:
        abort(404)
    return evaluation


def grading_of(evaluation: SmeLevelEvaluation) -> sme_level.Grading:
    """The evaluation explained grade by grade, from its own table's edition."""
    return sme_level.grade(
        sme_level.table(evaluation.table_key), evaluation.points, evaluation.levels
    )
