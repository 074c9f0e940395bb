"""The certificate as a one-page bilingual A4 PDF (Chinese first, English below).

Every glyph comes from the embedded Chinese TrueType font (no standard-14 font anywhere), the
QR code is vector graphics from reportlab's own encoder, and ``invariant=1`` with no clock
reading makes equal data give equal bytes. The QR code carries the public verification URL:
the page it leads to shows the live status, which may differ from the status printed here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from app.fonts import cjk_font

TITLE_ZH = "信息化和工业化融合管理体系评定证书"
TITLE_EN = (
    "Certificate of Conformity — Management System for the Integration of "
    "Informatization and Industrialization"
)
WATERMARK = "样本 DRAFT"
PAGE_W, PAGE_H = A4
MARGIN = 25 * mm  # content inset; the frames sit at 10 and 12.5 mm
WIDTH = PAGE_W - 2 * MARGIN
QR_SIZE = 35 * mm
LABEL_W = 34 * mm
NAVY, GOLD = colors.HexColor("#1f3a68"), colors.HexColor("#b08d3c")
MUTED, RULE = colors.HexColor("#5b6472"), colors.HexColor("#d5dbe5")
DRAFT_INK = colors.HexColor("#f2c9c9")
SEAL_SIZE = 38 * mm
EVERY = ((0, 0), (-1, -1))


@dataclass(frozen=True)
class CertificateData:
    number: str
    enterprise_name: str
    enterprise_name_en: str | None
    address: str
    region: str
    scope_zh: str
    scope_en: str
    standard: str
    body_name: str
    body_code: str
    effective_on: date
    expires_on: date
    issued_on: date
    status_zh: str
    status_en: str
    verify_url: str
    draft: bool = False
    seal_image: str = ""  # a file's path; drawn on issued certificates, never on a draft


def zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def qr_drawing(url: str, size: float = QR_SIZE) -> Drawing:
    """``url`` as a QR code (level M, 4-module quiet zone) on a white square of ``size`` points."""
    widget = QrCodeWidget(url, barLevel="M", barWidth=size, barHeight=size, barBorder=4)
    drawing = Drawing(size, size)
    # The white ground keeps the quiet zone clear of the frame or a watermark beneath it.
    drawing.add(Rect(0, 0, size, size, fillColor=colors.white, strokeColor=None))
    drawing.add(widget)
    return drawing


def _styles(font: str, scale: float) -> dict[str, ParagraphStyle]:
    def style(name: str, size: float, lead: float, **kw) -> ParagraphStyle:
        # CJK wrapping breaks between any two Chinese characters; English wraps at spaces.
        kw.setdefault("wordWrap", None if name.endswith("_en") else "CJK")
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=lead, **kw)

    s = scale
    return {
        "title": style("title", 22, 30, alignment=TA_CENTER, textColor=NAVY),
        "title_en": style("title_en", 11, 14.5, alignment=TA_CENTER, textColor=NAVY),
        "number": style("number", 11, 16, alignment=TA_CENTER),
        "statement": style("statement", 10 * s, 15 * s, alignment=TA_CENTER),
        "statement_en": style(
            "statement_en", 8.5 * s, 12 * s, alignment=TA_CENTER, textColor=MUTED
        ),
        "label": style("label", 9.5 * s, 13 * s, textColor=NAVY),
        "label_en": style("label_en", 7.5 * s, 10 * s, textColor=MUTED),
        "value": style("value", 10 * s, 14.5 * s),
        "value_en": style("value_en", 8.5 * s, 12 * s, textColor=MUTED),
        "note": style("note", 8, 11.5, textColor=MUTED),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # Certificate fields are user input: escape them, they would otherwise be parsed as markup.
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _rows(data: CertificateData) -> list[tuple[str, str, str, str | None]]:
    """(label zh, label en, value zh, value en) for the table of facts."""
    dated = [
        ("发证日期", "Date of issue", data.issued_on),
        ("生效日期", "Effective date", data.effective_on),
        ("有效期至", "Expiry date", data.expires_on),
    ]
    return [
        ("企业名称", "Enterprise", data.enterprise_name, data.enterprise_name_en),
        ("地址", "Address", data.address, None),
        ("所在地区", "Region", data.region, None),
        ("评定范围", "Scope", data.scope_zh, data.scope_en),
        ("评定依据", "Standard", data.standard, None),
        (
            "评定机构",
            "Evaluation body",
            data.body_name,
            data.body_code and f"Code {data.body_code}",
        ),
        *((zh, en, zh_date(day), day.isoformat()) for zh, en, day in dated),
        ("证书状态", "Status", data.status_zh, f"{data.status_en} (when printed)"),
    ]


def _facts(data: CertificateData, st: dict[str, ParagraphStyle]) -> Table:
    cells = []
    for label_zh, label_en, value_zh, value_en in _rows(data):
        values = [_p(value_zh, st["value"])]
        if value_en:
            values.append(_p(value_en, st["value_en"]))
        cells.append([[_p(label_zh, st["label"]), _p(label_en, st["label_en"])], values])
    table = Table(cells, colWidths=[LABEL_W, WIDTH - LABEL_W])
    # FONTNAME: a cell without one would declare an unembedded Helvetica.
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", *EVERY, st["value"].fontName),
        ("VALIGN", *EVERY, "TOP"),
    ]
    style += [("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE), ("LINEABOVE", (0, 0), (-1, 0), 0.8, GOLD)]
    style += [("LINEBELOW", (0, -1), (-1, -1), 0.8, GOLD)]
    style += [("TOPPADDING", *EVERY, 4), ("BOTTOMPADDING", *EVERY, 5)]
    table.setStyle(TableStyle(style))
    return table


def _frame(c: Canvas) -> None:
    c.saveState()
    c.setStrokeColor(NAVY)
    c.setLineWidth(2.2)
    c.rect(10 * mm, 10 * mm, PAGE_W - 20 * mm, PAGE_H - 20 * mm)
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.6)
    c.rect(12.5 * mm, 12.5 * mm, PAGE_W - 25 * mm, PAGE_H - 25 * mm)
    c.setFillColor(GOLD)
    for x in (12.5 * mm, PAGE_W - 12.5 * mm):  # small diamonds on the inner corners
        for y in (12.5 * mm, PAGE_H - 12.5 * mm):
            path = c.beginPath()
            path.moveTo(x, y - 4)
            for dx, dy in ((4, 0), (0, 4), (-4, 0)):
                path.lineTo(x + dx, y + dy)
            path.close()
            c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


def _watermark(c: Canvas, font: str) -> None:
    c.saveState()
    c.setFillColor(DRAFT_INK)
    c.setFont(font, 84)
    c.translate(PAGE_W / 2, PAGE_H / 2)
    c.rotate(52)
    c.drawCentredString(0, -30, WATERMARK)
    c.restoreState()


def _seal(c: Canvas, path: str) -> None:
    """The issuer's seal above the QR code, where a stamp overlaps the foot of the facts as a
    paper certificate's does; its transparency kept."""
    size = SEAL_SIZE
    c.drawImage(
        ImageReader(path),
        PAGE_W - MARGIN - size,
        MARGIN + QR_SIZE + 4 * mm,
        size,
        size,
        mask="auto",
        preserveAspectRatio=True,
        anchor="c",
    )


