"""Uploads in a folder of this machine (the default: one node, ``make run``)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from app.storage.base import CHUNK, HashingReader, Missing, Opened, Readable

_TEMP_PREFIX = ".upload-"


class LocalStorage:
    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        path = self.root / key
        # Keys are made by app.uploads, but a key read from elsewhere (a migration, a backup)
        # must not reach outside the folder either.
        if not path.resolve().is_relative_to(self.root) or key.startswith(_TEMP_PREFIX):
            raise ValueError(f"key outside the storage folder: {key!r}")
        return path

    def put(self, key: str, stream: Readable) -> tuple[int, str]:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Beside the target so that os.replace() stays on one file system (atomic): a reader
        # never sees half a file.
        fd, temp = tempfile.mkstemp(dir=self.root, prefix=_TEMP_PREFIX, suffix=".part")
        try:
            reader = HashingReader(stream)
            with os.fdopen(fd, "wb") as out:
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())  # a crash after os.replace() must not leave a torn file
            os.replace(temp, target)
        except BaseException:  # also a client that disconnects mid-upload
            Path(temp).unlink(missing_ok=True)
            raise
        return reader.size, reader.digest.hexdigest()

    def open(self, key: str) -> Opened:
        try:
            file = self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise Missing(key) from None
        size = os.fstat(file.fileno()).st_size
        return Opened(size, iter(lambda: file.read(CHUNK), b""), file.close)

    def delete(self, key: str) -> None:
        # Empty subfolders stay: deleting them would race with a concurrent put() into them.
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def all_keys(self, prefix: str = "") -> Iterator[str]:
        # Walk only the folder the prefix names (a key's folders are its "/" parts).
        start = self.root / prefix.rpartition("/")[0]
        for folder, _dirs, names in os.walk(start):
            for name in names:
                key = Path(folder, name).relative_to(self.root).as_posix()
                if not name.startswith(_TEMP_PREFIX) and key.startswith(prefix):
                    yield key

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def describe(self) -> str:
        return f"file://{self.root}"
