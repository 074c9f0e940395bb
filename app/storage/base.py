"""What every store of uploaded files does: put, read in chunks, delete, check, list.

Keys are relative paths such as ``ab/cd/<uuid4 hex>.pdf`` made by app.uploads; a store never
sees an original (user-chosen) name. Files are written once and never changed, so a key
either holds the bytes put under it or nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

CHUNK = 64 * 1024


class Missing(FileNotFoundError):
    """No object under this key."""


@dataclass
class Opened:
    """An object being read: its size, its bytes in chunks, and how to let go of it.

    Iterating reads the object once; ``close`` must be called whether or not it was read
    to the end (a Response does it through ``call_on_close``).
    """

    size: int
    chunks: Iterator[bytes]
    close: Callable[[], None] = field(default=lambda: None)

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class Storage(Protocol):
    def put(self, key: str, stream: Readable) -> tuple[int, str]:
        """Store ``stream`` (read to its end) under ``key``; its size and sha256 (hex)."""
        ...

    def open(self, key: str) -> Opened:
        """The object's bytes, streamed; Missing when there is none."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; a missing one is fine."""
        ...

    def exists(self, key: str) -> bool: ...

    def all_keys(self, prefix: str = "") -> Iterator[str]:
        """Every key held (starting with ``prefix``), in no particular order."""
        ...

    def local_path(self, key: str) -> Path | None:
        """Where the object is on this machine's disk, if it is (the local folder only)."""
        ...

    def describe(self) -> str:
        """Where the store is, for operators' messages (no credentials)."""
        ...


def checksum(store: Storage, key: str) -> tuple[int, str]:
    """Size and sha256 of the object as the store gives it back (read, not trusted)."""
    digest, size = hashlib.sha256(), 0
    opened = store.open(key)
    try:
        for chunk in opened:
            digest.update(chunk)
            size += len(chunk)
    finally:
        opened.close()
    return size, digest.hexdigest()


class HashingReader:
    """Reads through to ``stream`` counting and hashing; exposes ``read`` only, so that
    readers (boto3) take it as a stream to consume once, in order."""

    def __init__(self, stream: Readable):
        self._stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data
