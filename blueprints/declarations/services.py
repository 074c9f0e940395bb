"""Impartiality and confidentiality declarations (公正性与保密承诺书) and conflicts of interest
(利益冲突申报) of evaluators and alliance reviewers (ISO/IEC 17021-1 §5.2), and the rule built on
them: a person without a valid declaration, or with a declared conflict with the enterprise
concerned, sits on no audit team and decides no review of it. The rule's messages exist here
once; the audit team (blueprints.audits.impartiality) and the review guards call it."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import local_today, utcnow
from app.extensions import db
from blueprints.auth.services import credit_code_problem
from models import (
    ConflictOfInterest,
    ConflictRelation,
    ImpartialityDeclaration,
    Organisation,
    OrgKind,
    Role,
    User,
)

DECLARING_ROLES = frozenset({Role.EVALUATOR, Role.ALLIANCE_STAFF})
PLEDGES = Path(__file__).parent / "data" / "pledges.json"

DECLARED, UNDECLARED, CONFLICT = "declared", "undeclared", "conflict"
STATE_TITLES = {
    DECLARED: _l("declared"),
    UNDECLARED: _l("not declared"),
    CONFLICT: _l("conflict with this enterprise"),
}


class DeclarationError(Exception):
    """A declaration or conflict refused, with the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Pledge:
    year: int
    version: str
    zh: str
    en: str

    def text(self, locale: str) -> str:
        return self.en if str(locale).startswith("en") else self.zh


@functools.cache
def _pledges() -> dict[int, Pledge]:
    raw = json.loads(PLEDGES.read_text(encoding="utf-8"))
    return {
        int(year): Pledge(int(year), entry["version"], entry["zh"], entry["en"])
        for year, entry in raw.items()
    }


def pledge_for(year: int) -> Pledge:
    """The pledge text of ``year``: the latest version published for it or before it."""
    pledges = _pledges()
    known = [y for y in pledges if y <= year] or [min(pledges)]
    return pledges[max(known)]


def period(year: int, signed_on: date) -> tuple[date, date]:
    """The days a declaration of ``year`` signed on ``signed_on`` covers: the calendar year, or
    DECLARATION_VALID_MONTHS from the day it was signed when that setting is not 0."""
    months = current_app.config["DECLARATION_VALID_MONTHS"]
    if months <= 0:
        return date(year, 1, 1), date(year, 12, 31)
    start = max(signed_on, date(year, 1, 1))
    return start, start + relativedelta(months=months) - timedelta(days=1)


def years_open(today: date | None = None) -> list[int]:
    """The years one may sign for: this one, and the next in December (audits in January)."""
    today = today or local_today()
    return [today.year, today.year + 1] if today.month == 12 else [today.year]


def declares(user: User) -> bool:
    return user.role in DECLARING_ROLES


def declaration_on(user_id: int, day: date) -> ImpartialityDeclaration | None:
    return db.session.scalar(
        sa.select(ImpartialityDeclaration)
        .where(
            ImpartialityDeclaration.user_id == user_id,
            ImpartialityDeclaration.valid_from <= day,
            ImpartialityDeclaration.valid_until >= day,
        )
        .order_by(ImpartialityDeclaration.valid_until.desc())
        .limit(1)
    )


def declarations_of(user: User) -> list[ImpartialityDeclaration]:
    return list(
        db.session.scalars(
            sa.select(ImpartialityDeclaration)
            .where(ImpartialityDeclaration.user_id == user.id)
            .order_by(ImpartialityDeclaration.year.desc())
        )
    )


def conflicts_of(user: User) -> list[ConflictOfInterest]:
    return list(
        db.session.scalars(
            sa.select(ConflictOfInterest)
            .where(ConflictOfInterest.user_id == user.id)
            .order_by(ConflictOfInterest.starts_on.desc(), ConflictOfInterest.id.desc())
        )
    )


def sign(user: User, year: int, locale: str) -> ImpartialityDeclaration:
    """``user`` signs the pledge of ``year`` (their ticked confirmation checked by the form)."""
    if not declares(user):
        raise DeclarationError(_("Only evaluators and alliance reviewers sign this declaration."))
    if year not in years_open():
        raise DeclarationError(_("Choose this year (or, in December, the next)."), "year")
    exists = db.session.scalar(
        sa.select(
            sa.exists().where(
                ImpartialityDeclaration.user_id == user.id, ImpartialityDeclaration.year == year
            )
        )
    )
    if exists:
        raise DeclarationError(
            _("You have already signed the declaration for %(year)d.", year=year), "year"
        )
    valid_from, valid_until = period(year, local_today())
    declaration = ImpartialityDeclaration(
        user_id=user.id,
        year=year,
        pledge_version=pledge_for(year).version,
        valid_from=valid_from,
        valid_until=valid_until,
        signed_at=utcnow(),
    )
    db.session.add(declaration)
    db.session.flush()
    return declaration


def enterprise_by_id(organisation_id: int) -> Organisation | None:
    org = db.session.get(Organisation, organisation_id)
    return org if org is not None and org.kind == OrgKind.ENTERPRISE else None


