"""Both catalogues translate every string the code and templates show."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def extracted_ids() -> set[str]:
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg", encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj)
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


@pytest.fixture(scope="module")
def ids() -> set[str]:
    found = extracted_ids()
    assert len(found) > 100, "extraction found suspiciously few strings"
    return found


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_catalogue_is_complete(ids, locale):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as fileobj:
        catalogue = read_po(fileobj)
    missing, fuzzy, empty = [], [], []
    for msgid in sorted(ids):
        message = catalogue.get(msgid)
        if message is None:
            missing.append(msgid)
        elif message.fuzzy:
            fuzzy.append(msgid)
        elif not (all(message.string) if isinstance(message.string, tuple) else message.string):
            empty.append(msgid)
    assert not missing, f"{locale}: not in the catalogue (run make update-messages): {missing[:10]}"
    assert not fuzzy, f"{locale}: fuzzy: {fuzzy[:10]}"
    assert not empty, f"{locale}: untranslated: {empty[:10]}"


def test_chinese_catalogue_is_really_chinese(ids):
    with open(ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po", "rb") as fileobj:
        catalogue = read_po(fileobj)
    same = [
        m.id
        for m in catalogue
        if m.id and m.string == m.id and any(c.isalpha() for c in m.id) and m.id not in {"Certpath"}
    ]
    assert not same, f"zh entries left in English: {same[:10]}"