def _draw(c: Canvas, flowable, x: float, top: float, width: float = WIDTH) -> float:
    """Draw ``flowable`` with its top edge at ``top``; return its bottom edge."""
    _, height = flowable.wrapOn(c, width, PAGE_H)
    flowable.drawOn(c, x, top - height)
    return top - height


def certificate_pdf(data: CertificateData) -> bytes:
    """The certificate as a one-page A4 PDF, embedding a subset of the Chinese font."""
    font = cjk_font()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, invariant=1, initialFontName=font, lang="zh-CN")
    c.setTitle(f"{TITLE_ZH} {data.number}")
    c.setSubject(f"{data.enterprise_name} · {data.standard}")
    c.setAuthor(data.body_name)
    c.setCreator("Certpath")
    _frame(c)
    if data.draft:
        _watermark(c, font)  # beneath the content: the text stays legible

    st = _styles(font, 1.0)
    y = _draw(c, _p(TITLE_ZH, st["title"]), MARGIN, PAGE_H - 27 * mm)
    y = _draw(c, _p(TITLE_EN, st["title_en"]), MARGIN + 10 * mm, y - 2, WIDTH - 20 * mm)
    number = f"证书编号 Certificate No.：{data.number}"
    y = _draw(c, _p(number, st["number"]), MARGIN, y - 5 * mm)
    head = y - 5 * mm

    # The facts take the room between the heading and the QR code: shrink rather than overlap.
    qr_top = MARGIN + QR_SIZE
    for scale in (1.0, 0.92, 0.84, 0.76, 0.68):
        st = _styles(font, scale)
        statement = [
            _p(f"兹证明下列企业的两化融合管理体系符合 {data.standard} 的要求。", st["statement"]),
            _p(
                "This is to certify that the management system of the enterprise below "
                f"conforms to {data.standard}.",
                st["statement_en"],
            ),
        ]
        table = _facts(data, st)
        heights = [f.wrapOn(c, WIDTH, PAGE_H)[1] for f in (*statement, table)]
        if head - sum(heights) - 7 * mm >= qr_top + 6 * mm:
            break
    y = _draw(c, statement[0], MARGIN, head)
    y = _draw(c, statement[1], MARGIN, y)
    _draw(c, table, MARGIN, y - 5 * mm)

    if data.seal_image and not data.draft:
        _seal(c, data.seal_image)
    drawing = qr_drawing(data.verify_url)
    drawing.initialFontName = font  # the renderer would otherwise select Helvetica
    renderPDF.draw(drawing, c, PAGE_W - MARGIN - QR_SIZE, MARGIN)
    url = escape(data.verify_url)
    link = f'<a href="{escape(data.verify_url, {chr(34): "&quot;"})}" color="#1f3a68">{url}</a>'
    note = Paragraph(
        f"扫描二维码或访问 {link} 查验证书的实时状态。<br/>"
        f"Scan the QR code or visit {link} for the live status of this certificate.",
        _styles(font, 1.0)["note"],
    )
    note_w = WIDTH - QR_SIZE - 8 * mm
    _, note_h = note.wrapOn(c, note_w, PAGE_H)
    note.drawOn(c, MARGIN, MARGIN)
    c.saveState()
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.6)
    c.line(MARGIN, MARGIN + note_h + 3 * mm, MARGIN + note_w, MARGIN + note_h + 3 * mm)
    c.restoreState()
    c.showPage()
    c.save()
    return buffer.getvalue()
