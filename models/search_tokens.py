"""Character n-gram tokens of names, for substring search served by an index.

A name's tokens are its single characters and its pairs of adjacent characters, after
normalising: NFKC (full-width letters and digits become ASCII), lower case, spaces and
punctuation left out. 上海（浦东）机械 → 上海浦东机械 → 上, 海, 浦, 东, 机, 械, 上海, 海浦, 浦东,
东机, 机械. A search term's words must then all be among the name's tokens: one character is
one token, a longer word gives its pairs (机械厂 → 机械, 械厂); the pairs narrow the rows down
through a GIN index on PostgreSQL, and a LIKE on those few rows checks their order.

The name's pinyin initials (models/pinyin.py, kept in their own column: 上海浦东机械 →
shpdjx) add their pairs of adjacent letters marked ``^`` (^sh, ^hp, ^pd, ^dj, ^jx) and their
first two marked ``<`` (<sh) to the same tokens: a search by initials goes through the same
GIN index, the marks keep it apart from a name's own Latin letters, and the first pair serves
a two-letter term by its beginning (``gs`` begins few names, yet every 公司 holds it).

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

from models.pinyin import initials as name_initials

# text[] with a GIN index on PostgreSQL; SQLite keeps the list as JSON (and searches by LIKE).
TOKENS_TYPE = postgresql.ARRAY(sa.Text).with_variant(sa.JSON(), "sqlite")


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def normalise(text: str) -> str:
    """NFKC, lower case, letters and digits only: ``上海 （浦东）ＡＢ-1`` → ``上海浦东ab1``."""
    return "".join(ch for ch in _folded(text) if ch.isalnum())


def _grams(text: str) -> set[str]:
    return set(text) | {text[i : i + 2] for i in range(len(text) - 1)}


INITIALS_PAIR = "^"  # ^jx: two adjacent initials
INITIALS_START = "<"  # <sh: the first two initials
# A term is searched among the initials too when it is one word of this many ASCII letters
# and digits with a letter among them; a shorter term would match the beginning of too many
# names, and a longer one is no one's initials.
INITIALS_TERM_LENGTH = (2, 12)


def initials_tokens(initials: str) -> set[str]:
    """The tokens of a name's initials: ``szjg`` → <sz, ^sz, ^zj, ^jg."""
    tokens = {INITIALS_PAIR + initials[i : i + 2] for i in range(len(initials) - 1)}
    if len(initials) >= 2:
        tokens.add(INITIALS_START + initials[:2])
    return tokens


def name_tokens(name: str | None, initials: str | None = None) -> list[str]:
    """The unigrams and bigrams of the normalised name and the tokens of its initials
    (computed unless given), sorted (a stable column value)."""
    if initials is None:
        initials = name_initials(name)
    return sorted(_grams(normalise(name or "")) | initials_tokens(initials))


def initials_term(term: str) -> str | None:
    """The term as initials to look for (lower case), or None when it cannot be any:
    ``SZJG`` → ``szjg``; ``深圳``, ``s``, ``sz jg``, ``9144`` → None."""
    words = term_words(term)
    if len(words) != 1:
        return None
    (word,) = words
    shortest, longest = INITIALS_TERM_LENGTH
    if not (shortest <= len(word) <= longest and word.isascii() and word.isalnum()):
        return None
    return word if any(ch.isalpha() for ch in word) else None


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


def initials_term_tokens(letters: str) -> list[str]:
    """The tokens every name whose initials match the term has: two letters begin the
    initials (<sz), more are found anywhere in them (^sz, ^zj, ^jg: a LIKE checks the order)."""
    if len(letters) == 2:
        return [INITIALS_START + letters]
    return sorted({INITIALS_PAIR + letters[i : i + 2] for i in range(len(letters) - 1)})


def tokens_default(name_column: str) -> Callable[[DefaultExecutionContext], list[str]]:
    """A column default computing the tokens from the row's name: covers inserts that do not
    go through a model instance (``insert(Certificate)`` with a list of rows)."""

    def default(context: DefaultExecutionContext) -> list[str]:
        return name_tokens(context.get_current_parameters().get(name_column))

    return default


def initials_default(name_column: str) -> Callable[[DefaultExecutionContext], str]:
    """The same for the initials column."""

    def default(context: DefaultExecutionContext) -> str:
        return name_initials(context.get_current_parameters().get(name_column))

    return default


def keep_tokens(name: Any, tokens_attribute: str, initials_attribute: str) -> None:
    """Whenever ``name`` (a mapped attribute) is set on an instance — in the constructor, by a
    form, by a service — its initials and tokens are set beside it, so they are flushed
    together."""

    @sa.event.listens_for(name, "set")
    def _set(target: object, value: str | None, _old: object, _initiator: object) -> None:
        initials = name_initials(value)
        setattr(target, initials_attribute, initials)
        setattr(target, tokens_attribute, name_tokens(value, initials))
