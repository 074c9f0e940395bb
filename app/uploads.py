"""Uploaded files: checked (name, size, real type), hashed, stored under a generated name.

Files live outside ``static/`` in ``UPLOAD_FOLDER`` (default ``<instance>/uploads``) as
``ab/cd/<uuid4 hex>.<ext>``; the original, possibly Chinese, name is kept in the database and
only ever used in ``Content-Disposition`` (ARCHITECTURE.md practice 10).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO
from uuid import uuid4

import puremagic
from flask import Response, current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import ExifTags, Image
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound


class UploadError(Exception):
    """A refused upload; ``message`` is translated and meant for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_OLE = "application/x-ole-storage"  # legacy Office: .doc/.xls/.ppt share one container
_ZIP = "application/zip"
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

ALLOWED_EXTENSIONS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"application/pdf"}),
    **dict.fromkeys(("doc", "xls", "ppt"), frozenset({_OLE})),
    "docx": frozenset({_DOCX}),
    "xlsx": frozenset({_XLSX}),
    "pptx": frozenset({_PPTX}),
    **dict.fromkeys(("jpg", "jpeg"), frozenset({"image/jpeg"})),
    "png": frozenset({"image/png"}),
}
DOCUMENT_EXTENSIONS = frozenset(ALLOWED_EXTENSIONS)
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png"})

# The type recorded and sent back: the OLE container does not say which program wrote it.
_CONTENT_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}

# puremagic's MIME answers -> the families above; anything else is refused. puremagic calls
# every ZIP an OOXML file, so a ZIP is looked into instead.
_FAMILIES = {t: t for t in ("application/pdf", "image/jpeg", "image/png")}
_FAMILIES.update(dict.fromkeys(_CONTENT_TYPES.values(), _OLE))
_FAMILIES.update(dict.fromkeys((_ZIP, _DOCX, _XLSX, _PPTX), _ZIP))
# Main-part content types of [Content_Types].xml; macro-enabled and template variants differ.
_OOXML_MAIN = {f"{t}.main+xml": t for t in (_DOCX, _XLSX, _PPTX)}
_CONTENT_TYPE_ATTR = re.compile(r"""ContentType\s*=\s*["']([^"']+)["']""")

MAX_NAME_LENGTH = 200
_CHUNK = 64 * 1024
_MIB = 1024 * 1024
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.([a-z]{3,4})")
_EXIF_DATE_TAGS = ((ExifTags.IFD.Exif, 36867), (None, 306))  # DateTimeOriginal, then DateTime


@dataclass(frozen=True)
class Place:
    """Where a photo was taken (WGS 84 degrees, from EXIF GPS; north and east positive)."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    size: int
    sha256: str
    content_type: str
    taken_at: datetime | None
    taken_where: Place | None = None


def clean_original_name(name: str | None) -> str:
    """The name as the user gave it (NFC, trimmed), or UploadError if it is unusable."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise UploadError(_l("Please choose a file to upload."))
    # Cc: NUL, newlines; Cf: bidi overrides that make "gpj.exe" look like "exe.jpg".
    if any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for c in name):
        raise UploadError(_l("The file name contains control characters."))
    if "/" in name or "\\" in name or name == "..":
        raise UploadError(_l("The file name must not contain a folder path."))
    if name.startswith("."):
        raise UploadError(_l("The file name must not start with a dot."))
    if len(name) > MAX_NAME_LENGTH:
        raise UploadError(
            _l("The file name is longer than %(max)d characters.", max=MAX_NAME_LENGTH)
        )
    _stem, dot, ext = name.rpartition(".")
    if not dot or not ext:  # "noextension" and "name." alike
        raise UploadError(_l("The file name has no extension (such as .pdf)."))
    return name


def store(file: FileStorage, *, allowed: Iterable[str] = DOCUMENT_EXTENSIONS) -> StoredFile:
    """Check and keep an uploaded file; on any refusal nothing is left on disk."""
    original = clean_original_name(file.filename)
    ext = original.rpartition(".")[2].lower()
    accepted = {e.lower() for e in allowed} & ALLOWED_EXTENSIONS.keys()
    if ext not in accepted:
        raise UploadError(
            _l(
                "Files of type .%(ext)s are not accepted. Accepted types: %(types)s.",
                ext=ext,
                types=", ".join(sorted(accepted)),
            )
        )
    folder = root()
    folder.mkdir(parents=True, exist_ok=True)
    limit = current_app.config.get("UPLOAD_MAX_BYTES", 20 * _MIB)
    # In the upload folder itself so that os.replace() stays on one file system (atomic).
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "w+b") as out:
            while chunk := file.stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:  # stop reading: the rest may be huge
                    mb = max(1, round(limit / _MIB))
                    raise UploadError(_l("The file is larger than %(mb)d MB.", mb=mb))
                digest.update(chunk)
                out.write(chunk)
            if size == 0:
                raise UploadError(_l("The file is empty."))
            out.flush()
            os.fsync(out.fileno())  # a crash after os.replace() must not leave a torn file
            out.seek(0)
            detected = _detect(out)
        if detected not in ALLOWED_EXTENSIONS[ext]:
            raise UploadError(
                _l("The file's content does not match its extension .%(ext)s.", ext=ext)
            )
        taken_at, taken_where = _photo_facts(temp) if ext in IMAGE_EXTENSIONS else (None, None)
        stored_name = f"{uuid4().hex}.{ext}"
        target = path_of(stored_name)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)
    except BaseException:  # also a client that disconnects mid-upload
        Path(temp).unlink(missing_ok=True)
        raise
    return StoredFile(
        stored_name=stored_name,
        original_name=original,
        size=size,
        sha256=digest.hexdigest(),
        content_type=_CONTENT_TYPES.get(ext, detected),
        taken_at=taken_at,
        taken_where=taken_where,
    )


