"""The questionnaire files, their checks and the choice of questionnaire by industry."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from blueprints.assessment import questionnaire as qmod
from blueprints.assessment.questionnaire import (
    DIMENSION_KEYS,
    DIRECTIONS,
    INDICATOR_DIRECTIONS,
    QUESTIONNAIRE_DIR,
    STAGE_KEYS,
    Questionnaire,
    QuestionnaireError,
    Text,
    load_all,
    load_questionnaire,
    questionnaire_for,
)

IDS = ["discrete-2026", "other-2026", "process-2026"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def raw(name: str = "discrete-2026") -> dict[str, Any]:
    """A fresh, mutable copy of a shipped file."""
    return yaml.safe_load((QUESTIONNAIRE_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def write(directory: Path, data: dict[str, Any], name: str = "discrete-2026") -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def texts(node: Any) -> list[Text]:
    """Every Text inside a model, depth first."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, BaseModel):
        return [t for name in type(node).model_fields for t in texts(getattr(node, name))]
    if isinstance(node, tuple | list):
        return [t for item in node for t in texts(item)]
    if isinstance(node, dict):
        return [t for item in node.values() for t in texts(item)]
    return []


# --- the shipped files --------------------------------------------------------------------------


def test_all_three_files_load():
    catalogue = load_all()
    assert sorted(catalogue) == IDS
    assert {q.group for q in catalogue.values()} == {"discrete", "process", "other"}


@pytest.mark.parametrize("qid", IDS)
def test_shipped_file_shape(qid):
    q = load_all()[qid]
    assert tuple(d.key for d in q.dimensions) == DIMENSION_KEYS
    assert tuple(s.key for s in q.stages) == STAGE_KEYS
    assert 5 <= len(q.sections) <= 7
    assert 35 <= len(q.questions) <= 50
    assert [i.key for i in q.indicators] == list(INDICATOR_DIRECTIONS)
    assert all(i.direction in DIRECTIONS for i in q.indicators)
    assert sum(1 for i in q.indicators if i.kind == "rate") == 10
    assert all(d.weight > 0 for d in q.dimensions)
    assert abs(sum(d.weight for d in q.dimensions) - 1) < 1e-6


@pytest.mark.parametrize("qid", IDS)
def test_shipped_texts_are_really_bilingual(qid):
    found = texts(load_all()[qid])
    assert len(found) > 150
    assert [t.zh for t in found if not CJK.search(t.zh)] == []
    # English may quote a Chinese term in brackets (等级保护), never be left in Chinese.
    assert [t.en for t in found if CJK.search(re.sub(r"\([^)]*\)", "", t.en))] == []


def test_question_keys_are_shared_so_indicators_compare():
    # Same indicator definitions everywhere, over questions of the same key and type; the
    # scored questions may differ (process plants report energy use, not lead time).
    catalogue = load_all()
    assert len({q.indicators for q in catalogue.values()}) == 1
    refs = {
        r
        for i in catalogue["discrete-2026"].indicators
        for r in (i.numerator, i.denominator, i.question)
        if r
    }
    assert len(refs) == 17 + 14  # raw counts + yes/no answers
    for q in catalogue.values():
        assert {k: q.question(k).type for k in refs} == {
            k: catalogue["discrete-2026"].question(k).type for k in refs
        }


def test_accessors():
    q = load_all()["discrete-2026"]
    assert q.question("key_processes_cnc").not_greater_than == "key_processes_total"
    assert q.section("basics").questions[0].key == "employees"
    assert q.dimension("integration").title.get("en") == "Comprehensive integration"
    assert q.stage("innovation").title.get("zh") == "协同与创新"
    assert q.stage("innovation").title.get("en_GB") == "Collaboration and innovation"
    assert q.question("security").max_score == 10
    assert q.question("employees").max_score == 0  # not scored
    assert q.question("it_spend_share").max_score == 10  # highest band
    with pytest.raises(KeyError):
        q.question("nope")
    with pytest.raises(KeyError):
        q.section("nope")


def test_models_are_frozen():
    q = load_all()["discrete-2026"]
    with pytest.raises(ValueError, match="frozen"):
        q.year = 2030


