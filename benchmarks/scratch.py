"""A scratch database for one benchmark run: a new PostgreSQL database (127.0.0.1:5432 as
postgres, or PGHOST/PGPORT/PGUSER as .ci/run reads them), dropped afterwards; SQLite in a
temporary directory when PostgreSQL does not answer, said out loud."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


def _server() -> tuple[str, str, str]:
    return (
        os.environ.get("PGHOST", "127.0.0.1"),
        os.environ.get("PGPORT", "5432"),
        os.environ.get("PGUSER", "postgres"),
    )


@contextmanager
def scratch_database(*, keep: bool = False) -> Iterator[str]:
    """Yield the URL of an empty database; drop it afterwards unless ``keep``."""
    import psycopg

    host, port, user = _server()
    try:
        admin = psycopg.connect(
            host=host, port=port, user=user, dbname="postgres", connect_timeout=3, autocommit=True
        )
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(
            f"PostgreSQL is not reachable at {user}@{host}:{port} ({reason}): benchmarking on "
            "SQLite instead — its figures are not comparable with PostgreSQL's.",
            flush=True,
        )
        with tempfile.TemporaryDirectory(prefix="certpath-bench-") as directory:
            yield f"sqlite:///{directory}/bench.sqlite3"
        return
    name = f"certpath_bench_{int(time.time())}_{os.getpid()}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        print(f"Scratch database: PostgreSQL {name} at {user}@{host}:{port}", flush=True)
        try:
            yield f"postgresql://{user}@{host}:{port}/{name}"
        finally:
            if keep:
                print(f"Kept the scratch database {name}.", flush=True)
            else:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
