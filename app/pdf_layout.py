"""The look of the PDF exports (the self-assessment report, a campaign's bulletin): styles in
the embedded Chinese font, escaped paragraphs, ruled tables, "page 2 of 5" footers, and a build
that gives the same bytes for the same content."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from flask import Response
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table
from reportlab.platypus import TableStyle as TS

MARGIN = 18 * mm
ACCENT = colors.HexColor("#2563eb")
HEAD_BG, GRID = colors.HexColor("#e8eef7"), colors.HexColor("#c3ccd8")
MUTED = colors.HexColor("#6b7280")
EVERY = ((0, 0), (-1, -1))  # table-style range: every cell


class NumberedCanvas(Canvas):
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


def styles(font: str) -> dict[str, ParagraphStyle]:
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
    variants["h2"] |= {"textColor": ACCENT, "keepWithNext": 1}  # never last on a page
    return {"body": base} | {k: ParagraphStyle(k, parent=base, **v) for k, v in variants.items()}


def para(text: object, style: ParagraphStyle) -> Paragraph:
    # Data strings are user input: escape them, they would otherwise be parsed as markup.
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def grid(rows: list[list], widths: Sequence[float], st: dict, *cmds: tuple, head=1) -> Table:
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


def page_footer(canvas: Canvas, page: int, pages: int, *, font: str, left: str) -> None:
    canvas.saveState()
    canvas.setFont(font, 7.5)
    canvas.setFillColor(MUTED)
    canvas.drawString(MARGIN, 10 * mm, left)
    label = _("Page %(page)d of %(pages)d", page=page, pages=pages)
    canvas.drawRightString(canvas._pagesize[0] - MARGIN, 10 * mm, label)
    canvas.restoreState()


def build(
    story: list,
    *,
    font: str,
    title: str,
    locale: str,
    footer_left: str,
    pagesize: tuple[float, float] = A4,
) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        **dict.fromkeys(("leftMargin", "rightMargin", "topMargin"), MARGIN),
        bottomMargin=MARGIN + 4 * mm,  # room for the footer
        title=title,
        author="Certpath",
        creator="Certpath",
        lang="zh-CN" if locale == "zh" else "en",
        invariant=1,  # fixed dates and document id: the same data gives the same bytes
        initialFontName=font,  # else every page declares an unembedded Helvetica
    )
    footer = functools.partial(page_footer, font=font, left=footer_left)
    doc.build(story, canvasmaker=functools.partial(NumberedCanvas, footer=footer))
    return buffer.getvalue()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> Response:
    """A PDF to download (or to show in the browser's viewer, ``inline``), private to the
    one who asked."""
    response = Response(pdf, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
