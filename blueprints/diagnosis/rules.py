"""The rules of a diagnosis programme, checked on the server: the work group, each visit and
training, the photos of a visit, the report's length and what the engagement must have done
before it closes. Each check returns the problems in the reader's language (empty: the rule
holds), naming the person or the figure at fault, so a form can show them beside its fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import format_moment
from blueprints.diagnosis.programmes import Programme
from models import EngineerTitle


@dataclass(frozen=True)
class Member:
    name: str
    lead: bool
    expert: bool  # an expert with practical experience (具备实践经验的专家)
    title: EngineerTitle
    pledged: bool  # signed the confidentiality pledge


def team_problems(programme: Programme, members: Sequence[Member]) -> list[str]:
    rules = programme.team
    problems = []
    if len(members) < rules.min_members:
        problems.append(
            _(
                "Members of the work group: %(n)d; the programme asks for at least %(min)d.",
                n=len(members),
                min=rules.min_members,
            )
        )
    leads = [m for m in members if m.lead]
    if len(leads) != 1:
        problems.append(_("The work group needs exactly one lead."))
    elif rules.lead_must_be_expert and not leads[0].expert:
        problems.append(
            _(
                "The lead, %(name)s, must be an expert with practical experience.",
                name=leads[0].name,
            )
        )
    engineers = sum(m.title.mid_level_or_higher for m in members)
    if engineers < rules.min_mid_level_engineers:
        problems.append(
            _(
                "Members titled engineer (mid-level) or higher: %(n)d; the programme asks for "
                "at least %(min)d.",
                n=engineers,
                min=rules.min_mid_level_engineers,
            )
        )
    problems.extend(
        _("%(name)s has not signed the confidentiality pledge.", name=m.name)
        for m in members
        if not m.pledged
    )
    return problems


def _duration_problems(
    started_at: datetime, ended_at: datetime, minimum: float, messages: tuple[Any, Any]
) -> list[str]:
    backwards, too_short = messages
    if ended_at <= started_at:
        return [str(backwards)]
    hours = (ended_at - started_at).total_seconds() / 3600
    return [str(too_short) % {"hours": hours, "min": minimum}] if hours < minimum else []


_VISIT = (
    _l("A visit ends after it starts."),
    _l("The visit lasted %(hours).1f hours; the programme asks for at least %(min)g."),
)
_TRAINING = (
    _l("A training ends after it starts."),
    _l("The training lasted %(hours).1f hours; the programme asks for at least %(min)g."),
)


def visit_problems(programme: Programme, started_at: datetime, ended_at: datetime) -> list[str]:
    return _duration_problems(started_at, ended_at, programme.visits.min_visit_hours, _VISIT)


def training_problems(programme: Programme, started_at: datetime, ended_at: datetime) -> list[str]:
    minimum = programme.visits.min_training_hours
    return _duration_problems(started_at, ended_at, minimum, _TRAINING)


def photo_problems(programme: Programme, counts: Mapping[str, int]) -> list[str]:
    """``counts``: a visit's photos per category key of the programme."""
    categories = programme.visits.photos
    problems = []
    total = sum(counts.get(c.key, 0) for c in categories)
    if total < programme.visits.min_photos:
        problems.append(
            _(
                "Photos of the visit: %(n)d; the programme asks for at least %(min)d.",
                n=total,
                min=programme.visits.min_photos,
            )
        )
    problems.extend(
        _(
            "%(category)s: photos taken %(n)d, at least %(min)d wanted.",
            category=c.title.get(_locale()),
            n=counts.get(c.key, 0),
            min=c.at_least,
        )
        for c in categories
        if counts.get(c.key, 0) < c.at_least
    )
    return problems


def photo_flags(taken_at: datetime | None, started_at: datetime, ended_at: datetime) -> list[str]:
    """What the reviewer should look at in a photo of a visit (the seeds want timestamped
    photos of the visit itself): no capture time in its EXIF, or one outside the visit. Times
    are local, as a camera records them and as a visit's start and end are entered."""
    if taken_at is None:
        return [_("The photo carries no capture time.")]
    if not started_at <= taken_at <= ended_at:
        return [
            _(
                "Taken %(when)s, outside the visit (%(start)s to %(end)s).",
                when=format_moment(taken_at, "short", rebase=False),
                start=format_moment(started_at, "short", rebase=False),
                end=format_moment(ended_at, "short", rebase=False),
            )
        ]
    return []


def characters(text: str) -> int:
    """The report's length as the seeds count it (字数): its characters, blanks not counted."""
    return sum(not ch.isspace() for ch in text)


def report_problems(programme: Programme, text: str) -> list[str]:
    length, minimum = characters(text), programme.report.min_characters
    if length < minimum:
        return [
            _(
                "The report has %(n)s characters; the programme asks for at least %(min)s.",
                n=f"{length:,}",
                min=f"{minimum:,}",
            )
        ]
    return []


@dataclass(frozen=True)
class Done:
    """What an engagement has recorded by its close (``reports_to_head`` None: not counted
    yet, as when the report is submitted: it is presented afterwards)."""

    on_site_days: int
    visits: int
    trainings: int
    reports_to_head: int | None


def close_problems(programme: Programme, done: Done) -> list[str]:
    rules = programme.visits
    wanted = (
        (done.on_site_days, rules.min_on_site_days, _l("Days on site")),
        (done.visits, rules.min_visits, _l("Visits")),
        (done.trainings, rules.min_trainings, _l("Trainings")),
        (done.reports_to_head, rules.min_reports_to_head, _l("Reports to the enterprise's head")),
    )
    return [
        _(
            "%(what)s recorded: %(n)d; the programme asks for at least %(min)d.",
            n=n,
            what=what,
            min=minimum,
        )
        for n, minimum, what in wanted
        if n is not None and n < minimum
    ]


def _locale() -> str:
    # The photo categories' titles are in the programme file, in both languages; outside a
    # request (a script) the messages are the untranslated English ones, and so are they.
    return str(get_locale() or "en")
