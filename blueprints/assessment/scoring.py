"""Turn form input into typed answers, check them, and score them. Pure: no database, no request.

Answers are a plain dict, question key -> value: ``str`` (single choice, option key),
``list[str]`` (multiple choice), ``bool`` (yes/no), ``int``/``float`` (number, percentage),
``str`` (text). The same dict is stored as a draft, checked again before submission and scored.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from blueprints.assessment.questionnaire import Question, Questionnaire

FIELD_PREFIX = "q_"  # the form field of question k is "q_" + k
_FORM = "_form"  # errors that belong to no single question

# Babel extracts only literal arguments of _l(), so each message is written out once here (or
# at its call site when it takes parameters). Lazy: evaluated in the reader's locale.
REQUIRED = _l("Please answer this question.")
NOT_A_NUMBER = _l("Enter a number.")
NOT_AN_INTEGER = _l("Enter a whole number.")
UNKNOWN_OPTION = _l("Choose one of the listed options.")
NOT_YES_NO = _l("Answer yes or no.")
FORGED = _l(
    "The form contains answers to questions that do not exist. Reload the page and try again."
)


def _num(value: float) -> str:
    """100.0 -> "100", 2.5 -> "2.5": bounds read naturally in messages."""
    return f"{value:g}"


# --- form input -> typed answers ------------------------------------------------------------


def _values(form: Any, name: str) -> list[str]:
    """All submitted values of a field, for a werkzeug MultiDict or a plain mapping of lists."""
    raw = form.getlist(name) if hasattr(form, "getlist") else form.get(name, [])
    if not isinstance(raw, list | tuple):
        raw = [raw]
    return [str(v).strip() for v in raw if str(v).strip()]


def _to_number(text: str) -> float | None:
    # NFKC turns full-width digits typed with a Chinese IME ("１２０") into ASCII; thousands
    # separators are dropped because nobody here writes a decimal comma.
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "").rstrip("%")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _convert(question: Question, values: list[str]) -> tuple[Any, Any]:
    """(typed value, None) or (None, error) for the non-empty values of one field."""
    if question.type == "multiple":
        return list(dict.fromkeys(values)), None
    raw = values[0]
    if question.type == "yes_no":
        if raw not in ("yes", "no"):
            return None, NOT_YES_NO
        return raw == "yes", None
    if question.type in ("number", "percentage"):
        number = _to_number(raw)
        if number is None:
            return None, NOT_A_NUMBER
        if question.type == "number" and question.integer:
            if not number.is_integer():
                return None, NOT_AN_INTEGER
            return int(number), None
        return number, None
    return raw, None  # single (option key) and text


def parse_section(
    q: Questionnaire, section_key: str, form: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The typed answers of one page of the form and the errors, keyed by question key."""
    section = q.section(section_key)
    own = {FIELD_PREFIX + question.key for question in section.questions}
    answers: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    # Only our prefix is checked: the CSRF token and the submit buttons share the form.
    if any(name.startswith(FIELD_PREFIX) and name not in own for name in form):
        errors[_FORM] = FORGED
    for question in section.questions:
        values = _values(form, FIELD_PREFIX + question.key)
        if not values:
            if question.required:
                errors[question.key] = REQUIRED
            continue
        value, error = _convert(question, values)
        error = error or _check(question, value)
        if error is not None:
            errors[question.key] = error
        else:
            answers[question.key] = value
    # Limits between two questions of this page are checked now, while the enterprise can see
    # both; a limit set by another page waits for validate_all.
    errors.update(_limit_errors(q, section.questions, answers))
    return answers, errors


# --- typed answers -> errors ----------------------------------------------------------------


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check(question: Question, value: Any) -> Any:
    """The error of one typed answer, or None. Drafts come back from JSON, so trust no type."""
    kind = question.type
    if kind == "single":
        return None if isinstance(value, str) and question.option(value) else UNKNOWN_OPTION
    if kind == "multiple":
        if not isinstance(value, list) or not all(
            isinstance(v, str) and question.option(v) for v in value
        ):
            return UNKNOWN_OPTION
        return None
    if kind == "yes_no":
        return None if isinstance(value, bool) else NOT_YES_NO
    if kind == "text":
        if not isinstance(value, str):
            return REQUIRED
        if len(value) > question.max_length:
            return _l("Use at most %(n)d characters.", n=question.max_length)
        return None
    if not _is_number(value):
        return NOT_A_NUMBER
    if kind == "number" and question.integer and not float(value).is_integer():
        return NOT_AN_INTEGER
    low, high = (0.0, 100.0) if kind == "percentage" else (question.min, question.max)
    if value < low:
        return _l("Must be at least %(min)s.", min=_num(low))
    if high is not None and value > high:
        return _l("Must be at most %(max)s.", max=_num(high))
    return None


