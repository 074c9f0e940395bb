"""Character n-gram tokens of names and search terms (models/search_tokens.py)."""

import pytest

from models.pinyin import initials
from models.search_tokens import (
    initials_term,
    initials_term_tokens,
    initials_tokens,
    name_tokens,
    normalise,
    term_tokens,
    term_words,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上海机械", "上海机械"),
        ("上海 （浦东）机械", "上海浦东机械"),  # spaces and full-width punctuation go
        ("ＡＢＣ科技", "abc科技"),  # NFKC: full-width Latin is ASCII
        ("Shanghai Zhizao Co., Ltd.", "shanghaizhizaocoltd"),
        ("１２３号·二期", "123号二期"),
        ("", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def chars(name):
    """The name's own tokens, without its initials'."""
    return name_tokens(name, initials="")


def test_a_name_has_its_characters_and_its_pairs():
    assert chars("上海机械") == sorted({"上", "海", "机", "械", "上海", "海机", "机械"})
    assert chars("上海（浦东）") == sorted({"上", "海", "浦", "东", "上海", "海浦", "浦东"})
    assert chars("AbA") == ["a", "ab", "b", "ba"]  # no repeats, sorted
    assert chars("机") == ["机"]
    assert name_tokens("") == name_tokens(None) == name_tokens("（）") == []


def test_a_name_has_its_initials_pairs_and_their_beginning():
    assert name_tokens("上海机械") == sorted(
        {"上", "海", "机", "械", "上海", "海机", "机械", "<sh", "^sh", "^hj", "^jx"}
    )
    assert initials_tokens("abab") == {"<ab", "^ab", "^ba"}
    assert name_tokens("机") == ["机"]  # one letter: no pair


@pytest.mark.parametrize(
    ("term", "letters"),
    [
        ("szjg", "szjg"),
        ("SZJG", "szjg"),
        (" ｓｚｊｇ ", "szjg"),  # full width, spaces around
        ("sz", "sz"),
        ("3mzg", "3mzg"),
        ("abcdefghijkl", "abcdefghijkl"),  # 12 letters
        ("abcdefghijklm", None),  # 13
        ("s", None),
        ("sz jg", None),  # two words
        ("深圳", None),
        ("sz精工", None),  # Chinese: the name only
        ("91440300", None),  # digits only: a code
        ("", None),
    ],
)
def test_which_terms_are_initials(term, letters):
    assert initials_term(term) == letters


def test_the_tokens_initials_require():
    assert initials_term_tokens("sz") == ["<sz"]  # two letters: the beginning
    assert initials_term_tokens("szjg") == ["^jg", "^sz", "^zj"]  # more: anywhere
    assert initials_term_tokens("abab") == ["^ab", "^ba"]


@pytest.mark.parametrize(
    ("term", "words"),
    [
        ("机械", ["机械"]),
        ("  上海 机械 ", ["上海", "机械"]),
        ("上海，机械", ["上海", "机械"]),
        ("ＡＢＣ", ["abc"]),
        ("CSAIII-931", ["csaiii", "931"]),
        ("--", []),
        ("", []),
    ],
)
def test_the_words_of_a_term(term, words):
    assert term_words(term) == words


@pytest.mark.parametrize(
    ("words", "tokens"),
    [
        (["机"], ["机"]),  # one character: itself
        (["机械"], ["机械"]),  # two: the pair
        (["机械厂"], ["机械", "械厂"]),  # more: every pair (its characters follow)
        (["上海", "机"], ["上海", "机"]),
        (["机械", "机械"], ["机械"]),
        ([], []),
    ],
)
def test_the_tokens_a_term_requires(words, tokens):
    assert term_tokens(words) == tokens


NAMES = [
    "上海智造精密装备有限公司",
    "深圳ABC智能科技（集团）股份有限公司",
    "Jinan Quancheng Auto Parts Co., Ltd.",
    "济南泉城汽车零部件有限公司 二分厂",
]


@pytest.mark.parametrize("name", NAMES)
def test_every_piece_of_a_name_finds_it(name):
    """The index never loses a match: whatever part of a name is typed (in any case, with
    the name's own spaces and punctuation), its tokens are among the name's."""
    have = set(name_tokens(name))
    for start in range(len(name)):
        for end in range(start + 1, len(name) + 1):
            piece = name[start:end]
            for typed in (piece, piece.upper(), piece.lower()):
                assert set(term_tokens(term_words(typed))) <= have, typed


def test_pairs_across_words_are_not_required():
    """上海 机械 asks for 上海 and 机械, not for 海机: the words may stand apart."""
    assert term_tokens(term_words("上海 机械")) == ["上海", "机械"]
    assert not set(term_tokens(term_words("上海 机械"))) - set(name_tokens("上海精工机械"))


@pytest.mark.parametrize("name", NAMES)
def test_every_piece_of_the_initials_finds_the_name(name):
    """Their beginning (two letters) and any run of three or more: the tokens are there."""
    have = set(name_tokens(name))
    letters = initials(name)
    assert set(initials_term_tokens(letters[:2])) <= have
    for start in range(len(letters)):
        for end in range(start + 3, len(letters) + 1):
            assert set(initials_term_tokens(letters[start:end])) <= have, letters[start:end]
