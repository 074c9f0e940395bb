"""The SME digital level evaluation (《中小企业数字化水平评测指标（2024年版）》, seed 004 tables
6-8): its table as a data file (``data/sme_level_2024.yaml``) and the grade it gives.

An enterprise's evaluation is the points of each second-level indicator of table 7 (their sum
is the total out of 100) and the level (1-4, 0 for not reached) of each of the 16 business
scenarios of table 8. The grade of table 6 is the highest whose two conditions both hold: the
total reaches the grade's points, and enough scenarios — enough of them constrained — reach the
grade's scenario level. The grading says, for every grade, which condition held, so a report
can say why an enterprise stops where it does.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from app import data_files
from app.data_files import DataFileError, Frozen, Key, Text

TABLE_DIR = Path(__file__).resolve().parent / "data"

Level = Annotated[int, Field(ge=1, le=4)]
Points = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=100)]


class TableError(DataFileError):
    """A malformed evaluation table."""


class Indicator(Frozen):
    key: Key
    title: Text


class Dimension(Frozen):
    key: Key
    title: Text
    indicators: tuple[Indicator, ...] = Field(min_length=1)


class ScenarioLevel(Frozen):
    level: Level
    description: Text


class Scenario(Frozen):
    key: Key
    title: Text
    constrained: bool


class ScenarioGroup(Frozen):
    key: Key
    title: Text
    scenarios: tuple[Scenario, ...] = Field(min_length=1)


class ScenarioRule(Frozen):
    at_level: Level
    at_least: Count
    constrained_at_least: Count


class Grade(Frozen):
    level: Level
    title: Text
    min_points: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    scenarios: ScenarioRule


class EvaluationTable(Frozen):
    id: Key
    title: Text
    total_points: Points
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    scenario_levels: tuple[ScenarioLevel, ...] = Field(min_length=1)
    scenario_groups: tuple[ScenarioGroup, ...] = Field(min_length=1)
    grades: tuple[Grade, ...] = Field(min_length=1)
    no_grade: Text

    @model_validator(mode="after")
    def _consistent(self) -> EvaluationTable:
        problems = _problems(self)
        if problems:
            raise TableError(problems)
        return self

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.dimensions for i in d.indicators)

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        return tuple(s for g in self.scenario_groups for s in g.scenarios)


def _duplicates(keys: list[str]) -> set[str]:
    return {k for k in keys if keys.count(k) > 1}


def _problems(table: EvaluationTable) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for where, keys in (
        ("dimensions", [d.key for d in table.dimensions]),
        ("dimensions.indicators", [i.key for i in table.indicators]),
        ("scenario_groups", [g.key for g in table.scenario_groups]),
        ("scenario_groups.scenarios", [s.key for s in table.scenarios]),
    ):
        for key in sorted(_duplicates(keys)):
            problems.append((where, f"the key '{key}' is used twice"))
    levels = [level.level for level in table.scenario_levels]
    if levels != list(range(1, len(levels) + 1)):
        problems.append(("scenario_levels", f"levels must be 1, 2, 3 … in order, not {levels}"))
    scenarios = len(table.scenarios)
    constrained = sum(s.constrained for s in table.scenarios)
    previous: Grade | None = None
    for index, grade in enumerate(table.grades):
        where = f"grades[{index}]"
        rule = grade.scenarios
        if grade.level != index + 1:
            problems.append((f"{where}.level", f"must be {index + 1} (grades in order)"))
        if grade.min_points > table.total_points:
            problems.append((f"{where}.min_points", "is above the table's total"))
        if previous is not None and grade.min_points <= previous.min_points:
            problems.append((f"{where}.min_points", "must be above the grade before"))
        if rule.at_level not in levels:
            problems.append((f"{where}.scenarios.at_level", "names no scenario level"))
        if rule.at_least > scenarios:
            problems.append((f"{where}.scenarios.at_least", f"above the {scenarios} scenarios"))
        if rule.constrained_at_least > min(constrained, rule.at_least):
            problems.append(
                (
                    f"{where}.scenarios.constrained_at_least",
                    f"above the {constrained} constrained scenarios or the grade's count",
                )
            )
        previous = grade
    return problems


def load_table(path: Path) -> EvaluationTable:
    return data_files.load(EvaluationTable, path, TableError)


@functools.cache
def table(key: str = "sme_level_2024") -> EvaluationTable:
    """The evaluation table ``key`` (a file of ``data/``), loaded once per process."""
    return load_table(TABLE_DIR / f"{key}.yaml")


class EvaluationError(ValueError):
    """Points or levels that are not an evaluation of the table (a programming error, or a form
    that let them through: the forms bound each value)."""


@dataclass(frozen=True)
class GradeCheck:
    """One grade of table 6 against an evaluation: what it asks and what the enterprise has."""

    grade: Grade
    points: float
    scenarios: int  # scenarios at the grade's level or above
    constrained: int  # of them, constrained

    @property
    def points_hold(self) -> bool:
        return self.points >= self.grade.min_points

    @property
    def scenarios_hold(self) -> bool:
        rule = self.grade.scenarios
        return self.scenarios >= rule.at_least and self.constrained >= rule.constrained_at_least

    @property
    def reached(self) -> bool:
        return self.points_hold and self.scenarios_hold


@dataclass(frozen=True)
class Grading:
    points: float
    grade: Grade | None  # None: 无等级
    checks: tuple[GradeCheck, ...]  # every grade of the table, lowest first

    @property
    def next_check(self) -> GradeCheck | None:
        """The first grade above the one reached: what the enterprise lacks for it."""
        level = self.grade.level if self.grade else 0
        return next((c for c in self.checks if c.grade.level == level + 1), None)


def grade(
    evaluation_table: EvaluationTable,
    points: Mapping[str, float],
    levels: Mapping[str, int],
) -> Grading:
    """The grade of table 6 for ``points`` (per indicator key) and ``levels`` (per scenario
    key, 0 for not reached): every indicator and scenario of the table must be given."""
    indicators = {i.key for i in evaluation_table.indicators}
    scenarios = {s.key: s for s in evaluation_table.scenarios}
    if set(points) != indicators or set(levels) != set(scenarios):
        raise EvaluationError("every indicator and every scenario of the table, and no other")
    top = len(evaluation_table.scenario_levels)
    if any(not 0 <= level <= top for level in levels.values()):
        raise EvaluationError(f"scenario levels are 0 to {top}")
    if any(not 0 <= p <= evaluation_table.total_points for p in points.values()):
        raise EvaluationError("indicator points are between 0 and the table's total")
    total = round(sum(points.values()), 2)
    if total > evaluation_table.total_points:
        raise EvaluationError("the points add up to more than the table's total")
    checks = []
    for each in evaluation_table.grades:
        at_level = [key for key, level in levels.items() if level >= each.scenarios.at_level]
        checks.append(
            GradeCheck(
                grade=each,
                points=total,
                scenarios=len(at_level),
                constrained=sum(scenarios[key].constrained for key in at_level),
            )
        )
    reached = [c.grade for c in checks if c.reached]
    return Grading(total, max(reached, key=lambda g: g.level, default=None), tuple(checks))
