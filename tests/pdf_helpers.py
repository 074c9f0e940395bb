"""Reading PDFs back in tests: the text (pypdf), the first page as an image (poppler's
pdftoppm), and the QR codes on it (zxing-cpp)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile

import pypdf
import pytest
import zxingcpp
from PIL import Image


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdftoppm_png(pdf: bytes) -> Image.Image:
    """The first page rendered by poppler at 200 dpi: skipped without it, except in CI."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm (Debian: poppler-utils) is required in CI to decode the QR")
        pytest.skip("reading a PDF page needs pdftoppm: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        source, stem = os.path.join(tmp, "c.pdf"), os.path.join(tmp, "page")
        with open(source, "wb") as f:
            f.write(pdf)
        subprocess.run([tool, "-r", "200", "-png", "-singlefile", source, stem], check=True)
        with Image.open(stem + ".png") as image:
            return image.convert("L")


def decode(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image)
    assert all(b.format == zxingcpp.BarcodeFormat.QRCode for b in found), found
    return [b.text for b in found]
