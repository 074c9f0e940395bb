"""Copying the uploads from one store to another, each copy checked, and checking that every
file the database knows is in a store with its checksum (``flask storage migrate`` and
``flask storage verify``, also the check of a restored backup).

Checksums are recomputed from the bytes the target gives back, never taken from what was
sent: a copy counts only once it is read back whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.database import rows_affected
from app.extensions import db
from app.storage.base import Missing, Opened, Storage, checksum
from models import CaseFile, DiagnosisFile, Document, NoticeAttachment

# Every table that points at a stored file, with its recorded checksum.
_TABLES = (Document, DiagnosisFile, NoticeAttachment, CaseFile)


def recorded() -> dict[str, str | None]:
    """Stored name -> the sha256 its row records (None for an attachment from before)."""
    found: dict[str, str | None] = {}
    for model in _TABLES:
        rows = db.session.execute(sa.select(model.stored_name, model.sha256))
        found.update(dict(rows.tuples().all()))
    return found


def record_missing_checksums(sums: dict[str, str]) -> int:
    """Fill in the checksums of rows that have none (notice attachments stored before they
    were kept); how many were filled. The caller commits."""
    filled = 0
    for name, sha in sums.items():
        filled += rows_affected(
            sa.update(NoticeAttachment)
            .where(NoticeAttachment.stored_name == name, NoticeAttachment.sha256.is_(None))
            .values(sha256=sha)
        )
    return filled


@dataclass
class Copied:
    copied: int = 0
    present: int = 0  # already in the target with the right checksum
    failed: list[str] = field(default_factory=list)  # key: why
    checksums: dict[str, str] = field(default_factory=dict)  # key -> sha256 of what was copied


def copy_all(
    source: Storage,
    target: Storage,
    keys: list[str],
    expected: Callable[[str], str | None] = lambda _key: None,
) -> Copied:
    """Copy ``keys`` from ``source`` to ``target``; a key already in the target with the
    source's checksum is left alone, so that a second run copies only what the first missed.
    ``expected`` gives the checksum the database records for a key, if any: a source file that
    does not match it is reported, not copied."""
    result = Copied()
    for key in keys:
        try:
            size, sha = checksum(source, key)
        except Missing:
            result.failed.append(f"{key}: gone from the source meanwhile")
            continue
        recorded_sha = expected(key)
        if recorded_sha is not None and recorded_sha != sha:
            result.failed.append(f"{key}: the source's sha256 is not the one recorded")
            continue
        if target.exists(key) and checksum(target, key) == (size, sha):
            result.present += 1
            result.checksums[key] = sha
            continue
        opened = source.open(key)
        try:
            target.put(key, _Reading(opened))
        finally:
            opened.close()
        if checksum(target, key) != (size, sha):
            result.failed.append(f"{key}: the copy read back differs from the source")
            continue
        result.copied += 1
        result.checksums[key] = sha
    return result


class _Reading:
    """A file-like ``read`` over an opened object's chunks (what Storage.put reads)."""

    def __init__(self, opened: Opened):
        self._chunks = iter(opened)
        self._buffer = bytearray()

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._buffer += chunk
        if size < 0 or size >= len(self._buffer):
            data = bytes(self._buffer)
            self._buffer.clear()
        else:
            data = bytes(self._buffer[:size])
            del self._buffer[:size]
        return data


@dataclass
class Verified:
    good: int = 0
    missing: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    unrecorded: int = 0  # rows without a checksum: only their presence is checked


def verify(store: Storage, files: dict[str, str | None], key_of: Callable[[str], str]) -> Verified:
    """Check that each stored name of ``files`` (name -> recorded sha256 or None) is in
    ``store`` with that checksum."""
    result = Verified()
    for name, sha in sorted(files.items()):
        key = key_of(name)
        try:
            _size, found = checksum(store, key)
        except Missing:
            result.missing.append(name)
            continue
        if sha is None:
            result.unrecorded += 1
        elif found != sha:
            result.wrong.append(name)
        else:
            result.good += 1
    return result
