"""Excel of a campaign: the progress table laid out like seed 001's annex 2 (a title line, the
columns, the definitions as a note), and the enterprises of a region (who took part, who has
not), streamed row by row."""

from __future__ import annotations

from typing import IO, Any

from flask_babel import gettext as _

from app.excel import Sheet, Styled, write_xlsx
from blueprints.campaigns import progress


def definitions() -> str:
    return _(
        "Note: taking part means having an assessment record in the campaign; completed means "
        "the assessment is scored and submitted. The completion rate is completed against the "
        "quota; a quota is the larger of its number and its share of the unit's roster."
    )


def _progress_row(row: progress.Row, *, bold: bool = False) -> list[Any]:
    name = row.unit.name
    if row.unit.direct:
        name = _("%(region)s (registered at this level)", region=name)
    cells: list[Any] = [
        name,
        row.quota,
        row.participated,
        row.completed,
        row.rate,
        row.rank,
        row.roster,
    ]
    return [Styled(c, bold=True) if bold and c is not None else c for c in cells]


def progress_header() -> list[str]:
    return [
        _("Reporting unit"),
        _("Quota (enterprises)"),
        _("Enterprises taking part"),
        _("Enterprises completed"),
        _("Completion rate"),
        _("Rank"),
        _("On the roster"),
    ]


def progress_xlsx(table: progress.Table, out: IO[bytes]) -> None:
    caption = _(
        "%(region)s — progress of %(title)s (%(year)d, round %(round)d)",
        region=table.region.display_name,
        title=table.campaign.title,
        year=table.campaign.year,
        round=table.campaign.round,
    )
    rows = [_progress_row(table.total, bold=True), *(_progress_row(r) for r in table.rows)]
    sheet = Sheet(
        _("Progress"),
        progress_header(),
        rows,
        formats={4: "0.0%"},
        caption=caption,
        note=definitions(),
    )
    write_xlsx([sheet], out, title=caption)
