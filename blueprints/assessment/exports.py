"""PDF and Excel exports of the self-assessment report, and the streaming Excel writer.

The strings in ``ReportData`` are already translated; only the labels added here go through
``gettext``, and the caller runs us inside ``force_locale(data.locale)`` so both agree.
The workbook is written by ``app.excel`` (streaming, one row in memory whatever their number).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Spacer, Table

from app import pdf_layout
from app.excel import Sheet, Styled, write_xlsx
from app.fonts import cjk_font
from app.i18n import format_moment
from app.pdf_layout import ACCENT, EVERY, GRID, HEAD_BG, MARGIN, grid, para, styles
from blueprints.assessment.report_data import Comparison, DimensionRow, ReportData

DASH = "—"
WIDTH = A4[0] - 2 * MARGIN
OURS, AVERAGE = ACCENT, colors.HexColor("#a3acb9")


def _fmt(value: float | None, pattern: str = "{:.1f}") -> str:
    return DASH if value is None else pattern.format(value)


def _group_labels() -> list[str]:
    return [_("All enterprises"), _("Same industry"), _("Same region")]


def _comparisons(dim: DimensionRow) -> list[Comparison]:
    return [dim.all, dim.industry, dim.region]  # in the order of _group_labels


# --------------------------------------------------------------------------- PDF


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
    cells = [[para(k, st["label"]), para(v, st["cell"])] for k, v in pairs]
    rows = [cells[i] + cells[i + 1] for i in range(0, len(cells), 2)]
    lines = [("VALIGN", *EVERY, "TOP"), ("LINEBELOW", *EVERY, 0.3, GRID)]
    info = grid(rows, [WIDTH * w for w in (0.17, 0.33, 0.17, 0.33)], st, *lines, head=0)
    score_rows = [
        [para(_("Total score"), st["label"]), para(_("Stage"), st["label"])],
        [para(f"{data.total:.1f}", st["big"]), para(data.stage, st["stage"])],
    ]
    box = [("BACKGROUND", *EVERY, HEAD_BG), ("BOX", *EVERY, 0.6, OURS)]
    score = grid(score_rows, [WIDTH * 0.3, WIDTH * 0.7], st, *box, head=0)
    return [para(data.enterprise_name, st["name"]), info, Spacer(1, 8), score]


def _dimension_table(data: ReportData, st: dict) -> list:
    first = data.dimensions[0]
    head = [para(t, st["head"]) for t in (_("Dimension"), _("Score"), _("Weight"))]
    head += [c for label in _group_labels() for c in (para(label, st["head"]), "")]
    rows = [head, ["", "", ""] + [para(t, st["head"]) for t in (_("Average"), _("Percentile")) * 3]]
    for dim in data.dimensions:
        row = [para(dim.title, st["cell"]), _fmt(dim.score), _fmt(dim.weight * 100, "{:.0f}%")]
        for c in _comparisons(dim):
            row += [_fmt(c.average), _fmt(c.percentile, "{:.0f}")]
        rows.append(row)
    spans = [("SPAN", (c, 0), (c + 1, 0)) for c in (3, 5, 7)]
    spans += [("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2)]
    widths = [WIDTH - 366, 42, 42] + [44, 50] * 3  # "Percentile" must fit unbroken
    table = grid(rows, widths, st, *spans, head=2)
    # Percentiles of tiny groups mislead: say how many enterprises each group holds.
    note = _(
        "Compared with %(all)d enterprises in all, %(industry)d in the same industry and "
        "%(region)d in the same region.",
        all=first.all.count,
        industry=first.industry.count,
        region=first.region.count,
    )
    return [table, para(note, st["note"])]


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
    rows: list[list] = [[para(_("Indicator"), st["head"]), para(_("Value"), st["head"])]]
    cmds: list[tuple] = []
    for direction, indicators in grouped.items():
        n = len(rows)
        cmds += [("SPAN", (0, n), (1, n)), ("BACKGROUND", (0, n), (1, n), HEAD_BG)]
        rows.append([para(direction, st["h3"]), ""])
        rows += [[para(i.title, st["cell"]), i.shown()] for i in indicators]
    return grid(rows, [WIDTH - 70, 70], st, *cmds)


def report_pdf(data: ReportData) -> bytes:
    """The report as an A4 PDF, embedding a subset of the Chinese font; same data, same bytes."""
    font = cjk_font()
    st = styles(font)
    title = _("Self-assessment report")
    story: list = [para(title, st["title"]), *_summary(data, st)]
    if data.dimensions:
        story += [para(_("Dimensions"), st["h2"]), *_dimension_table(data, st), Spacer(1, 10)]
        story.append(KeepTogether([_chart(data, font)]))
    story += [para(_("Indicators"), st["h2"]), _indicator_table(data, st)]
    if data.weakest:
        story.append(para(_("Areas to improve"), st["h2"]))
        for number, area in enumerate(data.weakest, start=1):
            heading = para(f"{number}. {area.title}（{area.score:.1f}）", st["h3"])
            story.append(KeepTogether([heading, para(area.suggestion, st["indent"])]))
    if data.benchmarks:
        story.append(para(_("Benchmark enterprises of your industry"), st["h2"]))
        for b in data.benchmarks:
            story.append(para(f"{b.name}（{b.stage}）{b.note}", st["indent"]))
    if len(data.history) > 1:
        rows = [[para(label, st["head"]) for label in (_("Year"), _("Total score"), _("Stage"))]]
        rows += [[str(h.year), _fmt(h.total), para(h.stage, st["cell"])] for h in data.history]
        story += [para(_("History"), st["h2"]), grid(rows, [70, 90, WIDTH - 160], st)]

    left = f"Certpath · {data.enterprise_name}"
    if data.generated_at is not None:
        left += " · " + _("Generated at %(time)s", time=format_moment(data.generated_at))
    return pdf_layout.build(
        story,
        font=font,
        title=f"{title} — {data.enterprise_name}",
        locale=data.locale,
        footer_left=left,
    )


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
