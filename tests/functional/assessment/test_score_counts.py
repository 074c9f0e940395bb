"""The score counts behind the comparisons follow every change of an assessment, in the same
transaction: after any sequence of changes they equal a count made afresh from the scores."""

import random

import sqlalchemy as sa

from app.clock import local_today
from app.extensions import db
from blueprints.assessment import score_counts
from blueprints.assessment.services import perform
from models import TOTAL_KEY, AssessmentScore, AssessmentScoreCount, AssessmentStatus, OrgKind
from tests import factories

S = AssessmentStatus


def counts() -> dict[tuple, int]:
    db.session.flush()
    rows = db.session.execute(
        sa.select(
            AssessmentScoreCount.year,
            AssessmentScoreCount.scope,
            AssessmentScoreCount.code,
            AssessmentScoreCount.dimension,
            AssessmentScoreCount.score,
            AssessmentScoreCount.n,
        )
    )
    return {tuple(row[:5]): row.n for row in rows if row.n}


def afresh() -> dict[tuple, int]:
    score_counts.rebuild(db.session)
    return counts()


def test_the_counts_follow_every_kind_of_change(app_ctx):
    rng = random.Random(23001)
    year = local_today().year
    kept = []
    for _ in range(30):
        org = factories.organisation(
            region=rng.choice(["310115", "310104", "440106"]),
            industry_code=rng.choice(["34", "36"]),
        )
        value = round(rng.uniform(40, 90), 1)
        kept.append(
            factories.assessment(
                org,
                year=rng.choice([year, year - 1]),
                status=rng.choice([S.AWAITING_DISTRICT, S.APPROVED, S.DRAFT, S.RETURNED]),
                scores={"infrastructure": value, TOTAL_KEY: round(value - 3, 1)},
            )
        )
    # Not an enterprise: never counted, whatever its state.
    factories.assessment(
        factories.organisation(OrgKind.CONSULTANCY), status=S.APPROVED, scores={TOTAL_KEY: 50.0}
    )
    incremental = counts()
    assert incremental and incremental == afresh()

    # Changes of every kind, each through the ORM as the application makes them.
    kept[0].status = S.RETURNED
    kept[1].status = S.APPROVED
    kept[2].scores[0].score = 12.3
    kept[3].scores.append(AssessmentScore(dimension="governance", score=77.7))
    db.session.delete(kept[4].scores[0])
    db.session.delete(kept[5])
    kept[6].year = year - 2
    kept[7].region_code = "440106"
    kept[8].status, kept[8].scores[0].score = S.APPROVED, 99.9
    incremental = counts()
    assert incremental == afresh()


def test_a_workflow_return_and_resubmission_moves_the_counts(app_ctx):
    org = factories.organisation(region="310115")
    assessment = factories.assessment(org, status=S.AWAITING_CITY, scores={TOTAL_KEY: 61.5})
    key = (assessment.year, "all", "", TOTAL_KEY, 61.5)
    assert counts().get(key) == 1
    city = factories.organisation(OrgKind.AUTHORITY, region="310000")
    assessment.reviewer = city
    perform(assessment, "return", factories.user(city), comment="请补充证据")
    assert counts().get(key) is None
    assert counts() == afresh()


def test_a_rolled_back_change_leaves_the_counts_untouched(app_ctx):
    org = factories.organisation()
    factories.assessment(org, status=S.APPROVED, scores={TOTAL_KEY: 70.0})
    db.session.commit()
    before = counts()
    with db.session.begin_nested() as savepoint:
        factories.assessment(status=S.APPROVED, scores={TOTAL_KEY: 71.0})
        savepoint.rollback()
    assert counts() == before