# --- choosing a questionnaire -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("industry", "section", "expected"),
    [
        ("34", "C", "discrete-2026"),  # general-purpose machinery
        ("36", "C", "discrete-2026"),  # motor vehicles
        ("3411", "C", "discrete-2026"),  # a class code is reduced to its division
        ("26", "C", "process-2026"),  # chemicals
        ("30", "C", "process-2026"),  # cement and building materials
        ("06", "B", "process-2026"),  # coal mining: matched by the section letter
        (None, "C", "discrete-2026"),  # a manufacturer known only by section
        ("72", "L", "other-2026"),  # business services: the fallback
        ("48", "E", "other-2026"),
        (None, None, "other-2026"),
    ],
)
def test_questionnaire_for(industry, section, expected):
    assert questionnaire_for(industry, section, 2026).id == expected


def test_questionnaire_for_picks_the_edition_by_year(monkeypatch):
    base = load_all()
    editions = {
        "discrete-2024": base["discrete-2026"].model_copy(
            update={"id": "discrete-2024", "year": 2024}
        ),
        "discrete-2026": base["discrete-2026"],
        "other-2026": base["other-2026"],
    }
    monkeypatch.setattr(qmod, "load_all", lambda: editions)
    assert questionnaire_for("34", "C", 2025).id == "discrete-2024"  # latest not after the year
    assert questionnaire_for("34", "C", 2026).id == "discrete-2026"
    assert questionnaire_for("34", "C", 2031).id == "discrete-2026"
    assert questionnaire_for("34", "C", 2020).id == "discrete-2024"  # before all: the earliest
    assert questionnaire_for("72", None, 2020).id == "other-2026"


def test_questionnaire_for_without_a_fallback(monkeypatch):
    only = {"discrete-2026": load_all()["discrete-2026"]}
    monkeypatch.setattr(qmod, "load_all", lambda: only)
    with pytest.raises(QuestionnaireError, match="nothing serves '72'"):
        questionnaire_for("72", "L", 2026)


def test_load_all_rejects_a_code_claimed_by_two_groups(tmp_path):
    write(tmp_path, raw("discrete-2026"))
    process = raw("process-2026")
    process["industries"].append("34")
    write(tmp_path, process, "process-2026")
    with pytest.raises(QuestionnaireError, match=r"process-2026\.yaml: industries: '34' is served"):
        load_all(tmp_path)


def test_load_all_rejects_two_files_for_one_group_and_year(tmp_path):
    write(tmp_path, raw("discrete-2026"))
    twin = raw("discrete-2026")
    twin["id"] = "discrete-2026b"
    write(tmp_path, twin, "discrete-2026b")
    with pytest.raises(QuestionnaireError, match="a second discrete questionnaire for 2026"):
        load_all(tmp_path)


def test_load_all_is_cached(tmp_path):
    write(tmp_path, raw())
    assert load_all(tmp_path) is load_all(tmp_path)


# --- malformed files: one defect each -----------------------------------------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutator that sets a dotted/indexed path such as 'sections[2].questions[0].key'."""
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]

    def apply(data: dict[str, Any]) -> None:
        node = data
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = value

    return apply


def _swap_stages(data):
    data["stages"][1], data["stages"][2] = data["stages"][2], data["stages"][1]


def _drop_second_option(data):
    del data["sections"][2]["questions"][0]["options"][1:]


def _drop_integration_questions(data):
    for section in data["sections"]:
        for question in section["questions"]:
            if question.get("dimension") == "integration":
                question["dimension"] = "collaboration"


