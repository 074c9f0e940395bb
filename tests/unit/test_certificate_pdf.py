"""The certificate PDF: one bilingual page, every font embedded, deterministic, a readable QR."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import date

import pypdf
import pytest
from flask import Flask
from PIL import Image, ImageDraw
from reportlab.graphics import renderPM
from reportlab.graphics.utils import RenderPMError

from app import create_app
from app.config import ConfigError
from blueprints.certificates.pdf import CertificateData, certificate_pdf, qr_drawing, zh_date
from tests.pdf_helpers import decode, pdf_text, pdftoppm_png

NUMBER = "CSAIII-00526IIIMS0052701"
ENTERPRISE = "上海智造精密装备有限公司"
ADDRESS = "上海市浦东新区张江路 88 号"
URL = f"https://certpath.example.cn/certificates/verify/{NUMBER}?lang=zh&src=qr"


@pytest.fixture(scope="module")
def cert_app() -> Iterator[Flask]:
    app = create_app({"ENV": "testing", "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    with app.app_context():
        yield app


def make_data(**changes: object) -> CertificateData:
    data = CertificateData(
        number=NUMBER,
        enterprise_name=ENTERPRISE,
        enterprise_name_en="Shanghai Zhizao Precision Equipment Co., Ltd.",
        address=ADDRESS,
        region="上海市 浦东新区",
        scope_zh=f"位于{ADDRESS}的{ENTERPRISE}，与基于工业互联网平台的柔性制造能力相关的"
        "两化融合管理活动。",
        scope_en="Activities of the management system for the integration of informatization "
        "and industrialization of Shanghai Zhizao Precision Equipment Co., Ltd. at 88 Zhangjiang "
        "Road, Pudong, Shanghai, related to flexible manufacturing on an industrial internet "
        "platform.",
        standard="GB/T 23001-2017",
        body_name="上海质量管理科学研究院",
        body_code="005",
        effective_on=date(2026, 11, 22),
        expires_on=date(2029, 11, 22),
        issued_on=date(2026, 11, 20),
        status_zh="有效",
        status_en="Valid",
        verify_url=URL,
    )
    return dataclasses.replace(data, **changes)


def test_one_page_with_the_enterprise_and_number(cert_app):
    pdf = certificate_pdf(make_data())
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = pdf_text(pdf)
    for expected in (ENTERPRISE, NUMBER, "信息化和工业化融合管理体系评定证书", "Certificate of"):
        assert expected in text
    for expected in ("GB/T 23001-2017", "上海质量管理科学研究院", "Shanghai Zhizao Precision"):
        assert expected in text
    assert "2029年11月22日" in text and "2029-11-22" in text
    assert "2026年11月20日" in text and "2026-11-20" in text  # issued before it takes effect
    assert "查验证书的实时状态" in text and "for the live status" in text
    assert "样本" not in text and "DRAFT" not in text


def test_user_text_is_escaped_not_parsed(cert_app):
    text = pdf_text(certificate_pdf(make_data(enterprise_name="甲&乙 <b>科技</b> 公司")))
    assert "甲&乙 <b>科技</b> 公司" in text


def test_every_font_is_embedded(cert_app):
    page = pypdf.PdfReader(io.BytesIO(certificate_pdf(make_data(draft=True)))).pages[0]
    seen = 0
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        faces = [font]
        if font["/Subtype"] == "/Type0":
            faces = [d.get_object() for d in font["/DescendantFonts"]]
        for face in faces:
            descriptor = face.get("/FontDescriptor")
            assert descriptor is not None, f"{face['/BaseFont']} is not embedded"
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), face
            seen += 1
    assert seen
    assert "/XObject" not in page["/Resources"]  # no form with fonts of its own to walk


def test_same_data_gives_the_same_bytes(cert_app):
    assert certificate_pdf(make_data()) == certificate_pdf(make_data())
    assert certificate_pdf(make_data(draft=True)) == certificate_pdf(make_data(draft=True))


def test_draft_carries_the_watermark(cert_app):
    draft = certificate_pdf(make_data(draft=True))
    assert draft != certificate_pdf(make_data())
    text = pdf_text(draft)
    assert "样本" in text and "DRAFT" in text
    assert ENTERPRISE in text  # the content is still there beneath it


def test_chinese_dates():
    assert zh_date(date(2026, 11, 22)) == "2026年11月22日"
    assert zh_date(date(2028, 2, 29)) == "2028年2月29日"


def test_qr_drawing_encodes_exactly_the_verify_url(cert_app):
    try:
        png = renderPM.drawToString(qr_drawing(URL), fmt="PNG", dpi=200)
        image = Image.open(io.BytesIO(png))
    except RenderPMError:  # reportlab 4+ renders bitmaps only with the rlPyCairo plugin
        image = pdftoppm_png(certificate_pdf(make_data()))
    assert decode(image) == [URL]


@pytest.mark.parametrize("draft", [False, True])
def test_qr_on_the_page_decodes(cert_app, draft):
    # A long scope squeezes the facts table, and the watermark must not reach the code either.
    data = make_data(
        draft=draft, scope_en=make_data().scope_en * 4, scope_zh=make_data().scope_zh * 4
    )
    assert decode(pdftoppm_png(certificate_pdf(data))) == [URL]


@pytest.fixture
def seal(tmp_path) -> str:
    """A red ring on a transparent ground, as an issuer's seal is scanned."""
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((20, 20, 380, 380), outline=(200, 20, 20, 230), width=24)
    path = tmp_path / "seal.png"
    image.save(path)
    return str(path)


def test_the_configured_seal_is_stamped_on_issued_certificates_only(cert_app, seal):
    issued = pypdf.PdfReader(io.BytesIO(certificate_pdf(make_data(seal_image=seal))))
    assert len(issued.pages) == 1 and len(issued.pages[0].images) == 1
    draft = pypdf.PdfReader(io.BytesIO(certificate_pdf(make_data(seal_image=seal, draft=True))))
    assert len(draft.pages[0].images) == 0
    unsealed = pypdf.PdfReader(io.BytesIO(certificate_pdf(make_data())))
    assert len(unsealed.pages[0].images) == 0
    assert URL in decode(pdftoppm_png(certificate_pdf(make_data(seal_image=seal))))


def test_a_seal_setting_that_is_no_image_stops_the_start(tmp_path):
    not_an_image = tmp_path / "seal.png"
    not_an_image.write_text("<svg/>")
    for path in (str(not_an_image), str(tmp_path / "missing.png")):
        with pytest.raises(ConfigError, match="CERTIFICATE_SEAL_IMAGE"):
            create_app(
                {
                    "ENV": "testing",
                    "SECRET_KEY": "x" * 40,
                    "DATABASE_URL": "sqlite://",
                    "CERTIFICATE_SEAL_IMAGE": path,
                }
            )
