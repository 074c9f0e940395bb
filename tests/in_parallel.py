"""Run the suite's SQLite and PostgreSQL halves side by side: ``python -m tests.in_parallel``.

Each half is a pytest process of its own (CERTPATH_TEST_BACKENDS), with its own temporary
folder; the SQLite half prints as it goes, the PostgreSQL half's report follows when both have
finished. Without TEST_DATABASE_URL there is one half, and this is plain pytest. The exit
status is the first failing half's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path


def pytest_command(args: list[str], basetemp: Path) -> list[str]:
    return [sys.executable, "-m", "pytest", f"--basetemp={basetemp}", *args]


def main(args: list[str]) -> int:
    if not os.environ.get("TEST_DATABASE_URL"):
        return subprocess.call([sys.executable, "-m", "pytest", *args])
    scratch = Path(tempfile.mkdtemp(prefix="certpath-suite-"))
    report = scratch / "postgresql.log"
    with report.open("w") as out:
        postgresql = subprocess.Popen(
            # One cache writer: the other half leaves .pytest_cache alone.
            pytest_command([*args, "-p", "no:cacheprovider"], scratch / "postgresql"),
            env={**os.environ, "CERTPATH_TEST_BACKENDS": "postgresql"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            sqlite = subprocess.call(
                pytest_command(args, scratch / "sqlite"),
                env={**os.environ, "CERTPATH_TEST_BACKENDS": "sqlite"},
            )
            print("\n==== the PostgreSQL half ====")
            sys.stdout.flush()
            pg = postgresql.wait()
        except BaseException:
            postgresql.kill()
            raise
    sys.stdout.write(report.read_text(errors="replace"))
    print(f"\n==== SQLite half: exit {sqlite}; PostgreSQL half: exit {pg} ====")
    return sqlite or pg


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
