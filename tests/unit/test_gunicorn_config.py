"""The production server, for real: gunicorn with gunicorn.conf.py names no software.

gunicorn always writes a Server header and has no setting for it; the config blanks it, so
the header is present and empty (``Server: ``), never ``gunicorn``.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.extensions import db
from tests.conftest import TEST_SECRET, free_port, make_test_app

ROOT = Path(__file__).resolve().parents[2]


def migrated(url: str) -> None:
    from flask_migrate import upgrade

    app = make_test_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def get(port: int, path: str, deadline: float) -> http.client.HTTPResponse:
    """GET once the server listens (it takes a moment to boot its worker)."""
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.body = response.read()  # type: ignore[attr-defined]
            return response
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        finally:
            connection.close()


@pytest.mark.slow
def test_gunicorn_with_its_config_sends_no_banner(tmp_path):
    url = f"sqlite:///{tmp_path}/gunicorn.sqlite3"
    migrated(url)
    port = free_port()
    env = {
        **os.environ,
        "CERTPATH_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": url,
        "CERTPATH_UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "CERTPATH_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "CERTPATH_ACCESS_LOG": str(tmp_path / "access.log"),
        # gunicorn's control socket goes to $XDG_RUNTIME_DIR: keep it out of $HOME.
        "XDG_RUNTIME_DIR": str(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "CERTPATH_LOG_FORMAT": "json",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        response = get(port, "/healthz", deadline=time.monotonic() + 30)
        headers = response.getheaders()
        for _ in range(3):
            get(port, "/healthz", deadline=time.monotonic() + 5)
        metrics = get(port, "/metrics", deadline=time.monotonic() + 5)
        scraped = metrics.body.decode()  # type: ignore[attr-defined]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    assert response.status == 200, (tmp_path / "gunicorn.log").read_text()
    servers = [value for name, value in headers if name.lower() == "server"]
    assert servers == [""], headers  # present (gunicorn always writes it) and empty
    assert not [h for h in headers if "gunicorn" in h[1].lower()], headers
    # The config's access log is written, each line with the id the response carried.
    request_id = {k.lower(): v for k, v in headers}["x-request-id"]
    assert 'GET /healthz HTTP/1.1" 200' in (tmp_path / "access.log").read_text()
    assert request_id in (tmp_path / "access.log").read_text()
    # The workers' latency, added up from the multi-process folder, and the outbox's depth.
    assert metrics.status == 200, scraped
    assert (
        'certpath_request_seconds_count{endpoint="main.healthz",method="GET",status="2xx"} 4.0'
        in scraped
    )
    assert "certpath_outbox_oldest_waiting_seconds 0.0" in scraped