def _detect(stream: IO[bytes]) -> str | None:
    """The content type the bytes prove, or None when unknown or ambiguous."""
    try:
        matches = puremagic.magic_stream(stream)  # no file name: the bytes alone decide
    except (puremagic.PureError, ValueError):
        return None
    best = matches[0].confidence
    families = {_FAMILIES.get(m.mime_type) for m in matches if m.confidence == best} - {None}
    if len(families) != 1:
        return None
    family = families.pop()
    return _ooxml_type(stream) if family == _ZIP else family


def _ooxml_type(stream: IO[bytes]) -> str | None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _MIB:  # a real one is a few KB; don't inflate a bomb
                return None
            text = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, ValueError, zlib.error):
        return None
    # A regex, not an XML parser: no entity expansion, and one attribute is all we need.
    mains = {_OOXML_MAIN[t] for t in _CONTENT_TYPE_ATTR.findall(text) if t in _OOXML_MAIN}
    return mains.pop() if len(mains) == 1 else None


def _photo_facts(path: str | Path) -> tuple[datetime | None, Place | None]:
    """When and where a photo was taken, from its EXIF; None for what is absent or garbled."""
    try:
        with warnings.catch_warnings():
            # Only metadata is read (no pixels): bomb and corrupt-EXIF warnings don't apply.
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                exif = image.getexif()
                times = [
                    (exif.get_ifd(ifd) if ifd else exif).get(tag) for ifd, tag in _EXIF_DATE_TAGS
                ]
                gps = dict(exif.get_ifd(ExifTags.IFD.GPSInfo))
    except Exception:  # garbled EXIF comes in every exception type; it never refuses a photo
        return None, None
    return _taken_at(times), _taken_where(gps)


def _taken_at(values: list[object]) -> datetime | None:
    for value in values:
        if isinstance(value, bytes):
            value = value.decode("ascii", "ignore")
        if isinstance(value, str):
            try:
                return datetime.strptime(value.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
            except ValueError:
                continue
    return None


def _degrees(value: object, reference: object, hemispheres: str, limit: float) -> float | None:
    """EXIF's (degrees, minutes, seconds) and its reference — N or S, E or W (``hemispheres``,
    the positive one first) — as signed degrees."""
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "ignore")
    if isinstance(reference, str):
        reference = reference.strip("\x00 ").upper()
    if not isinstance(value, tuple) or len(value) != 3 or reference not in tuple(hemispheres):
        return None
    try:
        degrees, minutes, seconds = (float(part) for part in value)  # IFDRational
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    total = degrees + minutes / 60 + seconds / 3600
    if not (0 <= total <= limit and 0 <= minutes < 60 and 0 <= seconds < 60):
        return None  # also NaN, which a 0/0 rational gives
    return round(-total if reference == hemispheres[1] else total, 6)


def _taken_where(gps: dict[int, object]) -> Place | None:
    # GPSLatitudeRef, GPSLatitude, GPSLongitudeRef, GPSLongitude
    latitude = _degrees(gps.get(2), gps.get(1), "NS", 90)
    longitude = _degrees(gps.get(4), gps.get(3), "EW", 180)
    if latitude is None or longitude is None:
        return None
    return Place(latitude, longitude)


def root() -> Path:
    """Where uploads (and the files features keep beside them) live."""
    configured = current_app.config.get("UPLOAD_FOLDER")
    folder = Path(configured or Path(current_app.instance_path) / "uploads").resolve()
    static = current_app.static_folder
    if static and folder.is_relative_to(Path(static).resolve()):
        raise RuntimeError("UPLOAD_FOLDER must not be inside static/: it would be served as is")
    return folder


def path_of(stored_name: str) -> Path:
    """Where a stored file lives; ValueError for anything that is not a generated name."""
    match = _STORED_NAME.fullmatch(stored_name or "")
    if not match or match.group(1) not in ALLOWED_EXTENSIONS:
        raise ValueError(f"not a stored upload name: {stored_name!r}")
    folder = root()
    path = folder / stored_name[:2] / stored_name[2:4] / stored_name
    if not path.resolve().is_relative_to(folder):  # defence in depth, should the naming change
        raise ValueError(f"stored upload outside the upload folder: {stored_name!r}")
    return path


def send(stored_name: str, original_name: str, content_type: str) -> Response:
    """The file as a download under its original name (RFC 5987 for non-ASCII names)."""
    try:
        path = path_of(stored_name)
    except ValueError:
        raise NotFound() from None
    if not path.is_file():
        raise NotFound()
    response = send_file(
        path, mimetype=content_type, as_attachment=True, download_name=original_name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"  # documents of one company
    return response


def remove(stored_name: str) -> None:
    """Delete a stored file; a missing file is fine. Empty subfolders stay: deleting them
    would race with a concurrent store() into the same subfolder."""
    path_of(stored_name).unlink(missing_ok=True)
