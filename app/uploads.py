"""Uploaded files: checked (name, size, real type), hashed, stored under a generated name.

Files are kept in the app's store (app/storage: the local folder ``UPLOAD_FOLDER``, default
``<instance>/uploads`` outside ``static/``, or an S3-compatible bucket) under the key
``ab/cd/<uuid4 hex>.<ext>``; the original, possibly Chinese, name is kept in the database and
only ever used in ``Content-Disposition`` (ARCHITECTURE.md practice 10).
"""

from __future__ import annotations

import functools
import hashlib
import re
import tempfile
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, cast
from urllib.parse import quote
from uuid import uuid4

import puremagic
from flask import Response, current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import ExifTags, Image
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound
from werkzeug.http import dump_options_header

from app import storage
from app.database import on_rollback
from app.storage.local import LocalStorage


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


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check, in a temporary file (``path``, open as ``file``)."""

    original_name: str
    ext: str
    size: int
    sha256: str
    content_type: str
    file: IO[bytes]
    path: Path


@contextmanager
def checked(
    file: FileStorage, *, allowed: Iterable[str] = DOCUMENT_EXTENSIONS
) -> Iterator[Checked]:
    """Check an upload (name, size, real type) into a temporary file that is gone when the
    block ends — for a file only read while the request lasts (a workbook to import)."""
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
    limit = current_app.config.get("UPLOAD_MAX_BYTES", 20 * _MIB)
    # Deleted when closed, also after an exception (a client that disconnects mid-upload);
    # named with the extension, which readers such as openpyxl go by.
    with tempfile.NamedTemporaryFile(prefix="upload-", suffix=f".{ext}") as out:
        digest, size = hashlib.sha256(), 0
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
        out.seek(0)
        detected = _detect(out)
        if detected not in ALLOWED_EXTENSIONS[ext]:
            raise UploadError(
                _l("The file's content does not match its extension .%(ext)s.", ext=ext)
            )
        out.seek(0)
        yield Checked(
            original_name=original,
            ext=ext,
            size=size,
            sha256=digest.hexdigest(),
            content_type=_CONTENT_TYPES.get(ext, detected),
            file=out,
            path=Path(out.name),
        )


def store_each(files: Iterable[FileStorage], *, at_most: int) -> list[StoredFile]:
    """The chosen files of a form's multiple-file field (empty parts left out), at most
    ``at_most``, each checked and kept; those kept are removed again if the request rolls back,
    so a refused file keeps nothing of the others."""
    chosen = [f for f in files if f and f.filename]
    if len(chosen) > at_most:
        raise UploadError(_l("At most %(n)d attachments.", n=at_most))
    kept = []
    for file in chosen:
        stored = store(file)
        on_rollback(functools.partial(remove, stored.stored_name))
        kept.append(stored)
    return kept


def store(file: FileStorage, *, allowed: Iterable[str] = DOCUMENT_EXTENSIONS) -> StoredFile:
    """Check and keep an uploaded file in the app's store (app/storage); on any refusal
    nothing is left there. The caller removes it again if its request fails
    (app.database.on_rollback)."""
    with checked(file, allowed=allowed) as upload:
        photo = _photo_facts(upload.path) if upload.ext in IMAGE_EXTENSIONS else (None, None)
        stored_name = f"{uuid4().hex}.{upload.ext}"
        key = key_of(stored_name)
        store_ = storage.current()
        upload.file.seek(0)
        try:
            written = store_.put(key, upload.file)
            if written != (upload.size, upload.sha256):  # the file changed under us
                raise OSError(f"stored {written}, checked {(upload.size, upload.sha256)}")
        except BaseException:
            # Nothing half-stored stays; a store that is down keeps the first error the one
            # reported.
            with suppress(Exception):
                store_.delete(key)
            raise
    return StoredFile(
        stored_name=stored_name,
        original_name=upload.original_name,
        size=upload.size,
        sha256=upload.sha256,
        content_type=upload.content_type,
        taken_at=photo[0],
        taken_where=photo[1],
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
    """The local upload folder: uploads with the local store, and the working files
    features keep beside them (e.g. roster import outcomes) whatever the store."""
    store_ = storage.current()
    if not isinstance(store_, LocalStorage):
        store_ = storage.local_folder(current_app, current_app.config.get("UPLOAD_FOLDER") or "")
    return cast(LocalStorage, store_).root


def key_of(stored_name: str) -> str:
    """The storage key of a stored file (``ab/cd/<name>``); ValueError for anything that is
    not a generated name."""
    match = _STORED_NAME.fullmatch(stored_name or "")
    if not match or match.group(1) not in ALLOWED_EXTENSIONS:
        raise ValueError(f"not a stored upload name: {stored_name!r}")
    return f"{stored_name[:2]}/{stored_name[2:4]}/{stored_name}"


def is_key(key: str) -> bool:
    """Whether ``key`` is where app.uploads keeps a file (not a feature's working file)."""
    name = key.rpartition("/")[2]
    try:
        return key_of(name) == key
    except ValueError:
        return False


def path_of(stored_name: str) -> Path:
    """Where a stored file lives in the local upload folder (the local store's files);
    ValueError for anything that is not a generated name."""
    return root() / key_of(stored_name)


def send(stored_name: str, original_name: str, content_type: str) -> Response:
    """The file as a download under its original name (RFC 5987 for non-ASCII names), read
    from the store in chunks: never the whole file in memory."""
    try:
        key = key_of(stored_name)
    except ValueError:
        raise NotFound() from None
    return send_key(key, original_name, content_type)


def send_key(key: str, original_name: str, content_type: str) -> Response:
    """``send`` of any object of the store (a background export's workbook, say)."""
    store_ = storage.current()
    path = store_.local_path(key)
    if path is not None:
        if not path.is_file():
            raise NotFound()
        # send_file also answers conditional and range requests, from the file itself.
        response = send_file(
            path, mimetype=content_type, as_attachment=True, download_name=original_name
        )
    else:
        try:
            opened = store_.open(key)
        except storage.Missing:
            raise NotFound() from None
        response = Response(_chunks(opened), mimetype=content_type, direct_passthrough=True)
        response.call_on_close(opened.close)  # also when the client leaves half-way
        response.content_length = opened.size
        response.headers["Content-Disposition"] = attachment(original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"  # documents of one company
    return response


def _chunks(opened: storage.Opened) -> Iterator[bytes]:
    try:
        yield from opened
    finally:
        opened.close()


def attachment(name: str) -> str:
    """Content-Disposition for a download named ``name``, as werkzeug's send_file writes it:
    an ASCII ``filename`` for old clients and, for a Chinese name, RFC 5987's ``filename*``."""
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        quoted = quote(name, safe="!#$&+-.^_`|~")  # RFC 5987 attr-chars
        return dump_options_header(
            "attachment", {"filename": simple, "filename*": f"UTF-8''{quoted}"}
        )
    return dump_options_header("attachment", {"filename": name})


def remove(stored_name: str) -> None:
    """Delete a stored file; a missing file is fine."""
    storage.current().delete(key_of(stored_name))
