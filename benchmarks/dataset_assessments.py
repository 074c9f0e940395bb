"""Self-assessments: one per enterprise, of the year it took part, with its score rows (five
dimensions and the total, which the report's comparisons aggregate), its 24 key indicators (the
regional statistics average them) and its review trail
(district authority, then city). An enterprise with a project assessed itself shortly before
starting it; the others over the years, this year's still in every state of review.

Answers come from a pool drawn per questionnaire at maturity levels from low to high, through
the demo's sampler and the app's own scoring, so totals, stages and scores agree with the
answers the report reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from benchmarks.dataset_campaigns import Rounds
from benchmarks.dataset_core import Clock, JsonText, Random, Rows, Weights
from benchmarks.dataset_people import Enterprise, People, registration_before, reviewers
from blueprints.assessment.questionnaire import Questionnaire, questionnaire_for
from blueprints.assessment.scoring import indicators, score
from blueprints.demo.assessments import sample_answers
from models import TOTAL_KEY

ASSESSMENT_COLUMNS = (
    "id", "organisation_id", "year", "questionnaire_id", "questionnaire_version", "status",
    "answers", "region_code", "industry_code", "total", "stage", "reviewer_id", "submitted_at",
    "approved_at", "created_at", "updated_at", "lock_version", "campaign_id",
)  # fmt: skip
SCORE_COLUMNS = ("assessment_id", "dimension", "score")
# The 24 key indicators of a submitted assessment, as the app writes them at submission.
INDICATOR_COLUMNS = ("assessment_id", "key", "value")
EVENT_COLUMNS = (
    "id", "assessment_id", "action", "from_status", "to_status", "actor_id", "comment",
    "created_at",
)  # fmt: skip
POOL = 96  # answer sets per questionnaire
# The year an enterprise without a project assessed itself: this year back to seven years ago.
YEAR_WEIGHTS = (25, 20, 15, 12, 10, 8, 6, 4)
# The other years each enterprise assessed itself in (seed 001: 常态化自评估): three
# self-assessments per enterprise, 450,000 at scale 1.0.
HISTORY = 2
THIS_YEAR = Weights.of(
    (
        ("draft", 23),
        ("awaiting_district", 11),
        ("awaiting_city", 8),
        ("returned", 5),
        ("approved", 53),
    )
)
PAST_YEAR = Weights.of((("approved", 97), ("returned", 3)))
LEVEL_BIAS = {"large": 0.15, "medium": 0.05, "small": -0.05, "micro": -0.12}
RETURN_COMMENT = "请补充关键工序数控化率的统计口径说明，并核实设备联网数据。"


@dataclass(frozen=True)
class Scored:
    answers: JsonText
    total: float
    stage: str
    scores: tuple[tuple[str, float], ...]
    indicators: tuple[tuple[str, float], ...] = ()


class AssessmentWriter:
    def __init__(
        self, rng: Random, rows: Rows, clock: Clock, people: People, rounds: Rounds
    ) -> None:
        self.rng, self.rows, self.clock, self.people = rng, rows, clock, people
        self.rounds = rounds
        self._pools: dict[str, tuple[list[Scored], list[JsonText]]] = {}
        self._questionnaires: dict[tuple[str, int], Questionnaire] = {}

    def _pool(self, questionnaire: Questionnaire) -> tuple[list[Scored], list[JsonText]]:
        if questionnaire.id not in self._pools:
            scored, drafts = [], []
            for n in range(POOL):
                level = 0.08 + 0.9 * n / (POOL - 1)
                answers = sample_answers(questionnaire, level, seed=self.rng.randrange(10**9))
                result = score(questionnaire, answers)
                rows = (*result.dimensions.items(), (TOTAL_KEY, result.total))
                known = tuple(
                    (key, value)
                    for key, value in indicators(questionnaire, answers).items()
                    if value is not None
                )
                scored.append(Scored(_json(answers), result.total, result.stage, rows, known))
                if n % 12 == 0:  # a draft keeps the first pages answered
                    keys = list(answers)[: len(answers) * (1 + n % 3) // 4]
                    drafts.append(_json({k: answers[k] for k in keys}))
            self._pools[questionnaire.id] = (scored, drafts)
        return self._pools[questionnaire.id]

    def build(self, started: dict[int, datetime]) -> None:
        rng, today = self.rng, self.clock.today
        every_year = [today.year - k for k in range(len(YEAR_WEIGHTS))]
        years = Weights(every_year, YEAR_WEIGHTS)
        for e in self.people.enterprises:
            start = started.get(e.id)
            if start is not None:  # shortly before the project: submitted, then reviewed
                submitted = rng.working_time((start - rng.days(5, 60)).date())
                self._one(e, submitted.year, "approved", submitted)
                taken = {submitted.year}
            else:
                year = rng.pick(years)
                self._in_year(e, year)
                taken = {year}
            for _ in range(HISTORY):
                left = [y for y in every_year if y not in taken]
                year = rng.weighted(left, [YEAR_WEIGHTS[today.year - y] for y in left])
                self._in_year(e, year)
                taken.add(year)

    def _in_year(self, e: Enterprise, year: int) -> None:
        rng, today = self.rng, self.clock.today
        status = rng.pick(THIS_YEAR if year == today.year else PAST_YEAR)
        if year == today.year:
            day = rng.day_between(date(year, 1, 5), today - timedelta(days=1))
        else:
            day = rng.day_between(date(year, 3, 1), date(year, 12, 20))
        self._one(e, year, status, rng.working_time(day))

    def _one(self, e: Enterprise, year: int, wanted: str, submitted: datetime) -> None:
        rng, rows, now = self.rng, self.rows, self.clock.now
        key = (e.industry, year)
        if key not in self._questionnaires:
            self._questionnaires[key] = questionnaire_for(e.industry, e.section, year)
        questionnaire = self._questionnaires[key]
        scored, drafts = self._pool(questionnaire)
        assessment_id = rows.next_id("assessments")
        created = rng.working_time((submitted - rng.days(0, 20)).date())
        if created.year != year:  # filled in during the year it is for
            created = submitted - timedelta(hours=1)
        first = registration_before(rng, created)
        e.registered = first if e.registered is None else min(e.registered, first)
        campaign = self.rounds.campaign_for(e.county, year, created.date())
        if wanted == "draft":
            rows.add("assessments", assessment_id, e.id, year, questionnaire.id,
                     questionnaire.version, "draft", rng.choice(drafts), e.county,
                     e.industry, None, None, None, None, None, Clock.utc(created),
                     Clock.utc(submitted), 1, campaign)  # fmt: skip
            return
        bias = LEVEL_BIAS[e.size] + rng.uniform(-0.3, 0.3)
        pick = scored[min(len(scored) - 1, max(0, round((0.5 + bias) * (len(scored) - 1))))]
        (district, district_user), (city, city_user) = reviewers(self.people, e)
        events = [("submit", "draft", "awaiting_district", e.contact_id, submitted, "")]
        status, approved = "awaiting_district", None
        reviewer: int | None = district
        moment = submitted
        # Review decisions taken: the district's, then the city's (a return is the last one).
        steps = {"awaiting_district": 0, "awaiting_city": 1, "returned": 2, "approved": 2}[wanted]
        if wanted == "returned" and rng.random() < 0.7:
            steps = 1  # returned by the district
        for n in range(1, steps + 1):
            moment = moment + rng.days(1, 12)
            if moment >= now:
                break
            if n == steps and wanted == "returned":
                actor = district_user if status == "awaiting_district" else city_user
                events.append(("return", status, "returned", actor, moment, RETURN_COMMENT))
                status, reviewer = "returned", None
            elif status == "awaiting_district":
                events.append(
                    ("approve_district", status, "awaiting_city", district_user, moment, "")
                )
                status, reviewer = "awaiting_city", city
            elif status == "awaiting_city":
                events.append(("approve_city", status, "approved", city_user, moment, ""))
                status, reviewer, approved = "approved", None, moment
        rows.add("assessments", assessment_id, e.id, year, questionnaire.id,
                 questionnaire.version, status, pick.answers, e.county, e.industry,
                 pick.total, pick.stage, reviewer, Clock.utc(submitted),
                 Clock.utc(approved), Clock.utc(created), Clock.utc(events[-1][4]),
                 1, campaign)  # fmt: skip
        for dimension, value in pick.scores:
            rows.add("assessment_scores", assessment_id, dimension, value)
        for key, value in pick.indicators:
            rows.add("assessment_indicators", assessment_id, key, value)
        for action, source, target, actor, at, comment in events:
            rows.add("assessment_events", rows.next_id("assessment_events"),
                     assessment_id, action, source, target, actor, comment,
                     Clock.utc(at))  # fmt: skip


def _json(value: object) -> JsonText:
    return JsonText(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
