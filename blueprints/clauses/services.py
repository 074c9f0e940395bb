"""Clause catalogue queries and changes. Only flushes: the request commits."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from app.extensions import db
from blueprints.reference.loader import clause_parent, clause_sort_key
from models import Clause

# Far above the ~60 clauses of the standard: a bound, not a page size.
LIST_LIMIT = 500


class ClauseError(Exception):
    """A refused change; ``field`` names the form field to attach the message to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def search(q: str | None) -> tuple[list[Clause], bool]:
    """Clauses in standard order, filtered by code prefix or title; (rows, truncated).

    One SELECT, bounded by LIST_LIMIT (one row more tells whether the list was cut).
    """
    query = sa.select(Clause)
    term = (q or "").strip()
    if term:
        query = query.where(
            sa.or_(
                Clause.code.startswith(term, autoescape=True),
                Clause.title.contains(term, autoescape=True),
                sa.func.lower(Clause.title_en).contains(term.lower(), autoescape=True),
            )
        )
    rows = list(db.session.scalars(query.order_by(Clause.sort_key).limit(LIST_LIMIT + 1)))
    return rows[:LIST_LIMIT], len(rows) > LIST_LIMIT


def get_or_404(code: str) -> Clause:
    clause = db.session.get(Clause, code)
    if clause is None:
        abort(404)
    return clause


def update(clause: Clause, *, title: str, title_en: str, active: bool) -> None:
    clause.title = title.strip()
    clause.title_en = title_en.strip()
    clause.active = active
    db.session.flush()


def add(code: str, *, title: str, title_en: str, active: bool = True) -> Clause:
    """Add a clause; the form has checked the code's format, this checks the catalogue."""
    code = code.strip()
    if db.session.get(Clause, code) is not None:
        raise ClauseError(_("Clause %(code)s already exists.", code=code), "code")
    parent = clause_parent(code)
    if parent is not None and db.session.get(Clause, parent) is None:
        raise ClauseError(
            _("Clause %(parent)s does not exist: add it before its sub-clauses.", parent=parent),
            "code",
        )
    clause = Clause(
        code=code,
        title=title.strip(),
        title_en=title_en.strip(),
        sort_key=clause_sort_key(code),
        active=active,
    )
    db.session.add(clause)
    db.session.flush()
    return clause
