"""Demo self-assessments: last year's approved ones and this year's waiting for review.

Answers are drawn per enterprise at a "maturity" level, so the demo's comparisons, stages
and review queues show something worth looking at. Everything goes through the same service
functions as the web pages (submit, approve), so the demo data obey the workflow.
"""

from __future__ import annotations

import random
from datetime import datetime, time

import sqlalchemy as sa

from app.extensions import db
from blueprints.assessment import services
from blueprints.assessment.questionnaire import Question, Questionnaire, questionnaire_for
from models import Assessment, AssessmentStatus, Organisation, User


def _number(question: Question, level: float, rng: random.Random) -> float:
    bands = [band.min for band in question.bands or ()]
    top = max(bands, default=100 if question.type == "percentage" else 50)
    value = top * min(1.0, max(0.0, level + rng.uniform(-0.2, 0.2)))
    if question.type == "percentage":
        return round(min(value, 100.0), 1)
    value = max(value, question.min)
    if question.max is not None:
        value = min(value, question.max)
    return float(round(value)) if question.integer else round(value, 1)


def sample_answers(questionnaire: Questionnaire, level: float, seed: int) -> dict:
    """Typed answers as parse_section would store them, at maturity ``level`` (0–1)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    answers: dict = {}
    for question in questionnaire.questions:
        ranked = sorted(question.options or (), key=lambda o: o.score)
        if question.type == "single":
            index = min(len(ranked) - 1, int(level * len(ranked) + rng.uniform(-0.7, 0.7)))
            answers[question.key] = ranked[max(index, 0)].key
        elif question.type == "multiple":
            count = max(1, round(level * len(ranked)))
            answers[question.key] = [o.key for o in ranked[-count:]]
        elif question.type == "yes_no":
            answers[question.key] = rng.random() < level
        elif question.type == "text":
            answers[question.key] = "示例企业填报内容。"
        else:
            answers[question.key] = _number(question, level, rng)
    for question in questionnaire.questions:  # keep "cannot exceed" pairs consistent
        if question.type == "number" and question.not_greater_than:
            answers[question.key] = min(answers[question.key], answers[question.not_greater_than])
    return answers


def _reviewer_user(org: Organisation | None) -> User | None:
    if org is None:
        return None
    return db.session.scalar(sa.select(User).where(User.organisation_id == org.id).limit(1))


def submitted(org: Organisation, actor: User, year: int, level: float, approve: bool) -> None:
    if db.session.scalar(
        sa.select(sa.exists().where(Assessment.organisation_id == org.id, Assessment.year == year))
    ):
        return
    section = org.industry.section_code if org.industry else None
    questionnaire = questionnaire_for(org.industry_code, section, year)
    assessment = Assessment(
        organisation=org,
        year=year,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        answers={},
    )
    assessment.answers = sample_answers(questionnaire, level, seed=org.id * 10_000 + year)
    db.session.add(assessment)
    db.session.flush()
    services.perform(assessment, "submit", actor)
    while approve and assessment.status != AssessmentStatus.APPROVED:
        reviewer = _reviewer_user(assessment.reviewer)
        if reviewer is None:
            break
        services.perform(assessment, "approve", reviewer, "")
    if year < services.current_year():
        # Dated in their own year, as if submitted then.
        stamp = datetime.combine(datetime(year, 6, 30).date(), time(10))
        assessment.submitted_at = stamp
        if assessment.approved_at:
            assessment.approved_at = stamp
        for event in assessment.events:
            event.created_at = stamp


def load(enterprises: list[tuple[Organisation, User]]) -> None:
    """Last year's for everyone; this year's for all but the first (left for the visitor)."""
    year = services.current_year()
    for index, (org, actor) in enumerate(enterprises):
        level = 0.3 + 0.6 * ((index * 37) % 10) / 10
        submitted(org, actor, year - 1, level - 0.1, approve=True)
        if index > 0:
            submitted(org, actor, year, level, approve=False)
    db.session.flush()
