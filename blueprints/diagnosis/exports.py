"""An SME digital level evaluation as a workbook and as a PDF: tables 6, 7 and 8 of seed 004
as the evaluation filled them, in the reader's language (the same rows in both)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app import pdf_layout
from app.excel import Sheet, Styled, write_xlsx
from app.fonts import cjk_font
from app.i18n import format_moment
from app.pdf_layout import MARGIN, para, styles
from blueprints.diagnosis.sme_level import EvaluationTable, Grading
from models import SmeLevelEvaluation


@dataclass(frozen=True)
class Table:
    name: str  # 表6 …
    caption: str
    header: list[str]
    rows: list[list[Any]]
    total_last: bool = False  # the last row adds up the others
    weights: tuple[float, ...] = ()  # relative column widths in the PDF (default: even)


def _number(value: float) -> str:
    return f"{value:g}"


def _grades(table: EvaluationTable, grading: Grading, locale: str) -> Table:
    rows = [
        [
            check.grade.title.get(locale),
            check.grade.min_points,
            check.points,
            _(
                "%(want)d at level %(level)d or above, %(cwant)d of them constrained",
                want=check.grade.scenarios.at_least,
                level=check.grade.scenarios.at_level,
                cwant=check.grade.scenarios.constrained_at_least,
            ),
            check.scenarios,
            check.constrained,
            _("Yes") if check.reached else _("No"),
        ]
        for check in grading.checks
    ]
    grade = grading.grade.title.get(locale) if grading.grade else table.no_grade.get(locale)
    header = [
        _("Grade"),
        _("Points required"),
        _("Points"),
        _("Business scenarios required"),
        _("Scenarios at the level"),
        _("Of them constrained"),
        _("Held"),
    ]
    caption = _("Table 6: the grades") + " — " + grade
    return Table(_("Table 6"), caption, header, rows, weights=(1.4, 0.8, 0.7, 2.8, 1, 1, 0.8))


def _points(table: EvaluationTable, evaluation: SmeLevelEvaluation, locale: str) -> Table:
    rows: list[list[Any]] = [
        [dimension.title.get(locale), indicator.title.get(locale), evaluation.points[indicator.key]]
        for dimension in table.dimensions
        for indicator in dimension.indicators
    ]
    rows.append([_("Total"), "", evaluation.total_points])
    header = [_("Dimension"), _("Indicator"), _("Points")]
    caption = _("Table 7: foundation, management and results")
    return Table(_("Table 7"), caption, header, rows, total_last=True)


def _scenarios(table: EvaluationTable, evaluation: SmeLevelEvaluation, locale: str) -> Table:
    def level_text(level: int) -> str:
        return _("Level %(n)d", n=level) if level else _("Not reached")

    rows: list[list[Any]] = [
        [
            group.title.get(locale),
            scenario.title.get(locale),
            _("Yes") if scenario.constrained else _("No"),
            level_text(evaluation.levels[scenario.key]),
        ]
        for group in table.scenario_groups
        for scenario in group.scenarios
    ]
    header = [_("Area"), _("Scenario"), _("Constrained"), _("Level")]
    return Table(_("Table 8"), _("Table 8: business scenarios"), header, rows)


def _tables(
    table: EvaluationTable, evaluation: SmeLevelEvaluation, grading: Grading, locale: str
) -> list[Table]:
    return [
        _grades(table, grading, locale),
        _points(table, evaluation, locale),
        _scenarios(table, evaluation, locale),
    ]


def _locale() -> str:
    return str(get_locale() or "zh")


def evaluation_xlsx(
    table: EvaluationTable,
    evaluation: SmeLevelEvaluation,
    grading: Grading,
    out: IO[bytes],
) -> None:
    locale = _locale()
    sheets = []
    for t in _tables(table, evaluation, grading, locale):
        numeric = {i for i, value in enumerate(t.rows[0]) if isinstance(value, float | int)}
        rows = [list(row) for row in t.rows]
        if t.total_last:
            rows[-1] = [Styled(v, bold=True) for v in rows[-1]]
        sheets.append(
            Sheet(t.name, t.header, rows, caption=t.caption, formats=dict.fromkeys(numeric, "0.##"))
        )
    write_xlsx(sheets, out, title=table.title.get(locale))


def evaluation_pdf(
    table: EvaluationTable, evaluation: SmeLevelEvaluation, grading: Grading
) -> bytes:
    locale = _locale()
    font = cjk_font()
    st = styles(font)
    title = table.title.get(locale)
    story: list = [
        para(evaluation.organisation.name, st["name"]),
        para(
            f"{title} · {evaluation.kind.title} · {format_moment(evaluation.created_at, 'short')}",
            st["label"],
        ),
    ]
    for t in _tables(table, evaluation, grading, locale):
        rows = [[para(label, st["head"]) for label in t.header]]
        rows += [
            [_number(v) if isinstance(v, float | int) else para(v, st["cell"]) for v in row]
            for row in t.rows
        ]
        weights = t.weights or (1,) * len(t.header)
        widths = [(A4[0] - 2 * MARGIN) * w / sum(weights) for w in weights]
        story += [
            Spacer(1, 4 * mm),
            para(t.caption, st["label"]),
            pdf_layout.grid(rows, widths, st),
        ]
    return pdf_layout.build(
        story,
        font=font,
        title=title,
        locale=locale,
        footer_left=f"Certpath · {evaluation.organisation.name}",
    )
