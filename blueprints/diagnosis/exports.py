"""An SME digital level evaluation as a workbook: tables 6, 7 and 8 of seed 004 as the
evaluation filled them, in the reader's language."""

from __future__ import annotations

from typing import IO

from flask_babel import get_locale
from flask_babel import gettext as _

from app.excel import Sheet, Styled, write_xlsx
from blueprints.diagnosis.sme_level import EvaluationTable, Grading
from models import SmeLevelEvaluation


def _grades(table: EvaluationTable, grading: Grading, locale: str) -> Sheet:
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
    return Sheet(
        _("Table 6"),
        [
            _("Grade"),
            _("Points required"),
            _("Points"),
            _("Business scenarios required"),
            _("Scenarios at the level"),
            _("Of them constrained"),
            _("Held"),
        ],
        rows,
        caption=_("Table 6: the grades") + " — " + grade,
        formats={1: "0.##", 2: "0.##"},
    )


def _points(table: EvaluationTable, evaluation: SmeLevelEvaluation, locale: str) -> Sheet:
    rows: list[list[object]] = [
        [dimension.title.get(locale), indicator.title.get(locale), evaluation.points[indicator.key]]
        for dimension in table.dimensions
        for indicator in dimension.indicators
    ]
    rows.append([Styled(_("Total"), bold=True), "", Styled(evaluation.total_points, bold=True)])
    return Sheet(
        _("Table 7"),
        [_("Dimension"), _("Indicator"), _("Points")],
        rows,
        caption=_("Table 7: foundation, management and results"),
        formats={2: "0.##"},
    )


def _scenarios(table: EvaluationTable, evaluation: SmeLevelEvaluation, locale: str) -> Sheet:
    def level_text(level: int) -> str:
        return _("Level %(n)d", n=level) if level else _("Not reached")

    rows = [
        [
            group.title.get(locale),
            scenario.title.get(locale),
            _("Yes") if scenario.constrained else _("No"),
            level_text(evaluation.levels[scenario.key]),
        ]
        for group in table.scenario_groups
        for scenario in group.scenarios
    ]
    return Sheet(
        _("Table 8"),
        [_("Area"), _("Scenario"), _("Constrained"), _("Level")],
        rows,
        caption=_("Table 8: business scenarios"),
    )


def evaluation_xlsx(
    table: EvaluationTable,
    evaluation: SmeLevelEvaluation,
    grading: Grading,
    out: IO[bytes],
) -> None:
    locale = str(get_locale() or "zh")
    write_xlsx(
        [
            _grades(table, grading, locale),
            _points(table, evaluation, locale),
            _scenarios(table, evaluation, locale),
        ],
        out,
        title=table.title.get(locale),
    )
