"""Self-assessment questionnaires: the file format and the loader (checks: questionnaire_checks).

A questionnaire is a YAML file in ``blueprints/assessment/data/questionnaires/``, one per
industry group and year. The score model (dimensions, weights, stage gates) and the 24 key
indicators live in the file, not in code (DOMAIN §4), so a new year's questionnaire needs no
code change; what every file must share (the dimension, stage and indicator keys) is in
questionnaire_frame. Everything a person reads is bilingual in the file. The models are frozen
because a loaded questionnaire is cached and shared by every request.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from app import data_files
from app.data_files import DataFileError, Frozen, Key, Text
from blueprints.assessment.questionnaire_checks import problems as find_problems

# Re-exported (`as` names): callers read the frame from here, as they always have.
from blueprints.assessment.questionnaire_frame import DIMENSION_KEYS as DIMENSION_KEYS
from blueprints.assessment.questionnaire_frame import INDICATOR_DIRECTIONS as INDICATOR_DIRECTIONS
from blueprints.assessment.questionnaire_frame import STAGE_KEYS as STAGE_KEYS
from blueprints.assessment.questionnaire_frame import TYPE_FIELDS as TYPE_FIELDS

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent / "data" / "questionnaires"

Finite = Annotated[float, Field(allow_inf_nan=False)]
Score = Annotated[float, Field(ge=0, allow_inf_nan=False)]
# A division ("34"), a section letter ("C") or the fallback "*".
IndustryCode = Annotated[str, StringConstraints(pattern=r"^(\d{2}|[A-T]|\*)$")]


class QuestionnaireError(DataFileError):
    """A malformed questionnaire; ``problems`` holds (field path, message) pairs."""


class Option(Frozen):
    key: Key
    label: Text
    score: Score = 0.0


class Band(Frozen):
    min: Finite
    score: Score


QuestionType = Literal["single", "multiple", "yes_no", "number", "percentage", "text"]


class Question(Frozen):
    key: Key
    type: QuestionType
    title: Text
    help: Text | None = None
    required: bool = True
    dimension: Key | None = None  # None: not scored (counts behind indicators, basics, text)
    options: tuple[Option, ...] | None = None
    # Called max_score in the file; the attribute name is taken by the property below.
    cap: Score | None = Field(None, alias="max_score")
    score_yes: Score = 0.0
    score_no: Score = 0.0
    min: Finite = 0.0
    max: Finite | None = None
    integer: bool = True
    unit: Text | None = None
    not_greater_than: Key | None = None
    bands: tuple[Band, ...] | None = None
    max_length: int = Field(2000, gt=0)

    @property
    def max_score(self) -> float:
        """The most this question can earn; 0 when it is not scored."""
        if self.dimension is None:
            return 0.0
        if self.type == "single":
            return max((o.score for o in self.options or ()), default=0.0)
        if self.type == "multiple":
            return min(self.cap or 0.0, sum(o.score for o in self.options or ()))
        if self.type == "yes_no":
            return max(self.score_yes, self.score_no)
        if self.type in ("number", "percentage"):
            return max((b.score for b in self.bands or ()), default=0.0)
        return 0.0

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options or () if o.key == key), None)


class Section(Frozen):
    key: Key
    title: Text
    intro: Text | None = None
    questions: tuple[Question, ...] = Field(min_length=1)


class Dimension(Frozen):
    key: Key
    title: Text
    weight: Finite = Field(gt=0)
    suggestion: Text


class Stage(Frozen):
    key: Key
    title: Text
    help: Text | None = None
    gate: dict[Key, Annotated[float, Field(ge=0, le=100)]] = Field(default_factory=dict)


class Indicator(Frozen):
    key: Key
    direction: Literal["digitalisation", "networking", "intelligence", "new_models"]
    title: Text
    kind: Literal["rate", "share"]
    numerator: Key | None = None
    denominator: Key | None = None
    question: Key | None = None


DIRECTIONS = {
    "digitalisation": Text(zh="数字化", en="Digitalisation"),
    "networking": Text(zh="网络化", en="Networking"),
    "intelligence": Text(zh="智能化", en="Intelligence"),
    "new_models": Text(zh="新模式新业态", en="New models and business forms"),
}


class Questionnaire(Frozen):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    group: Literal["discrete", "process", "other"]
    year: int = Field(ge=2000, le=2100)
    version: int = Field(ge=1)
    title: Text
    industries: tuple[IndustryCode, ...] = Field(min_length=1)
    dimensions: tuple[Dimension, ...]
    stages: tuple[Stage, ...]
    sections: tuple[Section, ...] = Field(min_length=1)
    indicators: tuple[Indicator, ...]

    _questions: dict[str, Question] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        # QuestionnaireError is not a ValueError, so pydantic lets it through untouched and
        # the paths it names stay exact (a model validator cannot point pydantic at a field).
        problems = list(find_problems(self))
        if problems:
            raise QuestionnaireError(problems)
        self._questions = {q.key: q for s in self.sections for q in s.questions}
        return self

    @property
    def questions(self) -> list[Question]:
        return list(self._questions.values())

    def question(self, key: str) -> Question:
        return self._questions[key]

    def section(self, key: str) -> Section:
        return _by_key(self.sections, key)

    def dimension(self, key: str) -> Dimension:
        return _by_key(self.dimensions, key)

    def stage(self, key: str) -> Stage:
        return _by_key(self.stages, key)


def _by_key(items: tuple[Any, ...], key: str) -> Any:
    for item in items:
        if item.key == key:
            return item
    raise KeyError(key)


def parse_questionnaire(data: Any, source: str = "<data>") -> Questionnaire:
    """Validate already-parsed YAML; every error becomes a QuestionnaireError naming ``source``."""
    return data_files.parse(Questionnaire, data, source, QuestionnaireError)


def load_questionnaire(path: Path) -> Questionnaire:
    return data_files.load(Questionnaire, path, QuestionnaireError)


@functools.lru_cache(maxsize=8)
def load_all(directory: Path = QUESTIONNAIRE_DIR) -> dict[str, Questionnaire]:
    """Every questionnaire of ``directory`` by id (ids are unique because id == file stem)."""
    found = {q.id: q for q in map(load_questionnaire, sorted(Path(directory).glob("*.yaml")))}
    owner: dict[str, str] = {}
    editions: set[tuple[str, int]] = set()
    for q in found.values():
        # A code served by two groups, or two files for one group and year, would make the
        # choice in questionnaire_for depend on file order.
        if (q.group, q.year) in editions:
            problem = ("year", f"a second {q.group} questionnaire for {q.year}")
            raise QuestionnaireError([problem], f"{q.id}.yaml")
        editions.add((q.group, q.year))
        for code in q.industries:
            if owner.setdefault(code, q.group) != q.group:
                problem = ("industries", f"'{code}' is served by both {owner[code]} and {q.group}")
                raise QuestionnaireError([problem], f"{q.id}.yaml")
    return found


def questionnaire_for(
    industry_code: str | None, section_code: str | None, year: int
) -> Questionnaire:
    """The questionnaire of the enterprise's industry group, latest edition not after ``year``.

    The division code wins over the section letter, which wins over the "*" fallback. Finer
    GB/T 4754 codes ("3411") are reduced to their division. Before the first edition of a
    group, its earliest edition is used.
    """
    catalogue = load_all()
    division = industry_code[:2] if industry_code and industry_code[:2].isdigit() else industry_code
    served = [(code, q.group) for q in catalogue.values() for code in q.industries]
    group = next(
        (g for code in (division, section_code, "*") for c, g in served if c == code), None
    )
    if group is None:
        problem = ("industries", f"nothing serves {industry_code!r} and nothing is marked '*'")
        raise QuestionnaireError([problem], QUESTIONNAIRE_DIR.name)
    editions = sorted((q for q in catalogue.values() if q.group == group), key=lambda q: q.year)
    earlier = [q for q in editions if q.year <= year]
    return earlier[-1] if earlier else editions[0]


def naming_edition(year: int) -> Questionnaire:
    """The edition whose titles name dimensions, stages and indicators in a year's lists and
    statistics: every questionnaire shares their keys (questionnaire_checks), so the latest
    edition not after ``year`` (else the earliest) names them all."""
    editions = sorted(load_all().values(), key=lambda q: (q.year <= year, q.year, q.id))
    return editions[-1]


def stage_titles(year: int, locale: str) -> dict[str, str]:
    """The four stages by key, in ``locale``."""
    return {stage.key: stage.title.get(locale) for stage in naming_edition(year).stages}
