"""Leader election: one scheduler acts, any other copy waits as a standby.

PostgreSQL: a session-level advisory lock held by a dedicated connection — if the leader
dies, its connection closes and the lock is free. SQLite (one machine): an OS file lock beside
the database, released by the kernel when the process dies.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from filelock import FileLock, Timeout
from flask import Flask

from app.extensions import db

ADVISORY_KEY = 23001_2017  # any constant shared by every copy of Certpath's scheduler


class LeaderLock:
    def __init__(self, app: Flask):
        self.app = app
        self._connection: sa.Connection | None = None
        self._file_lock: FileLock | None = None

    @property
    def _postgres(self) -> bool:
        return self.app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")

    def acquire(self) -> bool:
        if self._postgres:
            with self.app.app_context():
                connection = db.engine.connect()
            got = connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
            ).scalar()
            connection.commit()
            if got:
                self._connection = connection
                return True
            connection.close()
            return False
        configured = self.app.config["SCHEDULER_LOCK_FILE"]
        path = Path(configured) if configured else Path(self.app.instance_path) / "scheduler.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file_lock = FileLock(str(path))
        try:
            self._file_lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            self._connection.execute(
                sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY}
            )
            self._connection.close()
            self._connection = None
        if self._file_lock is not None and self._file_lock.is_locked:
            self._file_lock.release()