MALFORMED = {
    # the defects the brief names
    "duplicate question key": (
        _set("sections[1].questions[1].key", "it_spend_share"),
        "sections[1].questions[1].key: duplicate key 'it_spend_share' "
        "(see sections[1].questions[0])",
    ),
    "unknown dimension": (
        _set("sections[1].questions[0].dimension", "marketing"),
        "sections[1].questions[0].dimension: unknown dimension 'marketing'",
    ),
    "weights not summing to 1": (
        _set("dimensions[0].weight", 0.5),
        "dimensions: the weights add up to 1.35, not 1",
    ),
    "missing zh text": (
        _set("sections[2].questions[0].title", {"en": "Design tools"}),
        "sections[2].questions[0].title.zh: Field required",
    ),
    "unknown top-level key": (
        _set("colour", "blue"),
        "colour: Extra inputs are not permitted",
    ),
    "negative option score": (
        _set("sections[1].questions[2].options[1].score", -1),
        "sections[1].questions[2].options[1].score: Input should be greater than or equal to 0",
    ),
    "numerator not a number question": (
        _set("indicators[0].numerator", "mes_level"),
        "indicators[0].numerator: 'mes_level' is not a number question of this file",
    ),
    "wrong stage order": (
        _swap_stages,
        "stages: expected the stages basic, single, integration, innovation in this order",
    ),
    # and a few more the loader promises
    "one option only": (
        _drop_second_option,
        "sections[2].questions[0].options: at least two options are needed",
    ),
    "blank en text": (
        _set("title.en", "   "),
        "title.en: String should have at least 1 character",
    ),
    "unknown key in a question": (
        _set("sections[0].questions[0].requried", False),
        "sections[0].questions[0].requried: Extra inputs are not permitted",
    ),
    "field of another type": (
        _set("sections[2].questions[0].bands", [{"min": 0, "score": 1}]),
        "sections[2].questions[0].bands: not for a single question",
    ),
    "multiple without max_score": (
        _set("sections[1].questions[3].max_score", None),
        "sections[1].questions[3].max_score: required for a multiple-choice question",
    ),
    "max_score out of reach": (
        _set("sections[1].questions[3].max_score", 11),
        "sections[1].questions[3].max_score: exceeds the sum of the option scores (10)",
    ),
    "duplicate option key": (
        _set("sections[1].questions[2].options[1].key", "none"),
        "sections[1].questions[2].options[1].key: duplicate option key 'none'",
    ),
    "gate on an unknown dimension": (
        _set("stages[1].gate", {"marketing": 10}),
        "stages[1].gate.marketing: unknown dimension 'marketing'",
    ),
    "gate value above 100": (
        _set("stages[3].gate.collaboration", 101),
        "stages[3].gate.collaboration: Input should be less than or equal to 100",
    ),
    "gate looser than the one below": (
        _set("stages[3].gate.infrastructure", 45),
        "stages[3].gate: must include the gate below (infrastructure >= 50)",
    ),
    "gate on the first stage": (
        _set("stages[0].gate", {"infrastructure": 10}),
        "stages[0].gate: the first stage has no gate",
    ),
    "not_greater_than a text question": (
        _set("sections[2].questions[3].not_greater_than", "main_products"),
        "sections[2].questions[3].not_greater_than: 'main_products' is not another number",
    ),
    "share of a number question": (
        _set("indicators[5].question", "rd_staff"),
        "indicators[5].question: 'rd_staff' is not a yes_no question of this file",
    ),
    "indicator in the wrong direction": (
        _set("indicators[0].direction", "networking"),
        "indicators[0].direction: 'key_process_cnc_rate' belongs to digitalisation",
    ),
    "an indicator missing": (
        lambda data: data["indicators"].pop(),
        "indicators: expected the 24 indicators of the national list, in order; missing: "
        "ecommerce_share",
    ),
    "a dimension with nothing scored": (
        _drop_integration_questions,
        "dimensions[2]: no scored question belongs to 'integration'",
    ),
    "scored number without bands": (
        _set("sections[0].questions[0].dimension", "infrastructure"),
        "sections[0].questions[0].dimension: a number is scored only through bands",
    ),
    "industry code malformed": (
        _set("industries[1]", "180"),
        "industries[1]: String should match pattern",
    ),
    "id differs from the file name": (
        _set("id", "discrete-2027"),
        "id: 'discrete-2027' differs from the file name 'discrete-2026'",
    ),
}


@pytest.mark.parametrize("defect", list(MALFORMED))
def test_malformed_file_names_the_file_and_the_field(tmp_path, defect):
    mutate, expected = MALFORMED[defect]
    data = raw()
    mutate(data)
    path = write(tmp_path, data)
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    message = str(caught.value)
    assert f"discrete-2026.yaml: {expected}" in message, message


def test_each_defect_is_reported_once_and_alone(tmp_path):
    data = raw()
    _set("sections[1].questions[0].dimension", "marketing")(data)
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(write(tmp_path, data))
    assert caught.value.problems == [
        ("sections[1].questions[0].dimension", "unknown dimension 'marketing'")
    ]


def test_unreadable_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"^broken\.yaml: cannot be read"):
        load_questionnaire(path)


def test_not_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"^list\.yaml: Input should be a valid dict"):
        load_questionnaire(path)


def test_direct_validation_raises_the_same_error():
    data = raw()
    _swap_stages(data)
    with pytest.raises(QuestionnaireError, match="stages: expected the stages"):
        Questionnaire.model_validate(data)
