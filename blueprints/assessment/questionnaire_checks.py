"""Consistency checks of a questionnaire beyond what the field types say.

Each check yields (field path, problem) so that a broken file is reported with every problem
and the exact place of each, e.g. ``sections[2].questions[4].options``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from blueprints.assessment.questionnaire_frame import (
    COMMON_FIELDS,
    DIMENSION_KEYS,
    INDICATOR_DIRECTIONS,
    STAGE_KEYS,
    TYPE_FIELDS,
)

if TYPE_CHECKING:
    # Annotations only: questionnaire imports this module to validate each file it loads.
    from blueprints.assessment.questionnaire import Question, Questionnaire


def problems(q: Questionnaire) -> Iterator[tuple[str, str]]:
    dims = [d.key for d in q.dimensions]
    if tuple(dims) != DIMENSION_KEYS:
        yield "dimensions", f"expected the dimensions {', '.join(DIMENSION_KEYS)} in this order"
    total = sum(d.weight for d in q.dimensions)
    if abs(total - 1) > 1e-6:
        yield "dimensions", f"the weights add up to {total:g}, not 1"
    yield from _stage_problems(q, dims)

    where: dict[str, str] = {}  # question key -> its path, for references and duplicates
    seen_sections: set[str] = set()
    for i, section in enumerate(q.sections):
        if section.key in seen_sections:
            yield f"sections[{i}].key", f"duplicate section key '{section.key}'"
        seen_sections.add(section.key)
        for j, question in enumerate(section.questions):
            path = f"sections[{i}].questions[{j}]"
            if question.key in where:
                yield f"{path}.key", f"duplicate key '{question.key}' (see {where[question.key]})"
            else:
                where[question.key] = path
            yield from _question_problems(question, path, dims)

    questions = {s_q.key: s_q for s in q.sections for s_q in s.questions}
    for key, path in where.items():
        ref = questions[key].not_greater_than
        if ref is not None and (ref == key or _type(questions, ref) != "number"):
            yield f"{path}.not_greater_than", f"'{ref}' is not another number question"
    scored = {s_q.dimension for s_q in questions.values() if s_q.max_score > 0}
    for i, dim in enumerate(dims):
        if dim not in scored:
            yield f"dimensions[{i}]", f"no scored question belongs to '{dim}'"
    yield from _indicator_problems(q, questions)


def _type(questions: dict[str, Question], key: str | None) -> str | None:
    return questions[key].type if key in questions else None


def _stage_problems(q: Questionnaire, dims: list[str]) -> Iterator[tuple[str, str]]:
    if tuple(s.key for s in q.stages) != STAGE_KEYS:
        yield "stages", f"expected the stages {', '.join(STAGE_KEYS)} in this order"
        return
    if q.stages[0].gate:
        yield "stages[0].gate", "the first stage has no gate"
    for i, stage in enumerate(q.stages):
        for key in stage.gate:
            if key not in dims:
                yield f"stages[{i}].gate.{key}", f"unknown dimension '{key}'"
        # Each gate must include the one below it, so "highest stage whose gate is met" never
        # skips a stage: an enterprise cannot be innovative without being integrated.
        if i:
            for key, floor in q.stages[i - 1].gate.items():
                if stage.gate.get(key, -1) < floor:
                    yield f"stages[{i}].gate", f"must include the gate below ({key} >= {floor:g})"


def _question_problems(qn: Question, path: str, dims: list[str]) -> Iterator[tuple[str, str]]:
    for name in sorted(qn.model_fields_set - COMMON_FIELDS - TYPE_FIELDS[qn.type]):
        yield f"{path}.{'max_score' if name == 'cap' else name}", f"not for a {qn.type} question"
    if qn.dimension is not None and qn.dimension not in dims:
        yield f"{path}.dimension", f"unknown dimension '{qn.dimension}'"
    if qn.type in ("single", "multiple"):
        options = qn.options or ()
        if len(options) < 2:
            yield f"{path}.options", "at least two options are needed"
        keys: set[str] = set()
        for k, option in enumerate(options):
            if option.key in keys:
                yield f"{path}.options[{k}].key", f"duplicate option key '{option.key}'"
            keys.add(option.key)
    if qn.type == "multiple":
        reachable = sum(o.score for o in qn.options or ())
        if qn.cap is None:
            yield f"{path}.max_score", "required for a multiple-choice question"
        elif qn.cap > reachable:
            yield f"{path}.max_score", f"exceeds the sum of the option scores ({reachable:g})"
    if qn.type == "number" and qn.max is not None and qn.max < qn.min:
        yield f"{path}.max", "is less than min"
    if qn.bands is not None:
        mins = [b.min for b in qn.bands]
        if not mins:
            yield f"{path}.bands", "at least one band is needed"
        elif any(a >= b for a, b in itertools.pairwise(mins)):
            yield f"{path}.bands", "list the bands with strictly increasing min"
        elif qn.type == "percentage" and not 0 <= mins[0] <= mins[-1] <= 100:
            yield f"{path}.bands", "a percentage band starts between 0 and 100"
    if qn.dimension is None:
        return
    if qn.type == "text":
        yield f"{path}.dimension", "a text answer cannot be scored"
    elif qn.type in ("number", "percentage") and not qn.bands:
        yield f"{path}.dimension", "a number is scored only through bands"
    elif qn.max_score <= 0:
        yield f"{path}.dimension", "the question cannot earn any points"


def _indicator_problems(
    q: Questionnaire, questions: dict[str, Question]
) -> Iterator[tuple[str, str]]:
    keys = [ind.key for ind in q.indicators]
    expected = list(INDICATOR_DIRECTIONS)
    if keys != expected:
        missing = [k for k in expected if k not in keys]
        extra = [k for k in keys if k not in INDICATOR_DIRECTIONS or keys.count(k) > 1]
        detail = f"; missing: {', '.join(missing)}" if missing else ""
        detail += f"; unexpected or repeated: {', '.join(dict.fromkeys(extra))}" if extra else ""
        yield "indicators", f"expected the 24 indicators of the national list, in order{detail}"
    for i, ind in enumerate(q.indicators):
        path = f"indicators[{i}]"
        direction = INDICATOR_DIRECTIONS.get(ind.key)
        if direction and ind.direction != direction:
            yield f"{path}.direction", f"'{ind.key}' belongs to {direction}"
        needed = ("numerator", "denominator") if ind.kind == "rate" else ("question",)
        wanted_type = "number" if ind.kind == "rate" else "yes_no"
        for name in ("numerator", "denominator", "question"):
            ref = getattr(ind, name)
            if name not in needed:
                if ref is not None:
                    yield f"{path}.{name}", f"not used by a {ind.kind} indicator"
            elif _type(questions, ref) != wanted_type:
                yield f"{path}.{name}", f"'{ref}' is not a {wanted_type} question of this file"
