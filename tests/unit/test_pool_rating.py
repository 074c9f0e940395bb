"""The provider rating's formula (blueprints/pool/ratings.py): a Bayesian mean of the surveys
and the acceptances, an acceptance weighing twice, pulled towards 3 by two prior ratings."""

from __future__ import annotations

from decimal import Decimal

from blueprints.pool.ratings import Acceptance, rating, survey_score

A = Acceptance


def test_nothing_to_rate_gives_no_rating():
    assert rating([], []) is None


def test_surveys_alone():
    # (2×3 + 5 + 4) / (2 + 2) = 3.75
    assert rating([Decimal(5), Decimal(4)], []) == Decimal("3.75")
    # One enthusiastic survey does not make a five-star provider: (6 + 5) / 3.
    assert rating([Decimal(5)], []) == Decimal("3.67")


def test_acceptances_alone_map_pass_corrections_and_fail():
    assert rating([], [A.PASS]) == Decimal("4.00")  # (6 + 2×5) / 4
    assert rating([], [A.PASS_WITH_CORRECTIONS]) == Decimal("3.00")
    assert rating([], [A.FAIL]) == Decimal("2.00")  # (6 + 2×1) / 4


def test_both_inputs_together():
    surveys = [survey_score([5, 4, 4, 5]), survey_score([3, 3, 4, 4])]  # 4.5, 3.5
    # (6 + 4.5 + 3.5 + 2×5 + 2×1) / (2 + 2 + 2×2) = 26 / 8
    assert rating(surveys, [A.PASS, A.FAIL]) == Decimal("3.25")


def test_many_good_ratings_approach_their_mean():
    assert rating([Decimal(5)] * 98, []) == Decimal("4.96")  # (6 + 490) / 100
