"""The scenario catalogue of seed 004 annex 1: its three levels load as the annex lists them,
an industry's additions are its own, and a broken file is refused naming the field."""

from collections import Counter

import pytest

from blueprints.diagnosis import programmes, scenarios
from blueprints.diagnosis.scenarios import CatalogueError, level_of, parent_of
from tests.unit.diagnosis import broken_copy

CATALOGUE = scenarios.catalogue("changchun_2024")
SOURCE = scenarios.CATALOGUE_DIR / "changchun_2024.yaml"


def test_the_annex_three_levels():
    assert CATALOGUE is not None
    assert programmes.programme("changchun_pilot").scenarios == "changchun_2024"
    common = CATALOGUE.for_industry(None)
    firsts = [s.title.zh for s in common.values() if s.level == 1]
    assert firsts == [
        "产品生命周期数字化",
        "生产过程数字化",
        "产业链供应链数字化",
        "智能管理决策数字化",
    ]
    per_level = Counter(s.level for s in common.values())
    assert per_level == {1: 4, 2: 17, 3: 54}
    # Third levels per second level, as the annex's rows give them.
    thirds = Counter(parent_of(s.code) for s in common.values() if s.level == 3)
    assert thirds["1.1"] == 5 and thirds["2.7"] == 6 and thirds["3.2"] == 6
    assert common["1.1.1"].title.zh == "产品功能性能仿真测试"
    assert common["4.2.2"].title.zh == "业务中台建设"  # the annex's second 4.2.1
    for scenario in common.values():  # every level under the one above it
        if scenario.level > 1:
            assert parent_of(scenario.code) in common, scenario.code
        assert scenario.title.zh and scenario.title.en
    assert len({s.title.zh for s in common.values()}) == len(common)


def test_an_industry_adds_its_own_lower_levels():
    pharma, cars = CATALOGUE.for_industry("27"), CATALOGUE.for_industry("36")
    assert "2.3.6" in pharma and "2.3.6" not in cars and "2.3.6" not in CATALOGUE.for_industry("34")
    assert pharma["2.3.6"].division == "27" and pharma["2.3.1"].division is None
    assert list(pharma).index("2.3.6") == list(pharma).index("2.3.5") + 1  # in the annex's order
    assert set(CATALOGUE.for_industry(None)) < set(pharma)
    assert CATALOGUE.scenario("3.3.3").division == "36"  # the lists show any industry's


def test_search_by_scenario():
    assert CATALOGUE.matching("质量")[:5] == ["2.3.1", "2.3.2", "2.3.3", "2.3.4", "2.3.5"]
    assert CATALOGUE.matching("warehouse") == [f"3.2.{n}" for n in range(1, 7)]
    assert CATALOGUE.matching("2.7") == [f"2.7.{n}" for n in range(1, 7)]
    assert CATALOGUE.matching("  ") == [] and CATALOGUE.matching("无此场景") == []
    assert level_of("2") == 1 and level_of("2.7") == 2 and level_of("2.7.6") == 3


def _first_thirds(data):
    return data["scenarios"][0]["children"][0]["children"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: _first_thirds(d).append(dict(_first_thirds(d)[0])), "scenarios.1.1.1"),
        (lambda d: _first_thirds(d).append({"code": "1.2.9", "title": {"zh": "错", "en": "x"}}),
         "scenarios.1.2.9"),
        (lambda d: _first_thirds(d)[0].update(children=[{"code": "1.1.1.1"}]), "scenarios"),
        (lambda d: _first_thirds(d)[0].pop("title"), "scenarios.1.1.1"),
        (lambda d: d["scenarios"][0]["children"].append({"code": "2.9", "title": {"zh": "错",
                                                         "en": "x"}}), "scenarios.2.9"),
        (lambda d: d["industries"][0]["scenarios"].append({"code": "5", "title": {"zh": "新",
                                                           "en": "n"}}), "industries.27.5"),
        (lambda d: d["industries"][0]["scenarios"].append({"code": "9.1", "title": {"zh": "新",
                                                           "en": "n"}}), "industries.27.9.1"),
        (lambda d: d["industries"][0]["scenarios"][0]["children"].append(
            {"code": "2.3.1", "title": {"zh": "重", "en": "d"}}), "industries.27.2.3.1"),
        (lambda d: d["industries"][0]["scenarios"][0]["children"].append({"code": "2.3.7"}),
         "industries.27.2.3.7"),
        (lambda d: d["industries"].append(dict(d["industries"][0])), "industries"),
        (lambda d: d["industries"][0].update(division="C27"), "industries"),
        (lambda d: d.update(colour="red"), "colour"),
    ],
)  # fmt: skip
def test_a_broken_catalogue_is_refused(tmp_path, change, where):
    with pytest.raises(CatalogueError) as refused:
        scenarios.load_catalogue(broken_copy(SOURCE, tmp_path, change))
    assert str(refused.value).startswith("changchun_2024.yaml: ")
    assert any(path.startswith(where) for path, _m in refused.value.problems), str(refused.value)


def test_a_programme_names_a_catalogue_that_exists(tmp_path):
    source = programmes.PROGRAMME_DIR / "changchun_pilot.yaml"
    path = broken_copy(source, tmp_path, lambda d: d.update(scenarios="nowhere"))
    with pytest.raises(programmes.ProgrammeError) as refused:
        programmes.load_programme(path)
    assert any(p == "scenarios" for p, _m in refused.value.problems)
