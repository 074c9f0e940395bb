"""The streaming Excel writer behind the exports: what it writes, and that it keeps nothing."""

from __future__ import annotations

import functools
import io
import tracemalloc
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal

import flask_babel
import openpyxl
import pytest
from flask import Flask

from app import create_app, excel
from app.excel import Sheet, Styled, spool, write_xlsx
from blueprints.assessment.report_data import ReportData
from tests.unit.assessment.test_exports import ENTERPRISE, make_data, xlsx


@pytest.fixture(scope="module")
def xapp() -> Flask:
    return create_app({"ENV": "testing", "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})


def book_of(*sheets: Sheet, title: str = "测试") -> openpyxl.Workbook:
    out = io.BytesIO()
    write_xlsx(sheets, out, title=title)
    out.seek(0)
    return openpyxl.load_workbook(out)


def rows(n: int) -> Iterator[tuple]:
    for i in range(n):
        yield (f"基准制造有限公司{i:06d}", f"91310115{i:09d}", 2026, 50 + i % 500 / 10)


@pytest.mark.parametrize(
    ("locale", "sheets", "headers", "summary_keys"),
    [
        (
            "zh",
            ["概览", "维度得分", "关键指标", "改进建议", "历史记录"],
            [
                ["维度", "得分", "权重", "全部企业 · 平均值", "全部企业 · 百分位"],
                ["评价方向", "指标", "数值"],
                ["领域", "得分", "改进建议"],
                ["年度", "总分", "所处阶段"],
            ],
            ["企业", "统一社会信用代码", "总分", "所处阶段"],
        ),
        (
            "en",
            ["Summary", "Dimensions", "Indicators", "Suggestions", "History"],
            [
                ["Dimension", "Score", "Weight", "All enterprises · Average"],
                ["Direction", "Indicator", "Value"],
                ["Area", "Score", "Suggestion"],
                ["Year", "Total score", "Stage"],
            ],
            ["Enterprise", "Unified social credit code", "Total score", "Stage"],
        ),
    ],
)
def test_report_headers_and_values_in_both_languages(xapp, locale, sheets, headers, summary_keys):
    with xapp.test_request_context(), flask_babel.force_locale(locale):
        book = openpyxl.load_workbook(xlsx(make_data(locale)))
    assert book.sheetnames == sheets
    for name, header in zip(sheets[1:], headers, strict=True):
        first = next(book[name].iter_rows(max_row=1, values_only=True))
        assert list(first[: len(header)]) == header
        assert book[name].freeze_panes == "A2"
        assert all(cell.font.b for cell in book[name][1])
    summary = book[sheets[0]]
    pairs = {row[0]: row[1] for row in summary.iter_rows(values_only=True)}
    assert set(summary_keys) <= set(pairs)
    assert pairs[summary_keys[0]] == ENTERPRISE
    assert pairs[summary_keys[1]] == "91310115MA1H7XXXX0"
    total = next(row[1] for row in summary.iter_rows() if row[0].value == summary_keys[2])
    assert total.value == pytest.approx(63.9) and total.number_format == "0.0"
    assert all(row[0].font.b for row in summary.iter_rows())
    year = next(row[1] for row in summary.iter_rows() if isinstance(row[1].value, int))
    assert year.value == 2025 and year.number_format == "General"  # ints keep General

    dimensions = book[sheets[1]]
    assert [c.value for c in dimensions[2]][:5] == ["基础建设", 72.5, 0.2, 60.0, 55.0]
    assert [c.number_format for c in dimensions[2]][1:5] == ["0.0", "0%", "0.0", "0"]
    assert dimensions["H2"].value is None and dimensions["H2"].number_format == "0.0"
    indicator = book[sheets[2]]["C2"]
    assert indicator.value == 10.0 and indicator.number_format == '0.0"%"'
    suggestion = book[sheets[3]]["C2"]
    assert suggestion.alignment.wrap_text and suggestion.alignment.vertical == "top"
    assert [r[:2] for r in book[sheets[4]].iter_rows(min_row=2, values_only=True)] == [
        (2024, 55.2),
        (2025, 63.9),
    ]


def test_report_workbook_properties(xapp):
    with xapp.test_request_context(), flask_babel.force_locale("en"):
        book = openpyxl.load_workbook(xlsx(make_data("en")))
    assert book.properties.creator == "Certpath"
    assert book.properties.title == f"Self-assessment report — {ENTERPRISE}"


def test_columns_are_as_wide_as_their_widest_value(xapp):
    with xapp.test_request_context(), flask_babel.force_locale("zh"):
        data = make_data()
        book = openpyxl.load_workbook(xlsx(ReportData(**{**data.__dict__, "history": []})))
    # Wide (CJK) characters count twice; two characters of room; 50 at most, 80 for the
    # wrapped suggestions. XlsxWriter stores the width Excel shows plus its cell padding.
    summary = book["概览"]
    assert summary.column_dimensions["A"].width == pytest.approx(16 + 2, abs=1)
    assert summary.column_dimensions["B"].width == pytest.approx(28 + 2, abs=1)
    suggestions = book["改进建议"]
    assert 50 < suggestions.column_dimensions["C"].width <= 81


def test_text_stays_text_whatever_it_looks_like():
    sheet = Sheet(
        "文本",
        ["值"],
        [
            ["=SUM(A1:A3)"],
            ["https://certpath.example.cn/x"],
            ["00123"],
            ["警告\x07\x00信息"],
        ],
    )
    ws = book_of(sheet)["文本"]
    values = [(c.value, c.data_type) for (c,) in ws.iter_rows(min_row=2)]
    assert values == [
        ("=SUM(A1:A3)", "s"),
        ("https://certpath.example.cn/x", "s"),
        ("00123", "s"),
        ("警告信息", "s"),
    ]
    assert not ws._hyperlinks


def test_every_type_is_written_as_itself():
    when = datetime(2026, 3, 14, 10, 30)
    sheet = Sheet(
        "类型",
        ["a", "b", "c", "d", "e", "f", "g", "h"],
        [[1, 2.5, True, Decimal("3.25"), when, date(2026, 3, 14), None, time(10, 30)]],
        {1: "0.00", 6: "0.0"},
    )
    ws = book_of(sheet)["类型"]
    cells = list(ws[2])
    assert [c.value for c in cells[:6]] == [1, 2.5, True, 3.25, when, datetime(2026, 3, 14)]
    assert cells[1].number_format == "0.00"
    assert cells[4].number_format == "yyyy-mm-dd hh:mm"
    assert cells[5].number_format == "yyyy-mm-dd"
    assert cells[6].value is None and cells[6].number_format == "0.0"  # styled, empty
    assert cells[7].value == time(10, 30) and cells[7].number_format == "hh:mm:ss"


def test_a_cell_may_carry_its_own_style():
    sheet = Sheet("样式", None, [[Styled("键", bold=True), Styled(1.25, "0.0"), 7]], {2: "0%"})
    ws = book_of(sheet)["样式"]
    key, value, share = ws[1]
    assert key.font.b and not value.font.b
    assert value.number_format == "0.0" and share.number_format == "0%"
    assert ws.freeze_panes is None  # no header, nothing to freeze


def test_rows_are_read_once_as_they_come():
    seen = []

    def lazily() -> Iterator[tuple]:
        for row in rows(50):
            seen.append(row)
            yield row

    book = book_of(Sheet("流", ["企业", "代码", "年度", "总分"], lazily()))
    assert len(seen) == 50
    assert book["流"].max_row == 51
    assert book["流"]["A51"].value == "基准制造有限公司000049"


def test_memory_does_not_grow_with_the_rows(tmp_path):
    """What writing keeps is a row, not the sheet: five times the rows, the same peak (past the
    first thousand, which fill the writer's and the compressor's buffers). The in-memory
    workbook of openpyxl kept ~1.5 KB per row of this kind: 6 MB more for the larger one."""

    def peak(n: int) -> int:
        with (tmp_path / f"{n}.xlsx").open("wb") as out:
            tracemalloc.start()
            try:
                write_xlsx([Sheet("流", ["企业", "代码", "年度", "总分"], rows(n))], out, title="t")
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    small, large = peak(1_000), peak(5_000)
    assert large < small + 150_000, (small, large)


def test_spool_rewinds_and_moves_a_large_workbook_to_disk(monkeypatch):
    small, size = spool(functools.partial(write_xlsx, [Sheet("小", ["a"], rows(10))], title="t"))
    with small:
        assert small.read(2) == b"PK" and size == len(small.read()) + 2
        assert not small._rolled  # type: ignore[attr-defined]
    monkeypatch.setattr(excel, "SPOOL_MAX", 4_000)
    large, size = spool(functools.partial(write_xlsx, [Sheet("大", ["a"], rows(500))], title="t"))
    with large:
        assert size > 4_000 and large._rolled  # type: ignore[attr-defined]
        assert openpyxl.load_workbook(large, read_only=True)["大"].max_row == 501


def test_a_failing_source_leaves_nothing_open():
    def broken() -> Iterator[tuple]:
        yield ("一行",)
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        spool(functools.partial(write_xlsx, [Sheet("坏", None, broken())], title="t"))
