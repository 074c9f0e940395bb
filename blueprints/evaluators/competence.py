"""Who is qualified to sit on an audit team (issue 20, part 2; ISO/IEC 17021-1 §7.1–7.2).

Only what the alliance approved counts: the lead holds a lead qualification (组长资格) valid on
every day of the audit, every member an evaluator registration valid on those days, and the
team as a whole holds competence in the enterprise's industry — its GB/T 4754 division, or its
section when CERTPATH_TEAM_COVERAGE_LEVEL is "section". Competence claimed for a section covers
each of its divisions; for the section rule, competence in any of its divisions covers it.

``standing`` answers for many people at once in two queries (the candidates shown while a
team is chosen); ``team_refusal`` names the first person and rule that stops a team.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from babel.lists import format_list
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from app.clock import local_today
from app.extensions import db
from models import (
    EvaluatorCompetence,
    EvaluatorRegistration,
    Industry,
    IndustryLevel,
    Organisation,
    RecordStatus,
    RegistrationGrade,
    User,
)

# The evaluator grades, most senior last: a person shows the highest they hold.
EVALUATOR_GRADES = (RegistrationGrade.EVALUATOR, RegistrationGrade.SENIOR)


@dataclass(frozen=True)
class Standing:
    """A person's qualification over an audit's dates."""

    registered_until: date | None  # the latest expiry among valid evaluator registrations
    grade: RegistrationGrade | None  # the highest valid evaluator grade
    lead_until: date | None  # a valid lead qualification's expiry
    covers: bool  # approved competence in the sector the team must cover

    @property
    def registered(self) -> bool:
        # A lead qualification is granted to registered evaluators only: it counts as one.
        return self.grade is not None or self.lead_until is not None


NOBODY = Standing(None, None, None, False)


def coverage_level() -> str:
    """ "division" or "section" (app/config.py refuses anything else at start-up)."""
    return current_app.config["TEAM_COVERAGE_LEVEL"]


def required_sector(enterprise: Organisation) -> Industry | None:
    """The sector the team must cover: the enterprise's division, or its section."""
    industry = enterprise.industry
    if industry is None:
        return None
    if coverage_level() == "section" and industry.level is IndustryLevel.DIVISION:
        return industry.section
    return industry


def _covering_codes(sector: Industry) -> sa.ColumnElement[bool]:
    """Competence rows that cover ``sector``: the code itself, the section of a division, or
    (for a section) any of its divisions."""
    column = EvaluatorCompetence.industry_code
    if sector.level is IndustryLevel.DIVISION:
        return column.in_([c for c in (sector.code, sector.section_code) if c])
    divisions = sa.select(Industry.code).where(Industry.section_code == sector.code)
    return sa.or_(column == sector.code, column.in_(divisions))


