"""Uploads: names, size, real content type, atomic storage, EXIF time, download headers.

Every sample file is built here, in memory, so that no binary sits in the repository.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from datetime import datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from flask_babel import force_locale
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from app import uploads
from app.uploads import IMAGE_EXTENSIONS, StoredFile, UploadError

# --- sample files -------------------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
OLE = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)  # compound-file header sector
EXE = b"MZ\x90\x00\x03" + bytes(59) + b"This program cannot be run in DOS mode.\r\n" + bytes(200)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
OOXML_MAIN = "application/vnd.openxmlformats-officedocument.{}.main+xml"


def ooxml(main_part: str, content_type: str) -> bytes:
    """A minimal Office Open XML package: content types, relationships, one main part."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="' + main_part + '" Type="http://schemas.openxml'
            'formats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>',
        )
        archive.writestr(main_part, "<root/>")
    return buffer.getvalue()


def docx() -> bytes:
    return ooxml("word/document.xml", OOXML_MAIN.format("wordprocessingml.document"))


def pptx() -> bytes:
    return ooxml("ppt/presentation.xml", OOXML_MAIN.format("presentationml.presentation"))


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "评定"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not an Office document")
    return buffer.getvalue()


def image(
    fmt: str,
    original: str | None = None,
    modified: str | None = None,
    gps: dict[int, object] | None = None,
) -> bytes:
    exif = Image.Exif()
    if modified:
        exif[306] = modified  # DateTime, in IFD0
    if original:
        exif.get_ifd(0x8769)[36867] = original  # DateTimeOriginal, in the Exif IFD
    if gps:
        exif.get_ifd(0x8825).update(gps)  # the GPS IFD
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def upload(name: str | None, data: bytes) -> FileStorage:
    return FileStorage(stream=BytesIO(data), filename=name, content_type="application/octet-stream")


def files_in(root: Path) -> list[Path]:
    return [Path(d, f) for d, _dirs, names in os.walk(root) for f in names]


def english(message) -> str:
    with force_locale("en"):
        return str(message)


@pytest.fixture
def folder(app, app_ctx, tmp_path, monkeypatch) -> Path:
    root = (tmp_path / "uploads").resolve()
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(root))
    return root


# --- storing ------------------------------------------------------------------------------


def test_stores_a_pdf_under_a_generated_name(folder):
    stored = uploads.store(upload("report.pdf", PDF))

    assert isinstance(stored, StoredFile)
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored.stored_name)
    assert stored.original_name == "report.pdf"
    assert stored.size == len(PDF)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.content_type == "application/pdf"
    assert stored.taken_at is None
    path = uploads.path_of(stored.stored_name)
    hexname = stored.stored_name
    assert path == folder / hexname[:2] / hexname[2:4] / hexname
    assert path.read_bytes() == PDF
    assert files_in(folder) == [path]  # the temporary file is gone


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("manual.pdf", lambda: PDF, "application/pdf"),
        ("old.doc", lambda: OLE, "application/msword"),
        ("old.xls", lambda: OLE, "application/vnd.ms-excel"),
        ("old.ppt", lambda: OLE, "application/vnd.ms-powerpoint"),
        (
            "procedure.docx",
            docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("records.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "slides.pptx",
            pptx,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("photo.jpg", lambda: image("JPEG"), "image/jpeg"),
        ("photo.jpeg", lambda: image("JPEG"), "image/jpeg"),
        ("scan.png", lambda: image("PNG"), "image/png"),
    ],
)
def test_accepts_each_document_type(folder, name, make, content_type):
    data = make()
    stored = uploads.store(upload(name, data))
    assert stored.content_type == content_type
    assert stored.stored_name.endswith("." + name.rsplit(".", 1)[1])
    assert uploads.path_of(stored.stored_name).read_bytes() == data


def docm() -> bytes:
    return ooxml("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("report.pdf", lambda: EXE),
        ("report.docx", lambda: EXE),
        ("x.docx", plain_zip),
        ("x.docx", docm),  # macro-enabled document renamed to .docx
        ("x.docx", xlsx),
        ("x.xlsx", docx),
        ("x.pdf", plain_zip),
        ("x.pdf", lambda: HTML),
        ("x.pdf", lambda: OLE),
        ("x.doc", lambda: PDF),
        ("photo.jpg", lambda: image("PNG")),
        ("scan.png", lambda: b"just some text, not an image"),
    ],
)
def test_refuses_content_that_does_not_match_the_extension(folder, name, make):
    with pytest.raises(UploadError) as refused:
        uploads.store(upload(name, make()))
    ext = name.rsplit(".", 1)[1]
    assert english(refused.value.message) == (
        f"The file's content does not match its extension .{ext}."
    )
    assert files_in(folder) == []


def test_refuses_an_empty_file(folder):
    with pytest.raises(UploadError) as refused:
        uploads.store(upload("report.pdf", b""))
    assert english(refused.value.message) == "The file is empty."
    assert files_in(folder) == []


