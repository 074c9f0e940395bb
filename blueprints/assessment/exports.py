"""PDF and Excel exports of the self-assessment report, and the streaming Excel writer.

The strings in ``ReportData`` are already translated; only the labels added here go through
``gettext``, and the caller runs us inside ``force_locale(data.locale)`` so both agree.
The workbook is written by ``app.excel`` (streaming, one row in memory whatever their number).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as TS

from app.excel import Sheet, Styled, write_xlsx
from app.fonts import cjk_font
from blueprints.assessment.report_data import Comparison, DimensionRow, ReportData

DASH = "—"
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
OURS, AVERAGE = colors.HexColor("#2563eb"), colors.HexColor("#a3acb9")
HEAD_BG, GRID = colors.HexColor("#e8eef7"), colors.HexColor("#c3ccd8")
MUTED = colors.HexColor("#6b7280")
EVERY = ((0, 0), (-1, -1))  # table-style range: every cell


def _fmt(value: float | None, pattern: str = "{:.1f}") -> str:
    return DASH if value is None else pattern.format(value)


def _group_labels() -> list[str]:
    return [_("All enterprises"), _("Same industry"), _("Same region")]


def _comparisons(dim: DimensionRow) -> list[Comparison]:
    return [dim.all, dim.industry, dim.region]  # in the order of _group_labels


# --------------------------------------------------------------------------- PDF


class _NumberedCanvas(Canvas):
    """Holds pages back until the end so the footer can say "page 2 of 5"."""

    def __init__(self, *args: Any, footer: Callable[[Canvas, int, int], None], **kw: Any):
        super().__init__(*args, **kw)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._footer(self, number, len(self._pages))
            super().showPage()
        super().save()


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    small = {"fontSize": 8.5, "leading": 11}
    variants: dict[str, dict[str, Any]] = {
        "title": {"fontSize": 20, "leading": 26, "spaceAfter": 4},
        "name": {"fontSize": 14, "leading": 19, "spaceAfter": 8},
        "h2": {"fontSize": 13, "leading": 18, "spaceBefore": 14, "spaceAfter": 6},
        "h3": {"fontSize": 10.5, "leading": 15, "spaceBefore": 6},
        "cell": small,
        "head": {**small, "alignment": TA_CENTER},
        "label": {**small, "textColor": MUTED},
        "note": {"fontSize": 8, "leading": 11, "textColor": MUTED, "spaceBefore": 3},
        "big": {"fontSize": 28, "leading": 34},
        "stage": {"fontSize": 16, "leading": 34},
        "indent": {"leftIndent": 12},
    }
    variants["h2"] |= {"textColor": OURS, "keepWithNext": 1}  # never last on a page
    return {"body": base} | {k: ParagraphStyle(k, parent=base, **v) for k, v in variants.items()}


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    # Data strings are user input: escape them, they would otherwise be parsed as markup.
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list], widths: Sequence[float], st: dict, *cmds: tuple, head=1) -> Table:
    """A grid in the CJK font: cells without FONTNAME would declare an unembedded Helvetica."""
    table = Table(rows, colWidths=list(widths), repeatRows=head, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", *EVERY, st["body"].fontName),
        ("FONTSIZE", *EVERY, 8.5),
    ]
    if head:
        style += [("GRID", *EVERY, 0.4, GRID), ("BACKGROUND", (0, 0), (-1, head - 1), HEAD_BG)]
        style += [("VALIGN", *EVERY, "MIDDLE"), ("ALIGN", (1, head), (-1, -1), "RIGHT")]
    table.setStyle(TS(style + list(cmds)))
    return table


def _facts(data: ReportData) -> list[tuple[str, object]]:
    """Who and what the report is about, shared by the PDF and the workbook."""
    return [
        (_("Unified social credit code"), data.credit_code),
        (_("Region"), data.region_name),
        (_("Industry"), data.industry_name),
        (_("Year"), data.year),
        (_("Questionnaire"), data.questionnaire_title),
        (_("Status"), data.status),
    ]


def _summary(data: ReportData, st: dict) -> list:
    submitted = format_date(data.submitted_at) if data.submitted_at else DASH
    pairs = [*_facts(data), (_("Submitted on"), submitted), ("", "")]
    cells = [[_p(k, st["label"]), _p(v, st["cell"])] for k, v in pairs]
    rows = [cells[i] + cells[i + 1] for i in range(0, len(cells), 2)]
    lines = [("VALIGN", *EVERY, "TOP"), ("LINEBELOW", *EVERY, 0.3, GRID)]
    info = _table(rows, [WIDTH * w for w in (0.17, 0.33, 0.17, 0.33)], st, *lines, head=0)
    score_rows = [
        [_p(_("Total score"), st["label"]), _p(_("Stage"), st["label"])],
        [_p(f"{data.total:.1f}", st["big"]), _p(data.stage, st["stage"])],
    ]
    box = [("BACKGROUND", *EVERY, HEAD_BG), ("BOX", *EVERY, 0.6, OURS)]
    score = _table(score_rows, [WIDTH * 0.3, WIDTH * 0.7], st, *box, head=0)
    return [_p(data.enterprise_name, st["name"]), info, Spacer(1, 8), score]


def _dimension_table(data: ReportData, st: dict) -> list:
    first = data.dimensions[0]
    head = [_p(t, st["head"]) for t in (_("Dimension"), _("Score"), _("Weight"))]
    head += [c for label in _group_labels() for c in (_p(label, st["head"]), "")]
    rows = [head, ["", "", ""] + [_p(t, st["head"]) for t in (_("Average"), _("Percentile")) * 3]]
    for dim in data.dimensions:
        row = [_p(dim.title, st["cell"]), _fmt(dim.score), _fmt(dim.weight * 100, "{:.0f}%")]
        for c in _comparisons(dim):
            row += [_fmt(c.average), _fmt(c.percentile, "{:.0f}")]
        rows.append(row)
    spans = [("SPAN", (c, 0), (c + 1, 0)) for c in (3, 5, 7)]
    spans += [("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2)]
    widths = [WIDTH - 366, 42, 42] + [44, 50] * 3  # "Percentile" must fit unbroken
    table = _table(rows, widths, st, *spans, head=2)
    # Percentiles of tiny groups mislead: say how many enterprises each group holds.
    note = _(
        "Compared with %(all)d enterprises in all, %(industry)d in the same industry and "
        "%(region)d in the same region.",
        all=first.all.count,
        industry=first.industry.count,
        region=first.region.count,
    )
    return [table, _p(note, st["note"])]


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten a chart label to ``width`` points: chart labels do not wrap."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _set(target: Any, **attributes: Any) -> None:
    for name, value in attributes.items():
        setattr(target, name, value)


def _chart(data: ReportData, font: str) -> Drawing:
    label_width, bars_height = 130, 34 * len(data.dimensions)
    # initialFontName: the renderer would otherwise start each drawing in Helvetica.
    drawing = Drawing(WIDTH, bars_height + 50, initialFontName=font)
    chart = HorizontalBarChart()
    _set(chart, x=label_width, y=18, width=WIDTH - label_width - 20, height=bars_height)
    # Series drawn bottom-up within a category: the average first puts ours on top. None
    # (nobody else scored yet) draws no bar rather than a misleading zero.
    chart.data = [[d.all.average for d in data.dimensions], [d.score for d in data.dimensions]]
    names = [_fit(d.title, font, 8.5, label_width - 10) for d in data.dimensions]
    # reverseDirection: first dimension at the top, as in the table.
    _set(chart.categoryAxis, categoryNames=names, reverseDirection=1)
    _set(chart.categoryAxis.labels, fontName=font, fontSize=8.5, boxAnchor="e", dx=-4)
    _set(chart.valueAxis, valueMin=0, valueMax=100, valueStep=20, visibleGrid=1)
    _set(chart.valueAxis, gridStrokeColor=GRID)
    _set(chart.valueAxis.labels, fontName=font, fontSize=8)
    _set(chart.bars[0], fillColor=AVERAGE, strokeColor=None)
    _set(chart.bars[1], fillColor=OURS, strokeColor=None)
    _set(chart, barLabelFormat="%.1f")
    _set(chart.barLabels, fontName=font, fontSize=7, boxAnchor="w", dx=3)
    legend = Legend()
    pairs = [(OURS, _("This enterprise")), (AVERAGE, _("Average of all enterprises"))]
    _set(legend, colorNamePairs=pairs, fontName=font, fontSize=8.5, columnMaximum=1)
    _set(legend, x=label_width, y=bars_height + 40, deltax=150, dxTextSpace=6, boxAnchor="nw")
    legend.alignment = "right"  # swatch, then text
    drawing.add(chart)
    drawing.add(legend)
    return drawing


def _indicator_table(data: ReportData, st: dict) -> Table:
    grouped: dict[str, list] = {}  # insertion order: directions as the questionnaire has them
    for indicator in data.indicators:
        grouped.setdefault(indicator.direction, []).append(indicator)
    rows: list[list] = [[_p(_("Indicator"), st["head"]), _p(_("Value"), st["head"])]]
    cmds: list[tuple] = []
    for direction, indicators in grouped.items():
        n = len(rows)
        cmds += [("SPAN", (0, n), (1, n)), ("BACKGROUND", (0, n), (1, n), HEAD_BG)]
        rows.append([_p(direction, st["h3"]), ""])
        rows += [[_p(i.title, st["cell"]), i.shown()] for i in indicators]
    return _table(rows, [WIDTH - 70, 70], st, *cmds)


def _footer(canvas: Canvas, page: int, pages: int, *, font: str, left: str) -> None:
    canvas.saveState()
    canvas.setFont(font, 7.5)
    canvas.setFillColor(MUTED)
    canvas.drawString(MARGIN, 10 * mm, left)
    label = _("Page %(page)d of %(pages)d", page=page, pages=pages)
    canvas.drawRightString(A4[0] - MARGIN, 10 * mm, label)
    canvas.restoreState()


def report_pdf(data: ReportData) -> bytes:
    """The report as an A4 PDF, embedding a subset of the Chinese font; same data, same bytes."""
    font = cjk_font()
    st = _styles(font)
    title = _("Self-assessment report")
    story: list = [_p(title, st["title"]), *_summary(data, st)]
    if data.dimensions:
        story += [_p(_("Dimensions"), st["h2"]), *_dimension_table(data, st), Spacer(1, 10)]
        story.append(KeepTogether([_chart(data, font)]))
    story += [_p(_("Indicators"), st["h2"]), _indicator_table(data, st)]
    if data.weakest:
        story.append(_p(_("Areas to improve"), st["h2"]))
        for number, area in enumerate(data.weakest, start=1):
            heading = _p(f"{number}. {area.title}（{area.score:.1f}）", st["h3"])
            story.append(KeepTogether([heading, _p(area.suggestion, st["indent"])]))
    if data.benchmarks:
        story.append(_p(_("Benchmark enterprises of your industry"), st["h2"]))
        for b in data.benchmarks:
            story.append(_p(f"{b.name}（{b.stage}）{b.note}", st["indent"]))
    if len(data.history) > 1:
        rows = [[_p(label, st["head"]) for label in (_("Year"), _("Total score"), _("Stage"))]]
        rows += [[str(h.year), _fmt(h.total), _p(h.stage, st["cell"])] for h in data.history]
        story += [_p(_("History"), st["h2"]), _table(rows, [70, 90, WIDTH - 160], st)]

    left = f"Certpath · {data.enterprise_name}"
    if data.generated_at is not None:
        left += " · " + _("Generated at %(time)s", time=format_datetime(data.generated_at))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        **dict.fromkeys(("leftMargin", "rightMargin", "topMargin"), MARGIN),
        bottomMargin=MARGIN + 4 * mm,  # room for the footer
        title=f"{title} — {data.enterprise_name}",
        author="Certpath",
        creator="Certpath",
        lang="zh-CN" if data.locale == "zh" else "en",
        invariant=1,  # fixed dates and document id: the same data gives the same bytes
        initialFontName=font,  # else every page declares an unembedded Helvetica
    )
    footer = functools.partial(_footer, font=font, left=left)
    doc.build(story, canvasmaker=functools.partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()


def report_sheets(data: ReportData) -> list[Sheet]:
    """The report's sheets: numbers stay numbers so users can sort and chart them."""
    summary = [
        (_("Enterprise"), data.enterprise_name),
        *_facts(data),
        (_("Total score"), data.total),
        (_("Stage"), data.stage),
    ]
    summary_rows = [
        (Styled(key, bold=True), Styled(value, "0.0") if isinstance(value, float) else value)
        for key, value in summary
    ]
    sheets = [Sheet(_("Summary"), None, summary_rows)]

    header = [_("Dimension"), _("Score"), _("Weight")]
    header += [f"{g} · {m}" for g in _group_labels() for m in (_("Average"), _("Percentile"))]
    rows: list[Sequence[Any]] = []
    for d in data.dimensions:
        pairs = [v for c in _comparisons(d) for v in (c.average, c.percentile)]
        rows.append([d.title, d.score, d.weight, *pairs])
    formats = {1: "0.0", 2: "0%"} | {c: "0.0" if c % 2 else "0" for c in range(3, 9)}
    sheets.append(Sheet(_("Dimensions"), header, rows, formats))

    # A rate stays a number (to sort and chart); a share indicator is the enterprise's yes/no.
    rows = [
        (i.direction, i.title, i.value if i.kind == "rate" else i.shown()) for i in data.indicators
    ]
    header = [_("Direction"), _("Indicator"), _("Value")]
    sheets.append(Sheet(_("Indicators"), header, rows, {2: '0.0"%"'}))
    rows = [(w.title, w.score, w.suggestion) for w in data.weakest]
    header = [_("Area"), _("Score"), _("Suggestion")]
    sheets.append(Sheet(_("Suggestions"), header, rows, {1: "0.0"}, wrap=2))
    if data.benchmarks:
        rows = [(b.name, b.stage, b.note) for b in data.benchmarks]
        header = [_("Enterprise"), _("Stage"), _("What makes it an example")]
        sheets.append(Sheet(_("Benchmarks"), header, rows, wrap=2))
    if data.history:
        rows = [(h.year, h.total, h.stage) for h in data.history]
        header = [_("Year"), _("Total score"), _("Stage")]
        sheets.append(Sheet(_("History"), header, rows, {1: "0.0"}))
    return sheets


def report_xlsx(data: ReportData, out: IO[bytes]) -> None:
    """The report as an Excel workbook, written to ``out``."""
    title = f"{_('Self-assessment report')} — {data.enterprise_name}"
    write_xlsx(report_sheets(data), out, title=title)
