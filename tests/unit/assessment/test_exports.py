"""PDF and Excel exports of the self-assessment report, from hand-built report data."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime

import flask_babel
import openpyxl
import pypdf
import pytest
from flask import Flask
from flask_babel import gettext as _

from app import create_app, fonts
from blueprints.assessment.exports import report_pdf, report_xlsx
from blueprints.assessment.report_data import (
    Comparison,
    DimensionRow,
    HistoryPoint,
    IndicatorRow,
    ReportData,
    WeakArea,
)

ENTERPRISE = "上海智造精密装备有限公司"
SCORES = [72.5, 64.0, 58.25, 41.0, 80.0]
DIRECTIONS = ["数字化", "网络化", "智能化", "新模式新业态"]


@pytest.fixture(scope="module")
def xapp() -> Flask:
    return create_app({"ENV": "testing", "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})


@pytest.fixture
def zh(xapp: Flask) -> Iterator[None]:
    with xapp.test_request_context(), flask_babel.force_locale("zh"):
        yield


@pytest.fixture
def en(xapp: Flask) -> Iterator[None]:
    with xapp.test_request_context(), flask_babel.force_locale("en"):
        yield


def make_data(locale: str = "zh") -> ReportData:
    dimensions = [
        DimensionRow(
            key=f"d{i}",
            title=title,
            score=score,
            weight=weight,
            all=Comparison(average=60.0 + i, percentile=55.0 + 5 * i, count=120),
            industry=Comparison(average=58.5, percentile=61.0, count=18),
            # A region with nobody else yet: no average, no percentile.
            region=Comparison(average=None, percentile=None, count=0),
        )
        for i, (title, score, weight) in enumerate(
            zip(
                ["基础建设", "单项应用", "综合集成", "协同与创新", "竞争力与效益"],
                SCORES,
                [0.2, 0.25, 0.25, 0.15, 0.15],
                strict=True,
            )
        )
    ]
    indicators = [
        IndicatorRow(
            key=f"i{n}",
            direction=DIRECTIONS[n % 4],
            title=f"指标{n + 1}：关键工序数控化率",
            value=None if n % 7 == 3 else round(10 + n * 3.7, 1),
            kind="rate",
        )
        for n in range(24)
    ]
    weakest = [
        WeakArea(
            "协同与创新", 41.0, "建立跨部门数字化转型领导小组，发布三年路线图 & 考核 <机制>。"
        ),
        WeakArea("综合集成", 58.25, "推进 ERP 与 MES 集成，\n打通计划与执行数据。"),
        WeakArea("单项应用", 64.0, "=SUM(A1:A3) 不应被当作公式。"),
    ]
    return ReportData(
        locale=locale,
        enterprise_name=ENTERPRISE,
        credit_code="91310115MA1H7XXXX0",
        region_name="上海市浦东新区",
        industry_name="通用设备制造业",
        year=2025,
        questionnaire_title="两化融合自评估问卷（2025版）",
        status="已提交",
        submitted_at=datetime(2025, 3, 14, 2, 30),
        total=63.9,
        stage="单项覆盖",
        stage_key="coverage",
        dimensions=dimensions,
        indicators=indicators,
        weakest=weakest,
        history=[HistoryPoint(2024, 55.2, "起步建设"), HistoryPoint(2025, 63.9, "单项覆盖")],
        generated_at=datetime(2025, 3, 20, 8, 0),
    )


def xlsx(data: ReportData) -> io.BytesIO:
    """The report's workbook, written where the views write it (any binary file)."""
    out = io.BytesIO()
    report_xlsx(data, out)
    out.seek(0)
    return out


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_is_readable_and_shows_the_enterprise(zh):
    pdf = report_pdf(make_data())
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert ENTERPRISE in text
    title = _("Self-assessment report")
    # Until the catalogue translates it, the Chinese report carries the English title.
    assert title in text
    assert "自评估" in text  # the questionnaire's own (already translated) title
    assert "关键工序数控化率" in text
    assert "& 考核 <机制>" in text  # escaped, not parsed as markup


def test_every_pdf_font_is_embedded(zh):
    reader = pypdf.PdfReader(io.BytesIO(report_pdf(make_data())))
    seen = 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            faces = [font]
            if font["/Subtype"] == "/Type0":
                faces = [d.get_object() for d in font["/DescendantFonts"]]
            for face in faces:
                descriptor = face.get("/FontDescriptor")
                assert descriptor is not None, f"{face['/BaseFont']} is not embedded"
                descriptor = descriptor.get_object()
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), face
                seen += 1
    assert seen


def test_same_data_gives_the_same_pdf(zh):
    assert report_pdf(make_data()) == report_pdf(make_data())