def test_refuses_a_file_over_the_limit_and_keeps_one_at_the_limit(app, folder, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", len(PDF))
    big = PDF + b"%" * 200_000  # several chunks: the limit is checked while reading
    with pytest.raises(UploadError) as refused:
        uploads.store(upload("big.pdf", big))
    assert english(refused.value.message) == "The file is larger than 1 MB."
    assert files_in(folder) == []
    assert uploads.store(upload("exact.pdf", PDF)).size == len(PDF)


def test_size_message_names_the_configured_megabytes(app, folder, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
    stream = upload("big.pdf", PDF + bytes(5 * 1024 * 1024))
    with pytest.raises(UploadError) as refused:
        uploads.store(stream)
    assert english(refused.value.message) == "The file is larger than 5 MB."
    assert stream.stream.tell() < 5 * 1024 * 1024 + 128 * 1024  # stopped reading early


def test_a_failing_stream_leaves_nothing_behind(folder):
    class Broken(BytesIO):
        def read(self, size=-1):
            if self.tell():
                raise OSError("client went away")
            return super().read(size)

    stream = FileStorage(stream=Broken(PDF * 10_000), filename="report.pdf")
    with pytest.raises(OSError, match="client went away"):
        uploads.store(stream)
    assert files_in(folder) == []


def test_refuses_an_extension_outside_allowed(folder):
    with pytest.raises(UploadError) as refused:
        uploads.store(upload("report.pdf", PDF), allowed=IMAGE_EXTENSIONS)
    assert english(refused.value.message) == (
        "Files of type .pdf are not accepted. Accepted types: jpeg, jpg, png."
    )
    for name in ("tool.exe", "page.html", "archive.zip"):
        with pytest.raises(UploadError):
            uploads.store(upload(name, PDF))
    assert files_in(folder) == []


# --- names --------------------------------------------------------------------------------

BAD_NAMES = [
    None,
    "",
    "   ",
    "../../evil.pdf",
    "a/b.pdf",
    "C:\\x\\y.pdf",
    "..",
    ".hidden.pdf",
    "noextension",
    "trailingdot.",
    "name\x00.pdf",
    "name\n.pdf",
    "gpj.\u202eexe.pdf",  # right-to-left override, a classic disguise
    "a" * 197 + ".pdf",  # 201 characters
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_refuses_bad_names(folder, name):
    with pytest.raises(UploadError) as refused:
        uploads.clean_original_name(name)
    assert english(refused.value.message)
    with pytest.raises(UploadError):
        uploads.store(upload(name, PDF))
    assert files_in(folder) == []


def test_name_messages_say_what_is_wrong(app_ctx):
    def message(name):
        with pytest.raises(UploadError) as refused:
            uploads.clean_original_name(name)
        return english(refused.value.message)

    assert message("../../evil.pdf") == "The file name must not contain a folder path."
    assert message(".hidden.pdf") == "The file name must not start with a dot."
    assert message("name\x00.pdf") == "The file name contains control characters."
    assert message("a" * 201) == "The file name is longer than 200 characters."
    assert message("noextension") == "The file name has no extension (such as .pdf)."


def test_keeps_chinese_names_exactly(app_ctx):
    name = "评定报告（终版）.pdf"
    assert uploads.clean_original_name(name) == name
    assert uploads.clean_original_name("  " + name + "\t") == name
    assert uploads.clean_original_name("a" * 196 + ".pdf") == "a" * 196 + ".pdf"  # 200 is fine


def test_normalises_names_to_nfc(app_ctx):
    assert uploads.clean_original_name("Re\u0301sume\u0301.pdf") == "R\u00e9sum\u00e9.pdf"


def test_accepts_an_upper_case_extension(folder):
    stored = uploads.store(upload("报告.PDF", PDF))
    assert stored.original_name == "报告.PDF"
    assert stored.stored_name.endswith(".pdf")


# --- photos -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_reads_when_a_photo_was_taken(folder, fmt):
    data = image(fmt, original="2024:03:15 09:30:00", modified="2024:04:01 12:00:00")
    stored = uploads.store(upload("site." + fmt.lower(), data))
    assert stored.taken_at == datetime(2024, 3, 15, 9, 30)


def test_falls_back_to_the_exif_datetime(folder):
    stored = uploads.store(upload("site.jpg", image("JPEG", modified="2023:12:31 23:59:58")))
    assert stored.taken_at == datetime(2023, 12, 31, 23, 59, 58)


@pytest.mark.parametrize(
    ("original", "modified"),
    [(None, None), ("not a date", None), ("0000:00:00 00:00:00", "garbage")],
)
def test_missing_or_garbled_exif_gives_no_time(folder, original, modified):
    stored = uploads.store(upload("site.png", image("PNG", original, modified)))
    assert stored.taken_at is None


def test_a_corrupt_exif_block_does_not_refuse_the_photo(folder):
    data = image("JPEG", original="2024:03:15 09:30:00")
    start = data.index(b"Exif\x00\x00") + 6
    broken = data[:start] + b"\xff" * 40 + data[start + 40 :]  # a mangled TIFF header
    stored = uploads.store(upload("site.jpg", broken))
    assert stored.taken_at is None


def gps(latitude, latitude_ref, longitude, longitude_ref) -> dict[int, object]:
    return {1: latitude_ref, 2: latitude, 3: longitude_ref, 4: longitude}


def test_reads_where_a_photo_was_taken(folder):
    # 长春 (43°53'49.2"N 125°19'26.4"E), as a phone's camera writes it.
    data = image(
        "JPEG",
        original="2026:11:30 10:15:00",
        gps=gps((43.0, 53.0, 49.2), "N", (125.0, 19.0, 26.4), "E"),
    )
    stored = uploads.store(upload("gate.jpg", data))
    assert stored.taken_where == uploads.Place(43.897, 125.324)
    south_west = image("JPEG", gps=gps((33.0, 52.0, 4.0), "S", (151.0, 12.0, 36.0), "W"))
    place = uploads.store(upload("elsewhere.jpg", south_west)).taken_where
    assert place == uploads.Place(-33.867778, -151.21)


@pytest.mark.parametrize(
    "given",
    [
        {},
        gps((43.0, 53.0, 49.2), "N", None, "E"),  # no longitude
        gps((95.0, 0.0, 0.0), "N", (125.0, 0.0, 0.0), "E"),  # no such latitude
        gps((43.0, 75.0, 0.0), "N", (125.0, 0.0, 0.0), "E"),  # 75 minutes
        gps((43.0, 53.0), "N", (125.0, 19.0, 26.4), "E"),  # two parts
        gps((43.0, 53.0, 49.2), 7, (125.0, 19.0, 26.4), "E"),  # a number for N/S
    ],
)
def test_missing_or_garbled_gps_gives_no_place(folder, given):
    data = image(
        "JPEG",
        original="2026:11:30 10:15:00",
        gps={k: v for k, v in given.items() if v is not None},
    )
    stored = uploads.store(upload("gate.jpg", data))
    assert stored.taken_where is None
    assert stored.taken_at == datetime(2026, 11, 30, 10, 15)  # the time is read all the same


# --- paths, download, removal ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "ab/../../x.pdf",
        "",
        "0" * 32 + ".exe",
        "0" * 32 + ".pdf/../../x",
        "A" * 32 + ".pdf",
        "0" * 31 + ".pdf",
    ],
)
def test_path_of_refuses_names_that_were_not_generated(folder, name):
    with pytest.raises(ValueError):
        uploads.path_of(name)


def test_default_folder_is_in_the_instance_folder(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", "")
    name = "abcd" + "0" * 28 + ".pdf"
    expected = Path(app.instance_path).resolve() / "uploads" / "ab" / "cd" / name
    assert uploads.path_of(name) == expected


def test_refuses_an_upload_folder_inside_static(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(Path(app.static_folder) / "uploads"))
    with pytest.raises(RuntimeError, match="static"):
        uploads.store(upload("report.pdf", PDF))
    assert not (Path(app.static_folder) / "uploads").exists()


def test_send_offers_the_original_chinese_name(folder):
    name = "评定报告（终版）.pdf"
    stored = uploads.store(upload(name, PDF))
    response = uploads.send(stored.stored_name, stored.original_name, stored.content_type)
    try:
        response.direct_passthrough = False
        assert response.status_code == 200
        assert response.get_data() == PDF
        assert response.mimetype == "application/pdf"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=UTF-8''{quote(name)}" in disposition
        assert "%E8%AF%84%E5%AE%9A" in disposition  # 评定
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "private, no-store"
    finally:
        response.close()


@pytest.mark.parametrize("name", ["../../etc/passwd", "0" * 32 + ".pdf"])
def test_send_answers_404_for_unknown_files(folder, name):
    with pytest.raises(NotFound):
        uploads.send(name, "x.pdf", "application/pdf")


def test_remove_is_idempotent(folder):
    stored = uploads.store(upload("report.pdf", PDF))
    uploads.remove(stored.stored_name)
    assert files_in(folder) == []
    uploads.remove(stored.stored_name)
    with pytest.raises(ValueError):
        uploads.remove("../../etc/passwd")


def test_two_uploads_of_the_same_file_get_their_own_names(folder):
    first = uploads.store(upload("a.pdf", PDF))
    second = uploads.store(upload("a.pdf", PDF))
    assert first.stored_name != second.stored_name
    assert first.sha256 == second.sha256
    assert len(files_in(folder)) == 2


def test_a_corrupt_office_package_is_refused_not_crashed(folder):
    data = bytearray(docx())
    start = data.index(b"[Content_Types].xml") + len("[Content_Types].xml")
    data[start + 5 : start + 60] = b"\xff" * 55  # mangle the compressed content types
    with pytest.raises(UploadError):
        uploads.store(upload("x.docx", bytes(data)))
    assert files_in(folder) == []