def _answered(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _locale() -> str:
    try:
        locale = get_locale()
    except RuntimeError:  # no application context: scripts and plain unit tests
        locale = None
    return str(locale) if locale else "zh"


def validate_all(q: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Errors of a whole set of answers: before submission, and for drafts read back.

    Keys that are no question of ``q`` are ignored rather than reported: a draft may outlive a
    revised questionnaire, and scoring never reads them.
    """
    errors: dict[str, Any] = {}
    for question in q.questions:
        value = answers.get(question.key)
        if not _answered(value):
            if question.required:
                errors[question.key] = REQUIRED
            continue
        error = _check(question, value)
        if error is not None:
            errors[question.key] = error
    valid = {k: v for k, v in answers.items() if k not in errors}
    errors.update(_limit_errors(q, q.questions, valid))
    return errors


def _limit_errors(q: Questionnaire, questions: Any, answers: Mapping[str, Any]) -> dict[str, Any]:
    """not_greater_than: a part cannot exceed its whole (CNC key processes <= key processes)."""
    errors: dict[str, Any] = {}
    for question in questions:
        other = question.not_greater_than
        value, limit = answers.get(question.key), answers.get(other or "")
        if not (other and _is_number(value) and _is_number(limit)):
            continue
        if value > limit:
            title = q.question(other).title.get(_locale())
            errors[question.key] = _l("Cannot exceed %(other)s", other=title)
    return errors


# --- scores -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreResult:
    dimensions: dict[str, float]  # dimension key -> 0–100, one decimal
    total: float  # weighted sum, one decimal
    stage: str  # stage key


def _band_score(question: Question, value: Any) -> float:
    if not _is_number(value):
        return 0.0
    reached = [band.score for band in question.bands or () if band.min <= value]
    return reached[-1] if reached else 0.0  # bands are in increasing order of min


def points(question: Question, value: Any) -> float:
    """What one answer earns; an unanswered or invalid answer earns nothing."""
    if question.max_score <= 0 or value is None:
        return 0.0
    if question.type == "single":
        option = question.option(value) if isinstance(value, str) else None
        return option.score if option else 0.0
    if question.type == "multiple":
        chosen = {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()
        earned = sum(o.score for o in question.options or () if o.key in chosen)
        return min(earned, question.max_score)
    if question.type == "yes_no":
        return question.score_yes if value is True else question.score_no if value is False else 0.0
    return _band_score(question, value)


def score(q: Questionnaire, answers: Mapping[str, Any]) -> ScoreResult:
    """Each dimension is 100 × earned / attainable over its scored questions."""
    earned = dict.fromkeys((d.key for d in q.dimensions), 0.0)
    attainable = dict.fromkeys(earned, 0.0)
    for question in q.questions:
        if question.dimension is not None and question.max_score > 0:
            earned[question.dimension] += points(question, answers.get(question.key))
            attainable[question.dimension] += question.max_score
    exact = {key: 100 * earned[key] / attainable[key] for key in earned}  # loader: attainable > 0
    # The total uses unrounded values; the stage uses the rounded ones the enterprise sees, so
    # a dimension shown as 60.0 never fails a gate of 60.
    dimensions = {key: round(value, 1) for key, value in exact.items()}
    total = round(sum(d.weight * exact[d.key] for d in q.dimensions), 1)
    return ScoreResult(dimensions=dimensions, total=total, stage=stage_for(q, dimensions))


def stage_for(q: Questionnaire, dimensions: Mapping[str, float]) -> str:
    """The highest stage whose every gate minimum is met; the first stage has no gate."""
    reached = q.stages[0].key
    for stage in q.stages:
        # The tolerance absorbs float noise such as 59.99999999 for a computed 60.
        if all(dimensions.get(key, 0.0) + 1e-9 >= floor for key, floor in stage.gate.items()):
            reached = stage.key
    return reached


def indicators(q: Questionnaire, answers: Mapping[str, Any]) -> dict[str, float | None]:
    """The 24 key indicators in percent; None when unknown (unanswered, or a zero denominator)."""
    values: dict[str, float | None] = {}
    for ind in q.indicators:
        if ind.kind == "share":
            answer = answers.get(ind.question or "")
            values[ind.key] = 100.0 if answer is True else 0.0 if answer is False else None
            continue
        num, den = answers.get(ind.numerator or ""), answers.get(ind.denominator or "")
        if _is_number(num) and _is_number(den) and den > 0:
            values[ind.key] = round(100 * num / den, 1)
        else:
            values[ind.key] = None
    return values


def weakest(q: Questionnaire, dimensions: Mapping[str, float], n: int = 3) -> list[str]:
    """Dimension keys, lowest score first; ties keep the order of the file."""
    order = sorted(enumerate(q.dimensions), key=lambda p: (dimensions.get(p[1].key, 0.0), p[0]))
    return [dim.key for _, dim in order[:n]]
