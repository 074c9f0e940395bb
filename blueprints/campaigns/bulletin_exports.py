"""A quarterly bulletin as PDF and Excel: the progress table as issued, each figure with its
change since the bulletin before, the definitions as a note."""

from __future__ import annotations

from typing import IO, Any

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4, landscape

from app import pdf_layout
from app.excel import Sheet, Styled, write_xlsx
from app.fonts import cjk_font
from app.pdf_layout import MARGIN, para, styles
from blueprints.campaigns.bulletins import Line
from blueprints.campaigns.exports import definitions
from models import CampaignBulletin, Region

DASH = "—"


def caption(bulletin: CampaignBulletin, region: Region) -> str:
    year, quarter = bulletin.quarter.split("Q")
    return _(
        "%(region)s — bulletin of %(title)s, quarter %(quarter)s of %(year)s",
        region=region.display_name,
        title=bulletin.campaign.title,
        quarter=quarter,
        year=year,
    )


def since(bulletin: CampaignBulletin, before: CampaignBulletin | None) -> str:
    issued = format_date(bulletin.issued_at)
    if before is None:
        return _("Issued %(day)s. The first bulletin: no change to show.", day=issued)
    return _(
        "Issued %(day)s. Changes are since the bulletin of %(before)s.",
        day=issued,
        before=format_date(before.issued_at),
    )


def header() -> list[str]:
    return [
        _("Reporting unit"),
        _("Quota (enterprises)"),
        _("Enterprises taking part"),
        _("Change"),
        _("Enterprises completed"),
        _("Change"),
        _("Completion rate"),
        _("Rank"),
        _("Places moved"),
        _("On the roster"),
    ]


def _signed(value: int | None) -> str:
    return DASH if value is None else f"{value:+d}"


def _cells(line: Line) -> list[Any]:
    return [
        line.name,
        line.quota,
        line.participated,
        line.change_participated,
        line.completed,
        line.change_completed,
        line.rate,
        line.rank,
        line.change_rank,
        line.roster,
    ]


def bulletin_xlsx(
    bulletin: CampaignBulletin,
    region: Region,
    lines: list[Line],
    before: CampaignBulletin | None,
    out: IO[bytes],
) -> None:
    rows = [
        [Styled(c, bold=True) if line.total and c is not None else c for c in _cells(line)]
        for line in lines
    ]
    sheet = Sheet(
        _("Bulletin"),
        header(),
        rows,
        formats={3: "+0;-0;0", 5: "+0;-0;0", 6: "0.0%", 8: "+0;-0;0"},
        caption=caption(bulletin, region),
        note=f"{since(bulletin, before)} {definitions()}",
    )
    write_xlsx([sheet], out, title=caption(bulletin, region))


def bulletin_pdf(
    bulletin: CampaignBulletin,
    region: Region,
    lines: list[Line],
    before: CampaignBulletin | None,
    locale: str,
) -> bytes:
    font = cjk_font()
    st = styles(font)
    page = landscape(A4)
    width = page[0] - 2 * MARGIN
    title = caption(bulletin, region)
    rows: list[list] = [[para(label, st["head"]) for label in header()]]
    for line in lines:
        rate = DASH if line.rate is None else f"{line.rate * 100:.1f}%"
        rows.append(
            [
                para(line.name, st["cell"]),
                DASH if line.quota is None else str(line.quota),
                str(line.participated),
                _signed(line.change_participated),
                str(line.completed),
                _signed(line.change_completed),
                rate,
                DASH if line.rank is None else str(line.rank),
                _signed(line.change_rank),
                str(line.roster),
            ]
        )
    first = width * 0.22
    widths = [first] + [(width - first) / 9] * 9
    total_row = ("FONTSIZE", (0, 1), (-1, 1), 9)
    story: list = [
        para(title, st["name"]),
        para(since(bulletin, before), st["label"]),
        pdf_layout.grid(rows, widths, st, total_row),
        para(definitions(), st["note"]),
    ]
    return pdf_layout.build(
        story,
        font=font,
        title=title,
        locale=locale,
        footer_left=f"Certpath · {bulletin.campaign.title}",
        pagesize=page,
    )
