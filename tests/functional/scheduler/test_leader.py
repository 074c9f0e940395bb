"""Leader election: a second `flask scheduler run` stands by, and takes over when the first
dies (SQLite: a file lock; PostgreSQL: an advisory lock)."""

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parents[3]


def start(url: str, lock_file: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": url,
        "SECRET_KEY": TEST_SECRET,
        "CERTPATH_ENV": "testing",
        "CERTPATH_SCHEDULER_POLL_SECONDS": "1",
        "CERTPATH_SCHEDULER_LOCK_FILE": str(lock_file),
        "CERTPATH_MAIL_SERVER": "",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def wait_for(process: subprocess.Popen, word: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if word in line:
            return
        if not line and process.poll() is not None:
            raise AssertionError(f"scheduler exited before saying {word!r}")
    raise AssertionError(f"no {word!r} within {seconds} s")


def test_standby_takes_over_when_the_leader_dies(committed_app, tmp_path):
    url = committed_app.config["SQLALCHEMY_DATABASE_URI"]
    lock = tmp_path / "scheduler.lock"
    first = start(url, lock)
    second = None
    try:
        wait_for(first, "scheduler: leader")
        second = start(url, lock)
        wait_for(second, "scheduler: standby")
        first.kill()
        first.wait(timeout=10)
        wait_for(second, "scheduler: leader")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
            if process is not None:
                process.stdout.close()
