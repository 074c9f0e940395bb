"""The pinyin initials of a name, the way government-service platforms let people search:
深圳精工机械有限公司 → ``szjgjxyxgs``, so that ``szjg`` finds it.

One reading per name, pypinyin's: its phrase dictionary reads the polyphones of company and
place names from their context (重庆 chong → ``cq``, 银行 hang → ``yh``, 长沙 chang → ``cs``,
厦门 ``xm``, 乐清 ``yq``, 蚌埠 ``bb``, 成长 zhang → ``cz``), which is what people type. Storing
every reading of every polyphone instead would multiply the alternatives (有 限 公 司 have
rare readings too) and match names nobody meant. One exception, checked on real names:
长 standing alone, outside any dictionary phrase, is read zhang by pypinyin, yet in a name it
is a place (长宁, 长治, 长丰, 长清, 长泰…) or "long" (长信, 长盛): chang, ``c``.

Latin letters and digits of mixed names are kept whole (3M中国 → ``3mzg``, ABC科技 →
``abckj``), full-width ones as ASCII; punctuation and anything else is left out.

pypinyin's dictionaries take ~55 MB and ~0.4 s to load: imported on the first name written,
not when a worker starts; a name takes ~0.1 ms.
"""

from __future__ import annotations

import unicodedata

# The columns' length: as long as the names' (NFKC may lengthen a name: ㈱ → (株)).
LONGEST = 200
# A one-character segment (outside any phrase of the dictionary) read otherwise in names.
_NAME_READINGS = {"长": "c"}


def initials(name: str | None) -> str:
    """Lower-case initials of the name's Chinese characters, with its ASCII letters and
    digits: ``长宁ABC（上海）-1号`` → ``cnabcsh1h``."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    if not text:
        return ""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.seg.mmseg import seg

    # The segments lazy_pinyin would find itself, so that a lone 长 can be told apart from
    # 长沙 or 成长 (a pre-segmented list is read segment by segment).
    segments = [_NAME_READINGS.get(s, s) for s in seg.cut(text)]
    letters = "".join(lazy_pinyin(segments, style=Style.FIRST_LETTER))
    return "".join(ch for ch in letters if ch.isascii() and ch.isalnum())[:LONGEST]
