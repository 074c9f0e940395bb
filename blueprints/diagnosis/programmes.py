"""Diagnosis programmes as data files (``data/programmes/<id>.yaml``): who may diagnose, the
work group's rules, the visits, trainings and photos, the report's minimum length, the
agreement's term, the evaluation that grades the enterprise and the forms of the programme.

The rules differ by programme (seed 002's Inner Mongolia guide, seed 004's Changchun plan), so
a new programme is a new file, not code. Files are checked when loaded, each problem named by
file and field path.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import Field, model_validator

from app import data_files
from app.data_files import DataFileError, Frozen, Key, Text
from blueprints.diagnosis import sme_level
from blueprints.diagnosis.scenarios import CATALOGUE_DIR

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


class ProgressReportRules(Frozen):
    """The providers' regular reports of their progress to the authority (seed 002 5.1)."""

    every_days: Annotated[int, Field(ge=1, le=366)]


Division = Annotated[str, Field(pattern=r"^[0-9]{2}$")]


class SubIndustry(Frozen):
    """A sub-industry the programme targets, counted by the GB/T 4754-2017 divisions (大类)
    of the register: the register keeps an enterprise's division, not its class."""

    key: Key
    title: Text
    divisions: tuple[Division, ...] = Field(min_length=1)


class TargetRules(Frozen):
    """What the programme sets out to do (seed 004 一: 500 enterprises of four sub-industries
    diagnosed and reformed in 2025), read by the reform programme board."""

    enterprises: Annotated[int, Field(ge=1, le=1_000_000)]
    by: date
    sub_industries: tuple[SubIndustry, ...] = ()

    def sub_industry_of(self, division: str | None) -> SubIndustry | None:
        return next((s for s in self.sub_industries if division in s.divisions), None)


class Choice(Frozen):
    key: Key
    title: Text


# What a form's field holds: a line, a paragraph, a date, one of the field's choices, or a
# whole number.
FieldKind = Literal["text", "textarea", "date", "choice", "integer"]


class FormField(Frozen):
    key: Key
    title: Text
    kind: FieldKind
    required: bool = True
    max_length: Annotated[int, Field(ge=1, le=20_000)] = 200  # text and textarea
    minimum: Annotated[int, Field(ge=0)] = 0  # integer
    maximum: Annotated[int, Field(ge=0, le=2**31 - 1)] = 10**9
    choices: tuple[Choice, ...] = ()  # choice


# Who fills a form in: the provider's work group or the enterprise diagnosed.
Party = Literal["provider", "enterprise"]
# The move a filled form is a condition of: going on site, or submitting the report.
Before = Literal["start", "submit_report"]


class Form(Frozen):
    """A form of the programme. One with ``fields`` is filled in on Certpath by ``filled_by``
    before the move ``before``: once (an application, a notice) or, with ``rows``, as a table
    of at least ``min_rows`` rows (a plan, a ledger) that lists every choice of ``must_cover``
    for its field. One without fields is a document the engagement produces elsewhere (the
    report, the survey) and is listed for reference."""

    key: Key
    annex: Annotated[int, Field(ge=1, le=99)] | None = None  # its number among the file's annexes
    title: Text
    guide: Text | None = None  # what the form is for, as the programme's text puts it
    filled_by: Party | None = None
    before: Before | None = None
    rows: bool = False
    min_rows: Annotated[int, Field(ge=0, le=100)] = 1
    fields: tuple[FormField, ...] = ()
    # Pairs of date fields of one row: the second is not before the first.
    date_order: tuple[tuple[Key, Key], ...] = ()
    # A choice field each of whose choices has a row.
    must_cover: Key | None = None
    # On filing, the enterprise's latest self-assessment report is kept in the file (seed
    # 002 4.3(3)); none submitted, the form is refused.
    self_assessment: bool = False

    @property
    def fillable(self) -> bool:
        return bool(self.fields)

    def field(self, key: str) -> FormField | None:
        return next((f for f in self.fields if f.key == key), None)

    def problems(self) -> list[tuple[str, str]]:
        where = f"forms.{self.key}"
        found = []
        keys = [f.key for f in self.fields]
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            found.append((f"{where}.fields", f"'{key}' is given twice"))
        if self.fields and (self.filled_by is None or self.before is None):
            found.append((where, "a form with fields names filled_by and before"))
        if not self.fields and (self.filled_by or self.before or self.rows):
            found.append((where, "filled_by, before and rows need fields"))
        for field in self.fields:
            if (field.kind == "choice") != bool(field.choices):
                found.append((f"{where}.fields.{field.key}", "choices go with kind choice"))
            if field.minimum > field.maximum:
                found.append((f"{where}.fields.{field.key}", "minimum above maximum"))
        for first, second in self.date_order:
            for key in (first, second):
                if (f := self.field(key)) is None or f.kind != "date":
                    found.append((f"{where}.date_order", f"'{key}' is no date field"))
        if self.must_cover is not None:
            f = self.field(self.must_cover)
            if f is None or f.kind != "choice" or not self.rows:
                found.append((f"{where}.must_cover", "names a choice field of a table form"))
        if self.self_assessment and self.filled_by != "enterprise":
            found.append((f"{where}.self_assessment", "only on a form the enterprise files"))
        return found

    @property
    def annex_label(self) -> str:
        """附件3 / Annex 3, in the reader's language ('' for a form that is no annex)."""
        return _("Annex %(number)d", number=self.annex) if self.annex else ""


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
    progress_reports: ProgressReportRules | None = None  # none: the programme asks none
    # The scenario catalogue of its demand library (data/scenarios/<key>.yaml); none: the
    # programme keeps no demand library.
    scenarios: Key | None = None
    # Its target for the programme board; none: the board shows no target.
    target: TargetRules | None = None

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
        if self.scenarios and not (CATALOGUE_DIR / f"{self.scenarios}.yaml").is_file():
            problems.append(("scenarios", f"no scenario catalogue '{self.scenarios}'"))
        for form in self.forms:
            problems.extend(form.problems())
        if self.target is not None:
            subs = self.target.sub_industries
            keys = [s.key for s in subs]
            for key in sorted({k for k in keys if keys.count(k) > 1}):
                problems.append(("target.sub_industries", f"'{key}' is given twice"))
            divisions = [d for s in subs for d in s.divisions]
            for division in sorted({d for d in divisions if divisions.count(d) > 1}):
                problems.append(("target.sub_industries", f"division {division} in two"))
        if problems:
            raise ProgrammeError(problems)
        return self

    def form(self, key: str) -> Form | None:
        return next((f for f in self.forms if f.key == key), None)

    @property
    def fillable_forms(self) -> tuple[Form, ...]:
        return tuple(f for f in self.forms if f.fillable)


def load_programme(path: Path) -> Programme:
    return data_files.load(Programme, path, ProgrammeError)


@functools.lru_cache(maxsize=4)
def load_all(directory: Path = PROGRAMME_DIR) -> dict[str, Programme]:
    """Every programme of ``directory`` by id (unique: the id is the file's name)."""
    return {p.id: p for p in map(load_programme, sorted(Path(directory).glob("*.yaml")))}


def programme(key: str) -> Programme | None:
    return load_all().get(key)