def add_conflict(
    user: User,
    *,
    organisation_id: int | None,
    name: str,
    credit_code: str,
    relation: ConflictRelation,
    starts_on: date,
    ends_on: date | None,
) -> ConflictOfInterest:
    """A conflict of ``user`` with an enterprise on Certpath (by id) or not (name and code)."""
    if not declares(user):
        raise DeclarationError(_("Only evaluators and alliance reviewers declare conflicts."))
    if ends_on is not None and ends_on < starts_on:
        raise DeclarationError(_("The end date must not lie before the start date."), "ends_on")
    if starts_on > local_today():
        raise DeclarationError(_("The start date must not lie in the future."), "starts_on")
    organisation = None
    if organisation_id is not None:
        organisation = enterprise_by_id(organisation_id)
        if organisation is None:
            raise DeclarationError(_("Choose an enterprise from the list."), "organisation_id")
        name, credit_code = organisation.name, organisation.credit_code or ""
    else:
        name, credit_code = name.strip(), credit_code.strip()
        if not name:
            raise DeclarationError(_("Give the organisation's name."), "name")
        problem = credit_code_problem(credit_code)
        if problem:
            raise DeclarationError(problem, "credit_code")
        organisation = db.session.scalar(
            sa.select(Organisation).where(Organisation.credit_code == credit_code)
        )
    conflict = ConflictOfInterest(
        user_id=user.id,
        organisation_id=organisation.id if organisation is not None else None,
        name=name,
        credit_code=credit_code,
        relation=relation,
        starts_on=starts_on,
        ends_on=ends_on,
        declared_at=utcnow(),
    )
    db.session.add(conflict)
    db.session.flush()
    return conflict


def enterprise_search(term: str, limit: int = 20) -> list[Organisation]:
    """Enterprises on Certpath by name or credit code, for the conflict form's list."""
    term = term.strip()
    if not term:
        return []
    pattern = f"%{term.replace('%', '').replace('_', '')}%"
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(
                Organisation.kind == OrgKind.ENTERPRISE,
                sa.or_(Organisation.name.like(pattern), Organisation.credit_code.like(pattern)),
            )
            .order_by(Organisation.name)
            .limit(limit)
        )
    )


# --- the rule -----------------------------------------------------------------------------------


def _conflict_clause(enterprise: Organisation, starts: date, ends: date) -> sa.ColumnElement[bool]:
    same = ConflictOfInterest.organisation_id == enterprise.id
    if enterprise.credit_code:
        same = sa.or_(same, ConflictOfInterest.credit_code == enterprise.credit_code)
    return sa.and_(
        same,
        ConflictOfInterest.starts_on <= ends,
        sa.or_(ConflictOfInterest.ends_on.is_(None), ConflictOfInterest.ends_on >= starts),
    )


def states(
    user_ids: Iterable[int], enterprise: Organisation, starts: date, ends: date | None = None
) -> dict[int, str]:
    """Each person's standing for ``enterprise`` over ``starts``–``ends`` (two queries)."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    ends = ends or starts
    declared = set(
        db.session.scalars(
            sa.select(ImpartialityDeclaration.user_id).where(
                ImpartialityDeclaration.user_id.in_(ids),
                ImpartialityDeclaration.valid_from <= starts,
                ImpartialityDeclaration.valid_until >= starts,
            )
        )
    )
    conflicted = set(
        db.session.scalars(
            sa.select(ConflictOfInterest.user_id).where(
                ConflictOfInterest.user_id.in_(ids), _conflict_clause(enterprise, starts, ends)
            )
        )
    )
    return {
        uid: CONFLICT if uid in conflicted else DECLARED if uid in declared else UNDECLARED
        for uid in ids
    }


def refusal(
    user: User, enterprise: Organisation, starts: date | None = None, ends: date | None = None
) -> str | None:
    """Why ``user`` may not audit ``enterprise`` or decide its review over ``starts``–``ends``
    (default today), naming the person and the rule; None when they may."""
    starts = starts or local_today()
    ends = ends or starts
    if declaration_on(user.id, starts) is None:
        return _(
            "%(name)s has no valid impartiality declaration for %(date)s: a person who has not "
            "signed the yearly declaration cannot sit on an audit team or decide a review.",
            name=user.name,
            date=starts.isoformat(),
        )
    conflict = db.session.scalar(
        sa.select(ConflictOfInterest)
        .where(ConflictOfInterest.user_id == user.id, _conflict_clause(enterprise, starts, ends))
        .limit(1)
    )
    if conflict is not None:
        return _(
            "%(name)s declared a conflict of interest with %(enterprise)s (%(relation)s): "
            "they cannot audit this enterprise or decide its review.",
            name=user.name,
            enterprise=enterprise.name,
            relation=conflict.relation.title,
        )
    return None


def undeclared_people(today: date | None = None) -> sa.Select[tuple[User]]:
    """Active evaluators and alliance reviewers without a declaration valid ``today``."""
    today = today or local_today()
    return sa.select(User).where(
        User.role.in_(DECLARING_ROLES),
        User.active.is_(True),
        ~sa.exists().where(
            ImpartialityDeclaration.user_id == User.id,
            ImpartialityDeclaration.valid_from <= today,
            ImpartialityDeclaration.valid_until >= today,
        ),
    )


def end_conflict(conflict: ConflictOfInterest, ends_on: date) -> None:
    """The relation ended on ``ends_on`` (kept on record, no longer current)."""
    if ends_on < conflict.starts_on:
        raise DeclarationError(_("The end date must not lie before the start date."), "ends_on")
    if conflict.ends_on is not None:
        raise DeclarationError(_("This conflict has already ended."))
    conflict.ends_on = ends_on
    db.session.flush()
