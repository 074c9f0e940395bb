"""Parsing, checking and scoring answers: pure functions, worked by hand on a small file."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from blueprints.assessment.questionnaire import (
    INDICATOR_DIRECTIONS,
    Question,
    Questionnaire,
    load_all,
    parse_questionnaire,
)
from blueprints.assessment.scoring import (
    FIELD_PREFIX,
    ScoreResult,
    indicators,
    parse_section,
    score,
    stage_for,
    validate_all,
    weakest,
)


def T(zh: str, en: str | None = None) -> dict[str, str]:
    return {"zh": zh, "en": en or zh.upper()}


def small_questionnaire() -> Questionnaire:
    """Seven scored questions, a few counts, and the 24 indicators over two counts and a flag.

    Attainable points: infrastructure 10 + 10 = 20, single_application 10 + 6 = 16,
    integration 10, collaboration 8, competitiveness 4.
    """
    indicators = [
        {"key": key, "direction": direction, "title": T(key), "kind": "rate",
         "numerator": "key_cnc", "denominator": "key_total"}
        if key.endswith("_rate")
        else {"key": key, "direction": direction, "title": T(key), "kind": "share",
              "question": "flag"}
        for key, direction in INDICATOR_DIRECTIONS.items()
    ]  # fmt: skip
    data = {
        "id": "small-2026", "group": "other", "year": 2026, "version": 1,
        "title": T("小问卷", "Small questionnaire"), "industries": ["*"],
        "dimensions": [
            {"key": "infrastructure", "title": T("基础建设", "Infrastructure"), "weight": 0.2,
             "suggestion": T("建网络")},
            {"key": "single_application", "title": T("单项应用", "Single application"),
             "weight": 0.3, "suggestion": T("上系统")},
            {"key": "integration", "title": T("综合集成", "Integration"), "weight": 0.2,
             "suggestion": T("做集成")},
            {"key": "collaboration", "title": T("协同与创新", "Collaboration"), "weight": 0.2,
             "suggestion": T("搞协同")},
            {"key": "competitiveness", "title": T("竞争力", "Competitiveness"), "weight": 0.1,
             "suggestion": T("看效益")},
        ],
        "stages": [
            {"key": "basic", "title": T("基础建设")},
            {"key": "single", "title": T("单项应用"), "gate": {"infrastructure": 40}},
            {"key": "integration", "title": T("综合集成"),
             "gate": {"infrastructure": 50, "single_application": 50, "integration": 50}},
            {"key": "innovation", "title": T("协同与创新"),
             "gate": {"infrastructure": 60, "single_application": 60, "integration": 60,
                      "collaboration": 50}},
        ],
        "sections": [
            {"key": "a", "title": T("甲", "A"), "questions": [
                {"key": "infra_pct", "type": "percentage", "title": T("网络覆盖率"),
                 "dimension": "infrastructure",
                 "bands": [{"min": 0, "score": 0}, {"min": 50, "score": 5},
                           {"min": 90, "score": 10}]},
                {"key": "infra_sec", "type": "multiple", "title": T("安全措施"),
                 "dimension": "infrastructure", "max_score": 10,
                 "options": [{"key": "x", "label": T("防火墙"), "score": 4},
                             {"key": "y", "label": T("备份"), "score": 4},
                             {"key": "z", "label": T("等保"), "score": 4},
                             {"key": "none", "label": T("都没有"), "score": 0}]},
                {"key": "app_level", "type": "single", "title": T("应用水平"),
                 "dimension": "single_application",
                 "options": [{"key": "none", "label": T("无"), "score": 0},
                             {"key": "some", "label": T("部分"), "score": 5},
                             {"key": "full", "label": T("全面"), "score": 10}]},
                {"key": "app_yes", "type": "yes_no", "title": T("全面数字化"),
                 "dimension": "single_application", "score_yes": 6},
                {"key": "integ", "type": "yes_no", "title": T("管控集成"),
                 "dimension": "integration", "score_yes": 10},
                {"key": "collab", "type": "single", "title": T("协同"),
                 "dimension": "collaboration",
                 "options": [{"key": "none", "label": T("无"), "score": 0},
                             {"key": "partial", "label": T("部分"), "score": 4},
                             {"key": "full", "label": T("全面"), "score": 8}]},
                {"key": "comp_num", "type": "number", "title": T("新产品数"), "required": False,
                 "dimension": "competitiveness", "integer": False,
                 "bands": [{"min": 0, "score": 0}, {"min": 10, "score": 2},
                           {"min": 100, "score": 4}]},
            ]},
            {"key": "b", "title": T("乙", "B"), "questions": [
                {"key": "key_total", "type": "number", "title": T("关键工序总数", "Key processes"),
                 "max": 1000},
                {"key": "key_cnc", "type": "number", "title": T("数控工序数", "CNC processes"),
                 "not_greater_than": "key_total"},
                {"key": "flag", "type": "yes_no", "title": T("是否集成")},
                {"key": "notes", "type": "text", "title": T("备注"), "required": False,
                 "max_length": 20},
            ]},
        ],
        "indicators": indicators,
    }  # fmt: skip
    return parse_questionnaire(data, "small-2026.yaml")


@pytest.fixture(scope="module")
def small() -> Questionnaire:
    return small_questionnaire()


@pytest.fixture(scope="module")
def qapp():
    from app import create_app

    return create_app({"ENV": "testing", "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})


def extreme(question: Question, high: bool) -> Any:
    """The answer that earns the most (high) or the least, and still passes validation."""
    if question.type in ("single", "multiple"):
        ranked = sorted(question.options, key=lambda o: o.score)
        if question.type == "single":
            return (ranked[-1] if high else ranked[0]).key
        return [o.key for o in question.options] if high else [ranked[0].key]
    if question.type == "yes_no":
        yes_earns_more = question.score_yes >= question.score_no
        return yes_earns_more if high else not yes_earns_more
    if question.type == "text":
        return "x"
    if question.bands:
        return question.bands[-1].min if high else question.bands[0].min
    return min(10, question.max or 10)  # equal counts satisfy every not_greater_than


def extremes(q: Questionnaire, high: bool) -> dict[str, Any]:
    return {question.key: extreme(question, high) for question in q.questions}


# --- score ---


def test_worked_example(small):
    answers = {
        "infra_pct": 55.0,  # band 50 -> 5
        "infra_sec": ["x", "y"],  # 4 + 4 = 8       infrastructure 13/20 = 65.0
        "app_level": "some",  # 5
        "app_yes": True,  # 6                       single_application 11/16 = 68.75 -> 68.8
        "integ": False,  # 0                        integration 0/10 = 0.0
        "collab": "partial",  # 4                   collaboration 4/8 = 50.0
        "comp_num": 10,  # band 10 -> 2             competitiveness 2/4 = 50.0
        "key_total": 8, "key_cnc": 3, "flag": True,  # not scored
    }  # fmt: skip
    result = score(small, answers)
    assert result == ScoreResult(
        dimensions={
            "infrastructure": 65.0,
            "single_application": 68.8,
            "integration": 0.0,
            "collaboration": 50.0,
            "competitiveness": 50.0,
        },
        # 0.2×65 + 0.3×68.75 + 0.2×0 + 0.2×50 + 0.1×50 = 13 + 20.625 + 0 + 10 + 5 = 48.625
        total=48.6,
        # single: infrastructure 65 ≥ 40; integration fails on integration 0 < 50
        stage="single",
    )


def test_worked_example_reaching_innovation_on_the_gate(small):
    answers = {
        "infra_pct": 55.0, "infra_sec": ["x", "y"], "app_level": "some", "app_yes": True,
        "integ": True,  # integration 10/10 = 100.0
        "collab": "partial",  # collaboration 50.0: exactly the innovation gate
        "comp_num": 10,
    }  # fmt: skip
    result = score(small, answers)
    assert result.dimensions["integration"] == 100.0
    # 13 + 20.625 + 20 + 10 + 5 = 68.625
    assert result.total == 68.6
    # innovation: 65 ≥ 60, 68.8 ≥ 60, 100 ≥ 60, 50 ≥ 50
    assert result.stage == "innovation"


def test_multiple_choice_is_capped(small):
    # x + y + z = 12, capped at 10; infra_pct unanswered = 0 -> 10/20
    result = score(small, {"infra_sec": ["x", "y", "z"]})
    assert result.dimensions["infrastructure"] == 50.0


def test_unanswered_and_invalid_answers_earn_nothing(small):
    result = score(small, {"app_level": "bogus", "integ": "yes", "comp_num": "100", "zzz": 1})
    assert set(result.dimensions.values()) == {0.0}
    assert result.total == 0.0
    assert result.stage == "basic"


def test_number_bands(small):
    # comp_num: below the first band, on each band's minimum, between and above
    for value, dim in [(-5, 0.0), (0, 0.0), (9.9, 0.0), (10, 50.0), (99, 50.0), (100, 100.0),
                       (1e6, 100.0)]:  # fmt: skip
        assert score(small, {"comp_num": value}).dimensions["competitiveness"] == dim, value


@pytest.mark.parametrize("qid", ["small", "discrete-2026", "process-2026", "other-2026"])
def test_all_minimum_and_all_maximum(small, qid):
    q = small if qid == "small" else load_all()[qid]
    low, high = extremes(q, high=False), extremes(q, high=True)
    assert validate_all(q, low) == {}
    assert validate_all(q, high) == {}
    zero = dict.fromkeys((d.key for d in q.dimensions), 0.0)
    assert score(q, low) == ScoreResult(dimensions=zero, total=0.0, stage="basic")
    result = score(q, high)
    assert set(result.dimensions.values()) == {100.0}
    assert result.total == 100.0
    assert result.stage == "innovation"


# --- stage_for ---


GATES_MET = {
    "infrastructure": 60.0,
    "single_application": 60.0,
    "integration": 60.0,
    "collaboration": 50.0,
    "competitiveness": 0.0,
}


@pytest.mark.parametrize(
    ("changes", "stage"),
    [
        ({}, "innovation"),  # every innovation gate exactly met
        ({"collaboration": 49.9}, "integration"),
        ({"integration": 59.9}, "integration"),  # still ≥ 50 for the integration gate
        ({"integration": 50.0}, "integration"),
        ({"integration": 49.9}, "single"),
        ({"infrastructure": 40.0, "single_application": 0}, "single"),
        ({"infrastructure": 39.9}, "basic"),
        ({"infrastructure": 0, "single_application": 100, "integration": 100}, "basic"),
    ],
)
def test_stage_gate_boundaries(small, changes, stage):
    assert stage_for(small, {**GATES_MET, **changes}) == stage


def test_stage_of_missing_dimensions_is_basic(small):
    assert stage_for(small, {}) == "basic"


def test_stage_uses_the_rounded_scores(small):
    # 11/16 = 68.75 shows as 68.8; 59.96 would show as 60.0 and must pass a gate of 60
    assert stage_for(small, {**GATES_MET, "infrastructure": round(59.96, 1)}) == "innovation"


# --- indicators ---


def test_indicators_rates_and_shares(small):
    values = indicators(small, {"key_total": 3, "key_cnc": 1, "flag": True})
    assert list(values) == list(INDICATOR_DIRECTIONS)
    assert values["key_process_cnc_rate"] == 33.3  # 100 × 1 / 3
    assert values["ecommerce_share"] == 100.0
    assert indicators(small, {"key_total": 8, "key_cnc": 8, "flag": False}) == {
        key: 100.0 if key.endswith("_rate") else 0.0 for key in INDICATOR_DIRECTIONS
    }


def test_indicators_unknown(small):
    # zero denominator, or nothing answered: None rather than 0 (the report shows "—")
    values = indicators(small, {"key_total": 0, "key_cnc": 0})
    assert set(values.values()) == {None}
    assert set(indicators(small, {}).values()) == {None}
    assert indicators(small, {"key_total": 5})["key_process_cnc_rate"] is None


def test_indicators_of_a_shipped_file():
    q = load_all()["process-2026"]
    answers = {
        "key_processes_total": 40, "key_processes_cnc": 30,
        "equipment_total": 200, "equipment_digital": 150, "equipment_networked": 120,
        "equipment_cloud": 0, "rd_staff": 0, "rd_staff_digital": 0,
        "ecommerce": True, "platform_design": False,
    }  # fmt: skip
    values = indicators(q, answers)
    assert len(values) == 24
    assert values["key_process_cnc_rate"] == 75.0
    assert values["equipment_digitalisation_rate"] == 75.0
    assert values["digital_equipment_networking_rate"] == 80.0  # 120 / 150
    assert values["equipment_cloud_rate"] == 0.0
    assert values["digital_design_tool_rate"] is None  # no R&D staff
    assert values["ecommerce_share"] == 100.0
    assert values["platform_design_share"] == 0.0
    assert values["smart_product_share"] is None  # not answered


# --- weakest ---


def test_weakest_lowest_first_ties_in_file_order(small):
    dims = {
        "infrastructure": 70.0,
        "single_application": 40.0,
        "integration": 55.0,
        "collaboration": 40.0,
        "competitiveness": 90.0,
    }
    assert weakest(small, dims) == ["single_application", "collaboration", "integration"]
    assert weakest(small, dims, n=1) == ["single_application"]
    assert weakest(small, dict.fromkeys(dims, 0.0), n=5) == list(dims)


# --- parse_section ---


def form(**fields: str | list[str]) -> MultiDict:
    items = []
    for name, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            items.append((name if name == "csrf_token" else FIELD_PREFIX + name, v))
    return MultiDict(items)


VALID_A = {
    "infra_pct": "55",
    "infra_sec": ["x", "z"],
    "app_level": "full",
    "app_yes": "no",
    "integ": "yes",
    "collab": "none",
    "comp_num": "12.5",
}


def test_parse_section_types(small):
    answers, errors = parse_section(small, "a", form(csrf_token="t", **VALID_A))
    assert errors == {}
    assert answers == {
        "infra_pct": 55.0,
        "infra_sec": ["x", "z"],
        "app_level": "full",
        "app_yes": False,
        "integ": True,
        "collab": "none",
        "comp_num": 12.5,
    }
    assert isinstance(answers["infra_pct"], float)


def test_parse_section_counts_and_text(small):
    # full-width digits from a Chinese IME and thousands separators are understood
    fields = {"key_total": " 1,000 ", "key_cnc": "１２", "flag": "yes", "notes": "  ok  "}
    answers, errors = parse_section(small, "b", {FIELD_PREFIX + k: [v] for k, v in fields.items()})
    assert errors == {}
    assert answers == {"key_total": 1000, "key_cnc": 12, "flag": True, "notes": "ok"}
    assert isinstance(answers["key_total"], int)


def test_parse_section_checks_limits_within_the_page(small):
    _, errors = parse_section(small, "b", form(key_total="5", key_cnc="6", flag="no"))
    assert {k: str(v) for k, v in errors.items()} == {"key_cnc": "Cannot exceed 关键工序总数"}


def test_parse_section_plain_mapping_and_omitted_optional(small):
    fields = {k: v if isinstance(v, list) else [v] for k, v in VALID_A.items()}
    fields["comp_num"] = [""]  # optional and empty: omitted, no error
    answers, errors = parse_section(small, "a", {FIELD_PREFIX + k: v for k, v in fields.items()})
    assert errors == {}
    assert "comp_num" not in answers


@pytest.mark.parametrize(
    ("section", "field", "value", "message"),
    [
        ("a", "infra_pct", "101", "Must be at most 100."),
        ("a", "infra_pct", "-0.5", "Must be at least 0."),
        ("a", "infra_pct", "lots", "Enter a number."),
        ("a", "infra_pct", "nan", "Enter a number."),
        ("a", "infra_pct", "", "Please answer this question."),
        ("b", "key_total", "-1", "Must be at least 0."),
        ("b", "key_total", "1001", "Must be at most 1000."),
        ("b", "key_total", "3.5", "Enter a whole number."),
        ("a", "app_level", "everything", "Choose one of the listed options."),
        ("a", "infra_sec", ["x", "w"], "Choose one of the listed options."),
        ("a", "integ", "maybe", "Answer yes or no."),
        ("b", "notes", "字" * 21, "Use at most 20 characters."),
    ],
)
def test_parse_section_errors(small, section, field, value, message):
    base = VALID_A if section == "a" else {"key_total": "5", "key_cnc": "1", "flag": "no"}
    answers, errors = parse_section(small, section, form(**{**base, field: value}))
    assert {k: str(v) for k, v in errors.items()} == {field: message}
    assert field not in answers


def test_parse_section_forged_field(small):
    answers, errors = parse_section(small, "a", form(nonexistent="1", **VALID_A))
    assert {k: str(v) for k, v in errors.items()} == {
        "_form": "The form contains answers to questions that do not exist. "
        "Reload the page and try again."
    }
    assert answers["app_level"] == "full"  # the genuine answers are still parsed


def test_parse_section_rejects_a_question_of_another_section(small):
    _, errors = parse_section(small, "a", form(key_total="5", **VALID_A))
    assert set(errors) == {"_form"}


# --- validate_all ---


def test_validate_all_cross_question_constraint_on_a_shipped_file(qapp):
    q = load_all()["discrete-2026"]
    answers = extremes(q, high=True)
    answers.update(key_processes_total=10, key_processes_cnc=11)
    errors = validate_all(q, answers)
    assert list(errors) == ["key_processes_cnc"]
    assert str(errors["key_processes_cnc"]) == "Cannot exceed 关键工序总数"  # no request: zh
    with qapp.test_request_context(headers={"Accept-Language": "en"}):
        errors = validate_all(q, answers)
        assert str(errors["key_processes_cnc"]) == "Cannot exceed Number of key processes"
    answers["key_processes_cnc"] = 10  # equal is allowed
    assert validate_all(q, answers) == {}


def test_validate_all_stored_draft(small):
    answers = extremes(small, high=True)
    answers.update(
        infra_pct=100.5,  # out of range
        app_yes="yes",  # a string where JSON should have kept a boolean
        key_total=True,  # booleans are not numbers
        key_cnc=2.5,  # not whole
        infra_sec=["x", "q"],  # unknown option
        notes="x" * 21,  # too long
        legacy_question=1,  # from an older edition: ignored
    )
    del answers["collab"]  # required
    del answers["comp_num"]  # optional
    errors = {k: str(v) for k, v in validate_all(small, answers).items()}
    assert errors == {
        "infra_pct": "Must be at most 100.",
        "infra_sec": "Choose one of the listed options.",
        "app_yes": "Answer yes or no.",
        "collab": "Please answer this question.",
        "key_total": "Enter a number.",
        "key_cnc": "Enter a whole number.",
        "notes": "Use at most 20 characters.",
    }


def test_validate_all_treats_empty_values_as_missing(small):
    answers = extremes(small, high=True)
    answers.update(app_level="", infra_sec=[], comp_num=None)
    assert set(validate_all(small, answers)) == {"app_level", "infra_sec"}
