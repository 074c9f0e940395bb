"""Diagnosis programmes as data files (``data/programmes/<id>.yaml``): who may diagnose, the
work group's rules, the visits, trainings and photos, the report's minimum length, the
agreement's term, the evaluation that grades the enterprise and the forms of the programme.

The rules differ by programme (seed 002's Inner Mongolia guide, seed 004's Changchun plan), so
a new programme is a new file, not code. Files are checked when loaded, each problem named by
file and field path.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from app import data_files
from app.data_files import DataFileError, Frozen, Key, NonEmpty, Text
from blueprints.diagnosis import sme_level

PROGRAMME_DIR = Path(__file__).resolve().parent / "data" / "programmes"

# The organisations a programme may engage: diagnosis service providers (数字化转型服务商),
# third-party evaluation bodies (第三方评测机构) and think tanks (第三方智库单位).
ProviderKind = Literal["service_provider", "evaluation_body", "think_tank"]
# What grades the enterprise: the 24 key indicators verified on site (seed 002, 4.4.4), or an
# evaluation table of sme_level (seed 004).
GradingKind = Literal["indicators_24", "sme_level_2024"]

Small = Annotated[int, Field(ge=0, le=100)]
Hours = Annotated[float, Field(ge=0, le=24, allow_inf_nan=False)]


class ProgrammeError(DataFileError):
    """A malformed programme file."""


class TeamRules(Frozen):
    min_members: Annotated[int, Field(ge=1, le=50)]
    lead_must_be_expert: bool
    min_mid_level_engineers: Small  # members titled 工程师 (mid-level) or higher


class PhotoCategory(Frozen):
    key: Key
    title: Text
    at_least: Annotated[int, Field(ge=1, le=50)]


class VisitRules(Frozen):
    min_on_site_days: Small
    min_visits: Annotated[int, Field(ge=1, le=100)]
    min_visit_hours: Hours  # each visit
    min_trainings: Small
    min_training_hours: Hours  # each training
    min_reports_to_head: Small  # reports to the enterprise's principal
    photos: tuple[PhotoCategory, ...] = ()  # per visit; none: no minimum

    @property
    def min_photos(self) -> int:
        return sum(category.at_least for category in self.photos)


class Section(Frozen):
    key: Key
    title: Text
    guide: Text | None = None  # what the section describes, as the template asks


class ReportRules(Frozen):
    min_characters: Annotated[int, Field(ge=0, le=1_000_000)]
    # The sections the provider writes; the record's tables (work group, visits, grading,
    # satisfaction) are added from the recorded data.
    sections: tuple[Section, ...] = Field(min_length=1)


class SatisfactionRules(Frozen):
    """The enterprise's survey: each criterion rated on the four-step scale, an overall
    verdict and whether it adopts the suggestions (seed 004 annex 3's form)."""

    criteria: tuple[Section, ...] = Field(min_length=1)


class AgreementRules(Frozen):
    term_days: Annotated[int, Field(ge=0, le=3660)]  # 0: the programme sets none


class Form(Frozen):
    key: Key
    annex: NonEmpty
    title: Text


class Programme(Frozen):
    id: Key
    title: Text
    source: Text
    providers: tuple[ProviderKind, ...] = Field(min_length=1)
    team: TeamRules
    visits: VisitRules
    report: ReportRules
    satisfaction: SatisfactionRules
    agreement: AgreementRules
    grading: tuple[GradingKind, ...] = Field(min_length=1)
    forms: tuple[Form, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        problems = []
        lists: tuple[tuple[str, list[str]], ...] = (
            ("providers", list(self.providers)),
            ("grading", list(self.grading)),
            ("forms", [f.key for f in self.forms]),
            ("visits.photos", [c.key for c in self.visits.photos]),
            ("report.sections", [c.key for c in self.report.sections]),
            ("satisfaction.criteria", [c.key for c in self.satisfaction.criteria]),
        )
        for where, keys in lists:
            for key in sorted({k for k in keys if keys.count(k) > 1}):
                problems.append((where, f"'{key}' is given twice"))
        if self.team.min_mid_level_engineers > self.team.min_members:
            problems.append(("team.min_mid_level_engineers", "above the team's minimum size"))
        for kind in self.grading:
            if kind != "indicators_24" and not (sme_level.TABLE_DIR / f"{kind}.yaml").is_file():
                problems.append(("grading", f"no evaluation table '{kind}'"))
        if problems:
            raise ProgrammeError(problems)
        return self


def load_programme(path: Path) -> Programme:
    return data_files.load(Programme, path, ProgrammeError)


@functools.lru_cache(maxsize=4)
def load_all(directory: Path = PROGRAMME_DIR) -> dict[str, Programme]:
    """Every programme of ``directory`` by id (unique: the id is the file's name)."""
    return {p.id: p for p in map(load_programme, sorted(Path(directory).glob("*.yaml")))}


def programme(key: str) -> Programme | None:
    return load_all().get(key)
