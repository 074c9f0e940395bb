"""The SME digital level's grade (seed 004, table 6): the highest grade whose two conditions
both hold — the points, and enough scenarios (enough of them constrained) at the grade's
level — checked at every boundary."""

import pytest

from blueprints.diagnosis import sme_level
from blueprints.diagnosis.sme_level import EvaluationError, TableError, grade
from tests.unit.diagnosis import broken_copy

TABLE = sme_level.table()
INDICATORS = [i.key for i in TABLE.indicators]
CONSTRAINED = [s.key for s in TABLE.scenarios if s.constrained]
GUIDING = [s.key for s in TABLE.scenarios if not s.constrained]


def points(total: float) -> dict[str, float]:
    """``total`` spread over the nine indicators."""
    share = round(total / len(INDICATORS), 4)
    spread = dict.fromkeys(INDICATORS, share)
    spread[INDICATORS[0]] = round(total - share * (len(INDICATORS) - 1), 4)
    return spread


def levels(level: int, constrained: int, guiding: int) -> dict[str, int]:
    """``constrained`` constrained and ``guiding`` guiding scenarios at ``level``, the rest
    not reached."""
    chosen = {*CONSTRAINED[:constrained], *GUIDING[:guiding]}
    return {s.key: level if s.key in chosen else 0 for s in TABLE.scenarios}


def test_the_table_is_the_seeds():
    assert len(TABLE.scenarios) == 16 and len(CONSTRAINED) == 10
    assert set(CONSTRAINED) == {
        "product_design", "marketing", "production_control", "quality_management",
        "equipment_management", "safety", "energy", "purchasing", "warehousing", "finance",
    }  # fmt: skip
    assert [d.key for d in TABLE.dimensions] == ["foundation", "management", "results"]
    assert len(TABLE.indicators) == 9 and TABLE.total_points == 100
    assert [(g.level, g.min_points) for g in TABLE.grades] == [(1, 20), (2, 40), (3, 60), (4, 80)]


# (points, scenario level, constrained at it, guiding at it, grade expected: 0 for 无等级)
CASES = [
    # Grade 1: >= 20 points and >= 6 scenarios at level >= 1, >= 3 of them constrained.
    (20, 1, 3, 3, 1),
    (19.99, 1, 3, 3, 0),  # one point short
    (20, 1, 2, 4, 0),  # six scenarios, but only two constrained
    (20, 1, 3, 2, 0),  # three constrained, but five scenarios
    (100, 1, 3, 3, 1),  # every point, scenarios only at level 1
    # Grade 2: >= 40 and >= 6 at level >= 2 (>= 3 constrained).
    (40, 2, 3, 3, 2),
    (39.9, 2, 3, 3, 1),
    (40, 2, 2, 4, 0),  # two constrained: not even grade 1's three
    (40, 1, 6, 6, 1),  # many scenarios, but at level 1
    # Grade 3: >= 60 and >= 8 at level >= 3 (>= 5 constrained).
    (60, 3, 5, 3, 3),
    (59.5, 3, 5, 3, 2),
    (60, 3, 4, 4, 2),  # eight scenarios, four constrained
    (60, 3, 5, 2, 2),  # seven scenarios
    # Grade 4: >= 80 and >= 10 at level 4 (>= 6 constrained).
    (80, 4, 6, 4, 4),
    (79.99, 4, 6, 4, 3),
    (80, 4, 5, 5, 3),  # ten scenarios, five constrained
    (80, 4, 6, 3, 3),  # nine scenarios
    (100, 4, 10, 6, 4),
    (0, 0, 0, 0, 0),
    (10, 4, 10, 6, 0),  # every scenario at level 4, too few points
]


@pytest.mark.parametrize(("total", "level", "constrained", "guiding", "expected"), CASES)
def test_the_grade_at_its_boundaries(total, level, constrained, guiding, expected):
    grading = grade(TABLE, points(total), levels(level, constrained, guiding))
    assert (grading.grade.level if grading.grade else 0) == expected
    assert grading.points == pytest.approx(total)


def test_the_grading_says_what_the_next_grade_lacks():
    # Points for grade 2; eight scenarios at level 2, but only two of them constrained.
    mixed = {**levels(2, 2, 6), CONSTRAINED[2]: 1}
    grading = grade(TABLE, points(45), mixed)
    assert grading.grade.level == 1
    lacking = grading.next_check
    assert lacking.grade.level == 2
    assert lacking.points_hold and not lacking.scenarios_hold
    assert (lacking.scenarios, lacking.constrained) == (8, 2)
    top = grade(TABLE, points(100), levels(4, 10, 6))
    assert top.grade.level == 4 and top.next_check is None


@pytest.mark.parametrize(
    ("given_points", "given_levels"),
    [
        ({**points(50), "unknown": 1}, levels(1, 3, 3)),  # an indicator the table lacks
        ({k: v for k, v in points(50).items() if k != INDICATORS[1]}, levels(1, 3, 3)),
        (points(50), {**levels(1, 3, 3), CONSTRAINED[0]: 5}),  # no level 5
        (points(50), {**levels(1, 3, 3), CONSTRAINED[0]: -1}),
        ({**points(50), INDICATORS[0]: -5}, levels(1, 3, 3)),
        (dict.fromkeys(INDICATORS, 20), levels(1, 3, 3)),  # 180 of 100 points
    ],
)
def test_what_is_no_evaluation_is_refused(given_points, given_levels):
    with pytest.raises(EvaluationError):
        grade(TABLE, given_points, given_levels)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["grades"][1].update(min_points=10), "grades[1].min_points"),
        (lambda d: d["grades"][3]["scenarios"].update(constrained_at_least=11), "grades[3]"),
        (lambda d: d["grades"][2]["scenarios"].update(at_least=17), "grades[2].scenarios"),
        (lambda d: d["grades"][0].update(level=2), "grades[0].level"),
        (lambda d: d["grades"][0]["scenarios"].update(at_level=5), "grades[0].scenarios"),
        (lambda d: d["scenario_groups"][1]["scenarios"][0].update(key="product_design"),
         "scenario_groups.scenarios"),
        (lambda d: d["dimensions"][0]["indicators"][0].update(weight=3), "dimensions[0]"),
        (lambda d: d.update(id="sme_level_2025"), "id"),
    ],
)  # fmt: skip
def test_a_broken_table_is_refused_naming_the_file_and_the_field(tmp_path, change, where):
    with pytest.raises(TableError) as refused:
        sme_level.load_table(
            broken_copy(sme_level.TABLE_DIR / "sme_level_2024.yaml", tmp_path, change)
        )
    assert refused.value.source == "sme_level_2024.yaml"
    assert any(path.startswith(where) for path, _message in refused.value.problems), str(
        refused.value
    )
