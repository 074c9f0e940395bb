"""Character n-gram tokens of names, for substring search served by an index.

A name's tokens are its single characters and its pairs of adjacent characters, after
normalising: NFKC (full-width letters and digits become ASCII), lower case, spaces and
punctuation left out. 上海（浦东）机械 → 上海浦东机械 → 上, 海, 浦, 东, 机, 械, 上海, 海浦, 浦东,
东机, 机械. A search term's words must then all be among the name's tokens: one character is
one token, a longer word gives its pairs (机械厂 → 机械, 械厂); the pairs narrow the rows down
through a GIN index on PostgreSQL, and a LIKE on those few rows checks their order.

Pure functions (no database, no app): models keep the tokens on write, the search builds
its conditions from the same functions, and a migration keeps its own frozen copy.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine.default import DefaultExecutionContext

# text[] with a GIN index on PostgreSQL; SQLite keeps the list as JSON (and searches by LIKE).
TOKENS_TYPE = postgresql.ARRAY(sa.Text).with_variant(sa.JSON(), "sqlite")


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def normalise(text: str) -> str:
    """NFKC, lower case, letters and digits only: ``上海 （浦东）ＡＢ-1`` → ``上海浦东ab1``."""
    return "".join(ch for ch in _folded(text) if ch.isalnum())


def _grams(text: str) -> set[str]:
    return set(text) | {text[i : i + 2] for i in range(len(text) - 1)}


def name_tokens(name: str | None) -> list[str]:
    """The unigrams and bigrams of the normalised name, sorted (a stable column value)."""
    return sorted(_grams(normalise(name or "")))


def term_words(term: str) -> list[str]:
    """The words of a search term: normalised, split at spaces and punctuation.
    ``上海 机械`` → ``["上海", "机械"]``; ``--`` → ``[]``."""
    words: list[str] = []
    current: list[str] = []
    for ch in _folded(term):
        if ch.isalnum():
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def term_tokens(words: Iterable[str]) -> list[str]:
    """The tokens every matching name has: a one-character word itself, a longer word its
    bigrams (which imply its characters). Sorted, without repeats."""
    tokens: set[str] = set()
    for word in words:
        if len(word) == 1:
            tokens.add(word)
        else:
            tokens.update(word[i : i + 2] for i in range(len(word) - 1))
    return sorted(tokens)


def tokens_default(name_column: str) -> Callable[[DefaultExecutionContext], list[str]]:
    """A column default computing the tokens from the row's name: covers inserts that do not
    go through a model instance (``insert(Certificate)`` with a list of rows)."""

    def default(context: DefaultExecutionContext) -> list[str]:
        return name_tokens(context.get_current_parameters().get(name_column))

    return default


def keep_tokens(name: Any, tokens_attribute: str) -> None:
    """Whenever ``name`` (a mapped attribute) is set on an instance — in the constructor, by a
    form, by a service — its tokens are set beside it, so they are flushed together."""

    @sa.event.listens_for(name, "set")
    def _set(target: object, value: str | None, _old: object, _initiator: object) -> None:
        setattr(target, tokens_attribute, name_tokens(value))
