"""Where uploaded files are kept, chosen by the ``STORAGE_URL`` setting.

- empty: the folder ``UPLOAD_FOLDER`` (default ``<instance>/uploads``), as before stores
  existed: one node, ``make run``;
- ``file:///srv/certpath/uploads``: that folder;
- ``s3://bucket/prefix``: an S3-compatible object store (endpoint from
  ``STORAGE_S3_ENDPOINT_URL``, credentials from boto3's environment), for several nodes.

The store is made once per app and settings (tests change the settings between tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app

from app.storage.base import Missing, Opened, Storage, checksum
from app.storage.local import LocalStorage
from app.storage.s3 import S3Storage

__all__ = ["Location", "Missing", "Opened", "Storage", "checksum", "current", "location", "make"]

_SETTINGS = (
    "STORAGE_URL",
    "UPLOAD_FOLDER",
    "STORAGE_S3_ENDPOINT_URL",
    "STORAGE_S3_REGION",
    "STORAGE_S3_ADDRESSING_STYLE",
)
_ADDRESSING = {"auto", "path", "virtual"}


@dataclass(frozen=True)
class Location:
    kind: str  # "file" or "s3"
    path: str = ""  # the folder (file), or the key prefix (s3)
    bucket: str = ""


def location(url: str) -> Location:
    """What a ``STORAGE_URL`` names; ValueError (said for operators) when it is unusable."""
    if not url:
        return Location("file")
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ValueError(f"expected file:///absolute/folder, got {url!r}")
        return Location("file", unquote(parts.path))
    if parts.scheme == "s3":
        if "@" in parts.netloc:
            # No credentials in the URL (nor in this message): they would end up in logs and
            # process listings. boto3 reads them from its environment.
            raise ValueError("credentials do not belong in the URL: set AWS_ACCESS_KEY_ID etc.")
        if not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"expected s3://bucket/optional/prefix, got {url!r}")
        return Location("s3", parts.path.strip("/"), parts.netloc)
    raise ValueError(f"expected empty, file:///folder or s3://bucket/prefix, got {url!r}")


def check(settings: dict) -> None:
    """ValueError for storage settings that cannot work (called when the config is built)."""
    try:
        location(settings["STORAGE_URL"])
    except ValueError as error:
        raise ValueError(f"STORAGE_URL: {error}") from None
    if settings["STORAGE_S3_ADDRESSING_STYLE"] not in _ADDRESSING:
        raise ValueError(f"STORAGE_S3_ADDRESSING_STYLE must be one of {sorted(_ADDRESSING)}")


def make(app: Flask, url: str | None = None) -> Storage:
    """A store for ``app``'s settings, or for ``url`` with the app's S3 settings (a backup's
    copy, a scratch bucket)."""
    config = app.config
    where = location(config["STORAGE_URL"] if url is None else url)
    if where.kind == "s3":
        return S3Storage(
            where.bucket,
            where.path,
            endpoint_url=config["STORAGE_S3_ENDPOINT_URL"],
            region=config["STORAGE_S3_REGION"],
            addressing_style=config["STORAGE_S3_ADDRESSING_STYLE"],
        )
    return local_folder(app, where.path or config["UPLOAD_FOLDER"])


def local_folder(app: Flask, folder: str = "") -> Storage:
    """The local folder ``folder`` (empty: ``<instance>/uploads``)."""
    root = Path(folder or Path(app.instance_path) / "uploads").resolve()
    static = app.static_folder
    if static and root.is_relative_to(Path(static).resolve()):
        raise RuntimeError("the upload folder must not be inside static/: it would be served as is")
    return LocalStorage(root)


def current() -> Storage:
    """The app's store."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = tuple(app.config[name] for name in _SETTINGS)
    made = app.extensions.get("certpath.storage")
    if made is None or made[0] != settings:
        made = (settings, make(app))
        app.extensions["certpath.storage"] = made
    return made[1]
