"""Rate limits hold across gunicorn workers: counted in Redis, a limit of N per minute lets N
requests through whichever worker answers; and production refuses to start several workers
with counts each worker would keep alone (memory://)."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import TEST_SECRET, free_port
from tests.unit.test_gunicorn_config import get, migrated

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10
REDIS = "redis://127.0.0.1:6379/0"


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def production_env(tmp_path: Path, url: str, port: int, **settings: str) -> dict[str, str]:
    return {
        **os.environ,
        "CERTPATH_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": url,
        "CERTPATH_UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "CERTPATH_BIND": f"127.0.0.1:{port}",
        "CERTPATH_ACCESS_LOG": str(tmp_path / "access.log"),
        "XDG_RUNTIME_DIR": str(tmp_path),
        **settings,
    }


def gunicorn(env: dict[str, str], log: IO[str]) -> subprocess.Popen:
    # The access log names the worker (its pid) and the status of each request.
    command = ["gunicorn", "-c", "gunicorn.conf.py", "--access-logformat", "%(p)s %(s)s"]
    return subprocess.Popen(
        [sys.executable, "-m", *command, "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.slow
def test_a_limit_holds_across_two_workers(tmp_path):
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable at 127.0.0.1:6379")
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    url = f"sqlite:///{tmp_path}/limits.sqlite3"
    migrated(url)
    port = free_port()
    env = production_env(
        tmp_path,
        url,
        port,
        WEB_CONCURRENCY="2",
        CERTPATH_RATELIMIT_STORAGE_URI=REDIS,
        CERTPATH_RATELIMIT_KEY_PREFIX=f"certpath-test-{uuid.uuid4().hex}",
        CERTPATH_PUBLIC_RATE_LIMIT=f"{LIMIT} per minute",
    )
    with (tmp_path / "gunicorn.log").open("w") as log:
        codes, lines = serve_and_count(env, log, port)
    assert codes.count(200) == LIMIT, codes
    assert codes.count(429) == 2 * LIMIT, codes
    assert len(lines) == 3 * LIMIT, lines
    served = {pid for pid, status in (line.split() for line in lines) if status != "000"}
    assert len(served) == 2, "one worker answered everything: the test proves nothing"


def serve_and_count(env: dict[str, str], log: IO[str], port: int) -> tuple[list[int], list[str]]:
    """The statuses of 3 × LIMIT requests to the register, and their access-log lines."""
    server = gunicorn(env, log)
    access_log = Path(env["CERTPATH_ACCESS_LOG"])
    try:
        get(port, "/healthz", deadline=time.monotonic() + 30)  # the first worker is up
        # On a busy machine the second worker may still be booting: wait until both have
        # answered a health check (another route: the register's count stays untouched).
        both_workers_answer(port, access_log, time.monotonic() + 60)
        before = len(logged(access_log))
        # Several at a time, so that both workers answer (a lone client may meet one only).
        with ThreadPoolExecutor(max_workers=6) as pool:
            codes = list(pool.map(lambda _n: register_page(port), range(3 * LIMIT)))
        time.sleep(0.5)  # the access log is written after each response
        lines = logged(access_log)[before:]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return codes, lines


def logged(access_log: Path) -> list[str]:
    return [line for line in access_log.read_text().split("\n") if line]


def both_workers_answer(port: int, access_log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(lambda _n: status_of(port, "/healthz"), range(6)))
        time.sleep(0.2)  # the access log is written after each response
        pids = {line.split()[0] for line in logged(access_log)}
        if len(pids) == 2:
            return
    pytest.fail("the second gunicorn worker never answered")


def register_page(port: int) -> int:
    return status_of(port, "/certificates/")


def status_of(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.slow
def test_production_refuses_several_workers_with_memory_counts(tmp_path):
    url = f"sqlite:///{tmp_path}/refused.sqlite3"
    migrated(url)
    env = production_env(
        tmp_path, url, free_port(), WEB_CONCURRENCY="2", CERTPATH_RATELIMIT_STORAGE_URI="memory://"
    )
    with (tmp_path / "gunicorn.log").open("w") as log:
        server = gunicorn(env, log)
        try:
            code = server.wait(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
    assert code != 0
    assert "CERTPATH_RATELIMIT_STORAGE_URI" in (tmp_path / "gunicorn.log").read_text()
