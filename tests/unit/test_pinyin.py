"""The pinyin initials of names (models/pinyin.py)."""

import pytest

from models.pinyin import LONGEST, initials


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("深圳精工机械有限公司", "szjgjxyxgs"),
        # Latin letters and digits of mixed names stay whole, lower case, full width as ASCII.
        ("3M中国有限公司", "3mzgyxgs"),
        ("深圳ABC智能科技（集团）股份有限公司", "szabcznkjjtgfyxgs"),
        ("上海ＡＢ-1号", "shab1h"),
        ("Jinan Auto Parts Co., Ltd.", "jinanautopartscoltd"),
        # Punctuation and spaces go.
        ("上海（浦东）·机械 二分厂", "shpdjxefc"),
        ("", ""),
        (None, ""),
        ("（）", ""),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # pypinyin's phrase dictionary reads polyphones from their context.
        ("重庆钢铁", "cqgt"),  # chong, not zhong
        ("重型机械厂", "zxjxc"),  # zhong
        ("招商银行", "zsyh"),  # hang, not xing
        ("长沙中联重科", "cszlzk"),  # chang
        ("长城汽车", "ccqc"),
        ("厦门航空", "xmhk"),  # xia, not sha
        ("乐清电器", "yqdq"),  # yue, not le
        ("六安", "la"),  # lu
        ("成长科技", "czkj"),  # cheng zhang
        ("长者养老", "zzyl"),  # zhang zhe: a phrase
        # A 长 outside any phrase of the dictionary is a place or "long" in a name: chang
        # (pypinyin alone reads zhang).
        ("长宁区精工", "cnqjg"),
        ("长治钢铁", "czgt"),
        ("湖南长丰机械", "hncfjx"),
        ("长信科技", "cxkj"),
    ],
)
def test_polyphones_read_as_in_names(name, expected):
    assert initials(name) == expected


def test_initials_fit_the_column():
    assert initials("ﬃ" * 100) == ("ffi" * 100)[:LONGEST]  # NFKC: ﬃ is ffi, 300 letters
