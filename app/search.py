"""Search conditions the lists share: a name by its character tokens, a code by its prefix.

The register and the organisation list search names by substring, and people mostly type
two Chinese characters (机械, 化工): too short for pg_trgm's trigrams, and a LIKE '%机械%'
reads the whole table. Every name keeps its characters and character pairs in a token column
(models/search_tokens.py) with a GIN index on PostgreSQL: the term's words must all be among
a name's tokens (the index finds those rows), and a case-insensitive LIKE on them checks that
the words appear in this order. SQLite, the small installation, runs the same LIKE alone:
both give the same rows.

A term of Latin letters (2 to 12, ``szjg`` or ``SZJG``) is also looked for among the names'
pinyin initials (深圳精工机械有限公司 → szjgjxyxgs), as government-service platforms allow:
two letters begin the initials, three or more may stand anywhere in them. Their tokens are in
the same column and index; a term with Chinese characters searches the name only.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from app.extensions import db
from models import Organisation
from models.search_tokens import (
    TOKENS_TYPE,
    initials_term,
    initials_term_tokens,
    term_tokens,
    term_words,
)


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def name_matches(
    name: QueryableAttribute[str],
    tokens: QueryableAttribute[list[str]],
    term: str,
    *,
    initials: QueryableAttribute[str],
) -> sa.ColumnElement[bool]:
    """Rows whose ``name`` contains the term's words (split at spaces and punctuation) in
    this order, ignoring case: ``上海 机械`` finds 上海精工机械有限公司; or whose pinyin
    ``initials`` match a term of Latin letters (``shjg``). ``tokens`` is the name's token
    column."""
    by_name = _name_contains(name, tokens, term)
    letters = initials_term(term)
    if letters is None:
        return by_name
    return sa.or_(by_name, _initials_match(initials, tokens, letters))


def _initials_match(
    initials: QueryableAttribute[str], tokens: QueryableAttribute[list[str]], letters: str
) -> sa.ColumnElement[bool]:
    """Initials that begin with two letters, or hold three or more (lower case, stored so)."""
    pattern = letters + "%" if len(letters) == 2 else "%" + letters + "%"
    if not _on_postgresql():
        return initials.like(pattern)
    has_tokens = tokens.contains(
        sa.literal(initials_term_tokens(letters), TOKENS_TYPE, literal_execute=True)
    )
    if len(letters) == 2:
        return has_tokens  # the first pair's token says it all
    return sa.and_(has_tokens, initials.like(sa.literal(pattern, literal_execute=True)))


def _name_contains(
    name: QueryableAttribute[str], tokens: QueryableAttribute[list[str]], term: str
) -> sa.ColumnElement[bool]:
    words = term_words(term)
    if not words:  # only punctuation: the plain substring, as typed
        return name.contains(term.strip(), autoescape=True)
    pattern = "%" + "%".join(words) + "%"  # words hold no LIKE wildcards
    if not _on_postgresql():
        return name.ilike(pattern)
    # Written into the statement, not bound: a prepared statement's generic plan cannot tell
    # 公司 (every row: read in date order) from 华瑞 (a few rows: the index), PostgreSQL's plan
    # with the values can. (Words are letters and digits; the literals are quoted anyway.)
    has_tokens = tokens.contains(sa.literal(term_tokens(words), TOKENS_TYPE, literal_execute=True))
    if len(words) == 1 and len(words[0]) == 1:
        return has_tokens  # one character: its token says it all
    return sa.and_(has_tokens, name.ilike(sa.literal(pattern, literal_execute=True)))


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix_of(column: QueryableAttribute[str | None], term: str) -> sa.ColumnElement[bool]:
    """Codes (certificate numbers, credit codes; stored upper-case) starting with the term:
    ``number LIKE 'CSAIII-931%'``, which an index with the pattern operator class serves; a
    whole code is its own prefix."""
    return column.like(_escaped(term.strip().upper()) + "%", escape="\\")


def any_contains(term: str, *columns: Any) -> sa.ColumnElement[bool]:
    """Rows where one of ``columns`` contains the term as typed (case-insensitive; ``%`` and
    ``_`` are the characters themselves): a small list's search box."""
    pattern = "%" + _escaped(term.strip()) + "%"
    return sa.or_(*(column.ilike(pattern, escape="\\") for column in columns))


def organisation_matches(term: str) -> sa.ColumnElement[bool]:
    """Organisations whose name contains the term's words, or whose credit code starts with it:
    one search box for both."""
    return sa.or_(
        name_matches(
            Organisation.name, Organisation.name_tokens, term, initials=Organisation.name_initials
        ),
        prefix_of(Organisation.credit_code, term),
    )