def standing(
    user_ids: Iterable[int], sector: Industry | None, starts: date, ends: date | None = None
) -> dict[int, Standing]:
    """Each person's registrations valid over ``starts``–``ends`` and whether they cover
    ``sector`` (two queries whatever the number of people)."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    ends = ends or starts
    registered: dict[int, date] = {}
    grades: dict[int, RegistrationGrade] = {}
    leads: dict[int, date] = {}
    rows = db.session.execute(
        sa.select(
            EvaluatorRegistration.user_id,
            EvaluatorRegistration.grade,
            sa.func.max(EvaluatorRegistration.expires_on),
        )
        .where(
            EvaluatorRegistration.user_id.in_(ids),
            EvaluatorRegistration.status == RecordStatus.APPROVED,
            EvaluatorRegistration.issued_on <= starts,
            EvaluatorRegistration.expires_on >= ends,
        )
        .group_by(EvaluatorRegistration.user_id, EvaluatorRegistration.grade)
    )
    for uid, grade, until in rows:
        if grade is RegistrationGrade.LEAD:
            leads[uid] = until
            continue
        registered[uid] = max(until, registered.get(uid, until))
        if uid not in grades or EVALUATOR_GRADES.index(grade) > EVALUATOR_GRADES.index(grades[uid]):
            grades[uid] = grade
    covering: set[int] = set()
    if sector is not None:
        covering = set(
            db.session.scalars(
                sa.select(EvaluatorCompetence.user_id).where(
                    EvaluatorCompetence.user_id.in_(ids),
                    EvaluatorCompetence.status == RecordStatus.APPROVED,
                    _covering_codes(sector),
                )
            )
        )
    return {
        uid: Standing(registered.get(uid), grades.get(uid), leads.get(uid), uid in covering)
        for uid in ids
    }


def sector_title(sector: Industry) -> str:
    return f"{sector.code} {sector.display_name}"


def lead_refusal(lead: User, held: Standing, starts: date, ends: date) -> str | None:
    if held.lead_until is None:
        return _(
            "%(name)s holds no lead qualification approved and valid from %(starts)s to "
            "%(ends)s: only an evaluator with a valid lead qualification may lead an audit team.",
            name=lead.name,
            starts=starts.isoformat(),
            ends=ends.isoformat(),
        )
    return None


def member_refusal(person: User, held: Standing, starts: date, ends: date) -> str | None:
    if not held.registered:
        return _(
            "%(name)s has no evaluator registration approved and valid from %(starts)s to "
            "%(ends)s: every member of an audit team must be registered on the audit's dates.",
            name=person.name,
            starts=starts.isoformat(),
            ends=ends.isoformat(),
        )
    return None


def coverage_refusal(enterprise: Organisation, sector: Industry | None) -> str:
    if sector is None:
        return _(
            "%(enterprise)s has recorded no industry (GB/T 4754), so no team can be shown to be "
            "competent for it: the enterprise records its industry on its organisation page.",
            enterprise=enterprise.name,
        )
    return _(
        "No one on the team holds approved competence in %(sector)s, the industry of "
        "%(enterprise)s: add an evaluator competent in it.",
        sector=sector_title(sector),
        enterprise=enterprise.name,
    )


@dataclass(frozen=True)
class Refusal:
    message: str
    lead: bool  # about the lead (else about the members or the team)


def team_refusal(
    enterprise: Organisation,
    lead: User,
    members: Sequence[User],
    starts: date | None = None,
    ends: date | None = None,
) -> Refusal | None:
    """The first rule a team breaks over the audit's dates (default today), naming the person
    and the rule, or None when the team may audit ``enterprise``."""
    starts = starts or local_today()
    ends = ends or starts
    sector = required_sector(enterprise)
    held = standing([lead.id, *(m.id for m in members)], sector, starts, ends)
    problem = lead_refusal(lead, held[lead.id], starts, ends)
    if problem:
        return Refusal(problem, lead=True)
    for person in members:
        problem = member_refusal(person, held[person.id], starts, ends)
        if problem:
            return Refusal(problem, lead=False)
    if sector is None or not any(h.covers for h in held.values()):
        return Refusal(coverage_refusal(enterprise, sector), lead=False)
    return None


def lead_refusal_today(lead: User) -> str | None:
    """The lead chosen when an application is accepted holds a valid lead qualification today
    (the team, and the audit's dates, are checked when each audit is planned)."""
    today = local_today()
    return lead_refusal(lead, standing([lead.id], None, today)[lead.id], today, today)


def describe(held: Standing, sector: Industry | None) -> str:
    """A candidate's qualification in a few words, shown while the team is chosen."""
    if held.lead_until is not None:
        parts = [_("lead qualification until %(date)s", date=held.lead_until.isoformat())]
    elif held.grade is not None and held.registered_until is not None:
        parts = [
            _(
                "%(grade)s until %(date)s",
                grade=held.grade.title,
                date=held.registered_until.isoformat(),
            )
        ]
    else:
        parts = [_("not registered")]
    if sector is not None:
        parts.append(
            _("competent in %(code)s", code=sector.code)
            if held.covers
            else _("not competent in %(code)s", code=sector.code)
        )
    return " · ".join(parts)


def coverage_note(
    enterprise: Organisation, sector: Industry | None, competent: Sequence[str]
) -> str:
    """What the team must cover and who among the candidates does, under the team's field."""
    if sector is None:
        return coverage_refusal(enterprise, sector)
    if not competent:
        return _(
            "The team must cover %(sector)s; none of the candidates holds approved competence "
            "in it.",
            sector=sector_title(sector),
        )
    return _(
        "The team must cover %(sector)s; competent: %(names)s.",
        sector=sector_title(sector),
        names=format_list(list(competent), locale=get_locale() or "zh"),
    )
