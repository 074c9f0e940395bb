"""Fill a questionnaire the way a person would, whatever its content."""

from __future__ import annotations

from blueprints.assessment.questionnaire import Question, Questionnaire


def _number(question: Question, best: bool) -> float:
    if not best:
        return question.min if question.type == "number" else 0
    top = max((band.min for band in question.bands or ()), default=10)
    if question.type == "percentage":
        return min(max(top, 100), 100)
    value = max(top, 10)
    if question.max is not None:
        value = min(value, question.max)
    return value


def answers_for(questionnaire: Questionnaire, best: bool = True) -> dict[str, list[str]]:
    """{field name: [values]} for every question: the highest-scoring answers, or the lowest."""
    numbers: dict[str, float] = {}
    for question in questionnaire.questions:
        if question.type in ("number", "percentage"):
            numbers[question.key] = _number(question, best)
    # Honour "cannot exceed" pairs (e.g. CNC key processes ≤ key processes).
    for question in questionnaire.questions:
        other = getattr(question, "not_greater_than", None)
        if other:
            numbers[question.key] = min(numbers[question.key], numbers[other])
    form: dict[str, list[str]] = {}
    for question in questionnaire.questions:
        name = "q_" + question.key
        if question.type == "single":
            options = sorted(question.options, key=lambda o: o.score)
            form[name] = [(options[-1] if best else options[0]).key]
        elif question.type == "multiple":
            ranked = sorted(question.options, key=lambda o: o.score)
            form[name] = [o.key for o in ranked] if best else [ranked[0].key]
        elif question.type == "yes_no":
            form[name] = ["yes" if best else "no"]
        elif question.type == "text":
            form[name] = ["已按要求填写。"]
        else:
            value = numbers[question.key]
            form[name] = [str(int(value)) if float(value).is_integer() else str(value)]
    return form


def section_form(questionnaire: Questionnaire, section_key: str, answers: dict) -> dict:
    keys = {"q_" + q.key for q in questionnaire.section(section_key).questions}
    return {name: values for name, values in answers.items() if name in keys}
