"""The certification gate, and comparisons computed in SQL against a Python reference."""

import random

import pytest

from app.clock import local_today
from app.errors import WorkflowError
from app.extensions import db
from blueprints.assessment.report import comparison_region_prefix, comparisons
from blueprints.assessment.services import has_valid_assessment, start
from models import TOTAL_KEY, AssessmentStatus, OrgKind, Role
from tests import factories
from tests.conftest import Browser

S = AssessmentStatus


@pytest.mark.parametrize(
    ("years_ago", "status", "expected"),
    [
        (0, S.DRAFT, False),
        (0, S.RETURNED, False),
        (0, S.AWAITING_DISTRICT, True),
        (0, S.AWAITING_CITY, True),
        (0, S.APPROVED, True),
        (1, S.APPROVED, True),
        (2, S.APPROVED, False),
    ],
)
def test_gate(app_ctx, years_ago, status, expected):
    org = factories.organisation()
    factories.assessment(org, year=local_today().year - years_ago, status=status)
    assert has_valid_assessment(org.id) is expected


def test_gate_without_any_assessment(app_ctx):
    assert has_valid_assessment(factories.organisation().id) is False


def mid_rank(population: list[float], mine: float) -> float:
    below = sum(1 for v in population if v < mine)
    equal = sum(1 for v in population if v == mine)
    return round(100 * (below + 0.5 * equal) / len(population), 1)


def test_percentiles_and_averages_on_a_generated_population(app_ctx):
    rng = random.Random(2026)
    year = local_today().year
    # Pudong (310115) and Xuhui (310104) share the Shanghai comparison region; Guangzhou doesn't.
    regions = ["310115", "310104", "440106"]
    industries = ["34", "36", "26"]
    population = []
    for _ in range(60):
        region, industry = rng.choice(regions), rng.choice(industries)
        value = round(rng.uniform(0, 100), 1)
        org = factories.organisation(region=region, industry_code=industry)
        factories.assessment(org, year=year, scores={"infrastructure": value, TOTAL_KEY: value})
        population.append((region, industry, value))
    # Noise that must not count: a draft, a returned one, and another year.
    for status, other_year in ((S.DRAFT, year), (S.RETURNED, year), (S.APPROVED, year - 1)):
        factories.assessment(year=other_year, status=status, scores={"infrastructure": 0.0})

    me_org = factories.organisation(region="310115", industry_code="34")
    me = factories.assessment(me_org, year=year, scores={"infrastructure": 50.0, TOTAL_KEY: 50.0})
    population.append(("310115", "34", 50.0))

    result = comparisons(me)["infrastructure"]
    every = [v for _, _, v in population]
    same_industry = [v for _, i, v in population if i == "34"]
    same_region = [v for r, _, v in population if r.startswith("31")]
    for group, values in (("all", every), ("industry", same_industry), ("region", same_region)):
        assert result[group].count == len(values), group
        assert result[group].average == round(sum(values) / len(values), 1), group
        assert result[group].percentile == mid_rank(values, 50.0), group


def test_ties_count_half(app_ctx):
    year = local_today().year
    for _ in range(3):
        factories.assessment(year=year, scores={"infrastructure": 70.0})
    me = factories.assessment(year=year, scores={"infrastructure": 70.0})
    assert comparisons(me)["infrastructure"]["all"].percentile == 50.0


def test_comparison_region_is_the_city(app_ctx):
    assert comparison_region_prefix("310115") == "31"  # a municipality's district
    assert comparison_region_prefix("440106") == "4401"  # Guangzhou's district
    assert comparison_region_prefix(None) is None


def test_only_enterprises_are_in_the_comparison_pool(app_ctx):
    mine = factories.assessment(scores={TOTAL_KEY: 50.0}, status=AssessmentStatus.APPROVED)
    factories.assessment(scores={TOTAL_KEY: 40.0}, status=AssessmentStatus.APPROVED)
    # Whatever another kind of organisation may have filled in (before only enterprises could).
    for kind in (OrgKind.ALLIANCE, OrgKind.AUTHORITY, OrgKind.EVALUATION_BODY):
        other = factories.organisation(kind, region="310000")
        factories.assessment(other, scores={TOTAL_KEY: 99.0}, status=AssessmentStatus.APPROVED)
    total = comparisons(mine)[TOTAL_KEY]["all"]
    assert total.count == 2
    assert total.average == 45.0


def test_staff_and_administrators_cannot_assess_themselves(app, app_ctx):
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    admin = factories.user(alliance, role=Role.ADMIN)
    staff = factories.user(alliance, role=Role.ALLIANCE_STAFF)
    with pytest.raises(WorkflowError):
        start(alliance, staff)
    db.session.commit()
    browser = Browser(app.test_client())
    browser.login(admin.email, factories.PASSWORD)
    refused = browser.submit("/dashboard", {}, action="/assessments/start")
    assert refused.status_code == 403
