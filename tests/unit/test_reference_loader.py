"""The reference-data loader against a real (SQLite) database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.extensions import db
from blueprints.reference.loader import (
    INDUSTRIES_CSV,
    REGIONS_DIR,
    ReferenceDataError,
    english_name,
    load_industries,
    load_regions,
)
from models.reference import Industry, IndustryLevel, Region, RegionLevel

HEADER = "code,level,section,name,name_en\n"


@pytest.fixture
def ref_app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh database per test: the loaders must work from empty and on top of themselves."""
    app = create_app(
        {
            "ENV": "testing",
            "DATABASE_URL": f"sqlite:///{tmp_path}/t.sqlite3",
            "SECRET_KEY": "x" * 40,
        }
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def count(model, **filters) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**filters))


def region(code: str) -> Region:
    return db.session.get(Region, code)


# --- industries ------------------------------------------------------------------------


def test_industries_load_all_sections_and_divisions(ref_app):
    result = load_industries()

    assert (result.inserted, result.updated, result.unchanged) == (117, 0, 0)
    assert count(Industry, level=IndustryLevel.SECTION) == 20
    assert count(Industry, level=IndustryLevel.DIVISION) == 97
    divisions = db.session.scalars(
        sa.select(Industry).filter_by(level=IndustryLevel.DIVISION)
    ).all()
    assert all(d.section and d.section.level is IndustryLevel.SECTION for d in divisions)
    assert db.session.get(Industry, "39").name == "计算机、通信和其他电子设备制造业"
    assert db.session.get(Industry, "39").section_code == "C"
    assert db.session.get(Industry, "53").section_code == "G"
    assert db.session.get(Industry, "97").section_code == "T"
    assert db.session.get(Industry, "A").name == "农、林、牧、渔业"


def test_industries_second_load_changes_nothing(ref_app):
    load_industries()
    result = load_industries()
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 117)
    assert result.summary() == "0 inserted, 0 updated, 117 unchanged"


def test_industries_changed_name_is_updated(ref_app, tmp_path):
    load_industries()
    changed = tmp_path / "industries.csv"
    text = INDUSTRIES_CSV.read_text(encoding="utf-8")
    changed.write_text(text.replace(",农业,", ",种植业,"), encoding="utf-8")

    result = load_industries(changed)

    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 116)
    assert db.session.get(Industry, "01").name == "种植业"


def test_industries_only_flush_so_the_caller_decides(ref_app):
    load_industries()
    db.session.rollback()
    assert count(Industry) == 0


@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        ("A,section,,农业,Agri\n1X,division,A,农业,Agri\n", 3, "two digits"),
        ("A,section,,农业,Agri\n01,division,Z,农业,Agri\n", 3, "unknown section 'Z'"),
        ("a,section,,农业,Agri\n", 2, "capital letter"),
        ("A,section,,农业,Agri\nA,section,,又,Again\n", 3, "duplicate"),
        ("A,section,,农业,Agri\n01,group,A,农业,Agri\n", 3, "level"),
        ("A,section,,农业\n", 2, "number of fields"),
    ],
)
def test_industries_malformed_row_names_file_and_line(ref_app, tmp_path, rows, line, message):
    bad = tmp_path / "bad-industries.csv"
    bad.write_text(HEADER + rows, encoding="utf-8")

    with pytest.raises(ReferenceDataError) as excinfo:
        load_industries(bad)

    assert f"bad-industries.csv:{line}:" in str(excinfo.value)
    assert message in str(excinfo.value)


# --- regions ---------------------------------------------------------------------------


def test_regions_load_the_mainland_hierarchy(ref_app):
    result = load_regions()

    assert result.updated == result.unchanged == 0
    assert count(Region, level=RegionLevel.PROVINCE) == 31
    assert count(Region, level=RegionLevel.PREFECTURE) > 300
    assert count(Region, level=RegionLevel.COUNTY) > 2800
    assert result.inserted == count(Region)
    orphans = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Region)
        .where(Region.level != RegionLevel.PROVINCE)
        .where(~Region.parent_code.in_(sa.select(Region.code)))
    )
    assert orphans == 0
    assert count(Region, level=RegionLevel.PROVINCE, parent_code=None) == 31
    assert count(Region, parent_code=None) == 31
    assert region("710000") is None and region("810000") is None


def test_regions_parents_and_english_names(ref_app):
    load_regions()

    assert region("310115").name == "浦东新区"
    assert region("310115").parent_code == "310000"  # a municipality's district
    assert region("440106").parent_code == "440100"
    assert region("440100").parent_code == "440000"
    assert region("419001").parent_code == "410000"  # 济源市, directly under the province
    assert region("419000") is None  # the 省直辖 grouping is not a prefecture
    assert region("310000").name_en == "Shanghai"
    assert region("150000").name_en == "Inner Mongolia"
    assert region("610000").name_en == "Shaanxi"
    assert region("140000").name_en == "Shanxi"
    assert region("440106").name_en == "Tianhe District"
    assert region("310115").name_en == "Pudong New Area"


def test_regions_second_load_changes_nothing(ref_app):
    first = load_regions()
    second = load_regions()
    assert (second.inserted, second.updated) == (0, 0)
    assert second.unchanged == first.inserted


def test_regions_missing_source_tells_to_run_make_regions(ref_app, tmp_path):
    with pytest.raises(ReferenceDataError, match="make regions"):
        load_regions(tmp_path / "nowhere")


def test_regions_wrong_province_count_is_refused(ref_app, tmp_path):
    source = tmp_path / "dist"
    source.mkdir()
    for name in ("province.csv", "city.csv", "area.csv"):
        shutil.copy(REGIONS_DIR / name, source / name)
    lines = (source / "province.csv").read_text(encoding="utf-8").splitlines()
    (source / "province.csv").write_text(
        "\n".join(line for line in lines if not line.startswith("650000")), encoding="utf-8"
    )

    with pytest.raises(ReferenceDataError, match="expected 31 provinces"):
        load_regions(source)


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("广东省", "Guangdong"),
        ("广州市", "Guangzhou"),
        ("昆山市", "Kunshan"),
        ("宁乡县", "Ningxiang County"),
        ("锡林郭勒盟", "Xilinguolei League"),
        ("阿里地区", "Ali Prefecture"),
        ("恩施土家族苗族自治州", "Enshi Tujia and Miao Autonomous Prefecture"),
        ("长阳土家族自治县", "Changyang Tujia Autonomous County"),
        ("鄂伦春自治旗", "Oroqen Autonomous Banner"),
        ("清新区", "Qingxin District"),
        ("西安市", "Xi'an"),
    ],
)
def test_english_name(name, english):
    assert english_name(name) == english
