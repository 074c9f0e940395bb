"""The regional statistics as an Excel workbook: one sheet per table of the page."""

from __future__ import annotations

from typing import IO, Any

from flask_babel import gettext as _

from app.excel import Sheet, write_xlsx
from blueprints.statistics import services, snapshots


def statistics_xlsx(scope: services.Scope, out: IO[bytes]) -> None:
    figures = snapshots.figures(scope)
    assessed, stages = figures.assessed, figures.stages
    place = scope.region.display_name if scope.region else _("The whole country")
    title = _("Self-assessments of %(place)s, %(year)d", place=place, year=scope.year)
    stage_rows: list[list[Any]] = [[s.title, s.count, s.share] for s in stages]
    dimension_rows = [[d.title, d.count, d.mean, *d.quartiles] for d in figures.dimensions]
    indicator_rows = [[i.direction, i.title, i.value, i.count] for i in figures.indicators]
    stage_keys = [s.key for s in stages]
    unit_rows = [
        [
            u.name,
            u.index,
            u.count,
            u.roster,
            u.certificates,
            u.mean_total,
            *(u.stages.get(key, 0.0) for key in stage_keys),
        ]
        for u in figures.units
    ]
    trend_rows = [list(row) for row in figures.trend]
    sheets = [
        Sheet(
            _("Stages"),
            [_("Stage"), _("Enterprises"), _("Share")],
            stage_rows,
            {2: "0.0%"},
            caption=f"{title} — {_('%(n)d enterprises assessed', n=assessed)}",
        ),
        Sheet(
            _("Dimensions"),
            [
                _("Dimension"),
                _("Enterprises"),
                _("Mean"),
                _("Lower quartile"),
                _("Median"),
                _("Upper quartile"),
            ],
            dimension_rows,
            {2: "0.0", 3: "0.0", 4: "0.0", 5: "0.0"},
        ),
        Sheet(
            _("Indicators"),
            [_("Direction"), _("Indicator"), _("Value"), _("Enterprises")],
            indicator_rows,
            {2: '0.0"%"'},
            note=_(
                "A rate is the mean of the enterprises' rates; an indicator of the share of "
                "enterprises is the share of those that answered yes."
            ),
        ),
        Sheet(
            _("Reporting units"),
            [
                _("Reporting unit"),
                _("Development index"),
                _("Enterprises"),
                _("On the roster"),
                _("Valid certificates"),
                _("Mean total score"),
                *(s.title for s in stages),
            ],
            unit_rows,
            {1: "0.0", 5: "0.0", **{6 + n: "0.0%" for n in range(len(stages))}},
        ),
        Sheet(
            _("Years"),
            [_("Year"), _("Enterprises"), _("Mean total score")],
            trend_rows,
            {2: "0.0"},
        ),
    ]
    write_xlsx(sheets, out, title=title)