def test_english_pdf(en):
    text = pdf_text(report_pdf(make_data("en")))
    assert "Self-assessment report" in text
    assert ENTERPRISE in text
    assert "Page 1 of" in text


def test_xlsx_sheets_and_values(zh):
    book = openpyxl.load_workbook(xlsx(make_data()))
    names = [_("Summary"), _("Dimensions"), _("Indicators"), _("Suggestions"), _("History")]
    assert book.sheetnames == names
    summary = {row[0]: row[1] for row in book[names[0]].iter_rows(values_only=True)}
    assert summary[_("Enterprise")] == ENTERPRISE
    assert summary[_("Total score")] == pytest.approx(63.9)

    dimensions = book[names[1]]
    assert dimensions.freeze_panes == "A2"
    assert dimensions["A1"].font.b
    scores = [row[1] for row in dimensions.iter_rows(min_row=2, values_only=True)]
    assert scores == SCORES
    assert all(cell.data_type == "n" for cell in dimensions["B"][1:])
    assert dimensions["C2"].value == 0.2 and dimensions["C2"].number_format == "0%"
    assert dimensions["H2"].value is None  # no region average

    indicators = list(book[names[2]].iter_rows(min_row=2))
    assert len(indicators) == 24
    assert indicators[3][2].value is None
    assert indicators[0][2].value == 10.0 and indicators[0][2].number_format == '0.0"%"'

    suggestions = book[names[3]]
    assert suggestions["C4"].value == "=SUM(A1:A3) 不应被当作公式。"
    assert suggestions["C4"].data_type == "s"
    assert [r[0] for r in book[names[4]].iter_rows(min_row=2, values_only=True)] == [2024, 2025]


def test_english_xlsx_sheet_names(en):
    book = openpyxl.load_workbook(xlsx(make_data("en")))
    assert book.sheetnames == ["Summary", "Dimensions", "Indicators", "Suggestions", "History"]


def test_xlsx_without_history_has_four_sheets(zh):
    data = make_data()
    data = ReportData(**{**data.__dict__, "history": []})
    assert len(openpyxl.load_workbook(xlsx(data)).sheetnames) == 4


def test_missing_font_is_reported_helpfully(xapp, tmp_path):
    xapp.config["CJK_FONT_PATH"] = str(tmp_path / "missing.ttc")
    fonts.clear_cache()
    try:
        with (
            xapp.test_request_context(),
            flask_babel.force_locale("zh"),
            pytest.raises(fonts.FontUnavailable) as excinfo,
        ):
            report_pdf(make_data())
    finally:
        del xapp.config["CJK_FONT_PATH"]
        fonts.clear_cache()
    message = str(excinfo.value)
    assert "missing.ttc" in message
    assert "fonts-wqy-zenhei" in message
    assert "CERTPATH_CJK_FONT_PATH" in message


def test_sparse_report_still_builds(zh):
    """A first report: no dimensions scored, no weak areas, no history, no dates."""
    data = ReportData(
        **{
            **make_data().__dict__,
            "dimensions": [],
            "indicators": [],
            "weakest": [],
            "history": [],
            "submitted_at": None,
            "generated_at": None,
        }
    )
    assert ENTERPRISE in pdf_text(report_pdf(data))
    book = openpyxl.load_workbook(xlsx(data))
    assert book.sheetnames[1] == _("Dimensions")
    assert book[_("Dimensions")].max_row == 1  # the header alone


def test_a_share_indicator_is_the_enterprises_yes_or_no(zh):
    """企业比例 indicators are a share across a region's enterprises; one enterprise's report
    shows its own answer, never 0 % or 100 % (seed 002, table 1)."""
    yes = IndicatorRow("cloud", "网络化", "上云企业比例", 100.0, "share")
    no = IndicatorRow("platform", "网络化", "工业互联网平台应用企业比例", 0.0, "share")
    unknown = IndicatorRow("e", "网络化", "电子商务应用企业比例", None, "share")
    assert (yes.shown(), no.shown(), unknown.shown()) == ("是", "否", "—")
    assert IndicatorRow("cnc", "数字化", "关键工序数控化率", 52.25, "rate").shown() == "52.2%"
    data = make_data()
    data = ReportData(**{**data.__dict__, "indicators": [yes, no, *data.indicators[2:]]})
    rows = list(
        openpyxl.load_workbook(xlsx(data))[_("Indicators")].iter_rows(min_row=2, values_only=True)
    )
    assert [row[2] for row in rows[:3]] == ["是", "否", 10.0 + 2 * 3.7]
    text = pdf_text(report_pdf(data))
    assert "上云企业比例" in text and "100.0%" not in text.split("上云企业比例")[1][:20]
