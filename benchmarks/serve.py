"""Serving for the benchmarks: the app and the bare endpoint under gunicorn, Redis for the rate
limits, and the memory of the workers.

Both servers run ``gunicorn -c gunicorn.conf.py`` (the production settings file) with
``WEB_CONCURRENCY`` sync workers on a free loopback port, with the access log going nowhere
(the same for both) and gunicorn's own log in a file that a failure shows.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
APP_TARGET = "wsgi:app"
BARE_TARGET = "benchmarks.bare_app:from_environment()"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


class ServeError(RuntimeError):
    """A server did not start, or Redis is not available."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_settings(database_url: str, redis_url: str, key_prefix: str) -> dict[str, Any]:
    """The app's settings for the run (keys as app.config has them): the production profile,
    rate limits counted in Redis and high enough never to refuse the load, no mail sent."""
    return {
        "ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": key_prefix,
        "PUBLIC_RATE_LIMIT": "100000000 per minute",
        "MAIL_SERVER": "",
    }


def environment(settings: Mapping[str, Any]) -> dict[str, str]:
    """The same settings as environment variables (``CERTPATH_`` prefix, see app/config.py)."""
    from app.config import ENV_PREFIX

    plain = {"DATABASE_URL", "SECRET_KEY"}
    return {
        (key if key in plain else ENV_PREFIX + key): str(value) for key, value in settings.items()
    }


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] = field(repr=False)

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid)

    def renew_workers(self, workers: int, wait_seconds: float = 60) -> None:
        """Fresh workers (gunicorn's HUP: new ones boot, the old ones stop), so that a peak
        of memory read next belongs to what they serve from now on."""
        old = set(self.worker_pids())
        os.kill(self.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            current = set(self.worker_pids())
            if len(current) == workers and not current & old:
                _wait_until_ready(self, "/healthz", workers, wait_seconds)
                return
            time.sleep(0.1)
        raise ServeError(f"{self.name}: the workers were not renewed:\n" + self.log_tail())

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn: graceful stop of the master and its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def start_gunicorn(
    name: str,
    target: str,
    env: Mapping[str, str],
    log_dir: Path,
    *,
    workers: int = 2,
    ready_path: str = "/healthz",
    wait_seconds: float = 60,
) -> Server:
    port = free_port()
    full_env = {
        **os.environ,
        **env,
        "CERTPATH_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "CERTPATH_ACCESS_LOG": os.devnull,
        "PYTHONUNBUFFERED": "1",
    }
    log_path = log_dir / f"{name}.log"
    log = log_path.open("wb")
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--worker-class",
        "sync",
        *_no_control_socket(),
        target,
    ]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        argv, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
    )
    server = Server(name, f"http://127.0.0.1:{port}", process, log_path, log)
    try:
        _wait_until_ready(server, ready_path, workers, wait_seconds)
    except BaseException:
        server.stop()
        raise
    return server


def _no_control_socket() -> list[str]:
    """gunicorn ≥ 25 opens a control socket at one fixed path per user: two servers (or another
    gunicorn of the same user) would take it from each other. The benchmark needs none."""
    import gunicorn.config  # type: ignore[import-untyped]

    names = {setting.name for setting in gunicorn.config.KNOWN_SETTINGS}
    return ["--no-control-socket"] if "control_socket_disable" in names else []


def _wait_until_ready(server: Server, path: str, workers: int, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServeError(
                f"{server.name}: gunicorn exited with {server.process.returncode}:\n"
                + server.log_tail()
            )
        try:
            with urllib.request.urlopen(server.url + path, timeout=5) as answer:  # noqa: S310
                if answer.status == 200 and len(server.worker_pids()) >= workers:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise ServeError(
        f"{server.name}: not answering {path} after {wait_seconds}s:\n" + server.log_tail()
    )


def child_pids(pid: int) -> list[int]:
    """A process's children (gunicorn's master: its workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in children.read_text().split()]
    except OSError:
        pass
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …: comm may hold spaces and parentheses, so split after it
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def resident_mb(pids: list[int]) -> float | None:
    """The largest resident set (VmRSS) among the processes now, in MB."""
    sizes = [_status_kb(pid, "VmRSS") or 0 for pid in pids]
    return max(sizes) / 1024 if any(sizes) else None


class PeakMemory:
    """The largest resident set of any of the given processes while the block runs.

    Resets each process's high-water mark first (``/proc/<pid>/clear_refs``, Linux ≥ 4.0) and
    reads ``VmHWM`` at the end; where the reset is not allowed, samples ``VmRSS`` every 50 ms
    instead (which can miss a short peak). ``peak_mb`` is None when nothing could be read.
    """

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak_mb: float | None = None
        self.method = "VmHWM"
        self._sampled = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        for pid in self.pids:
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                self.method = "VmRSS sampled every 50 ms"
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            for pid in self.pids:
                self._sampled = max(self._sampled, _status_kb(pid, "VmRSS") or 0)

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        peak = self._sampled
        if self.method == "VmHWM":
            peak = max([peak, *(_status_kb(pid, "VmHWM") or 0 for pid in self.pids)])
        self.peak_mb = peak / 1024 if peak else None


@dataclass
class Redis:
    """Redis for the rate limits: the one at 127.0.0.1:6379 when it answers, else a private
    redis-server on a free port for the run (when installed)."""

    url: str
    key_prefix: str
    process: subprocess.Popen[bytes] | None = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            return
        # A shared server: remove the run's counters.
        client = _client(self.url)
        keys = list(client.scan_iter(match=self.key_prefix + "*", count=1000))
        if keys:
            client.delete(*keys)


def _client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)


def _answers(url: str) -> bool:
    try:
        return bool(_client(url).ping())
    except Exception:  # any failure means "not usable"
        return False


def redis_for_run(url: str | None) -> Redis:
    prefix = f"certpath-bench-{secrets.token_hex(4)}"
    if url:
        if not _answers(url):
            raise ServeError(f"Redis does not answer at {url}")
        return Redis(url, prefix)
    if _answers(DEFAULT_REDIS):
        return Redis(DEFAULT_REDIS, prefix)
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServeError(
            "the rate limits need Redis: none answers at 127.0.0.1:6379 and redis-server is not "
            "installed (apt-get install redis-server, or give --redis-url)"
        )
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - a fixed program and our own arguments
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    private = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not _answers(private):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise ServeError(f"could not start redis-server on port {port}")
        time.sleep(0.1)
    print(f"Redis: none at 127.0.0.1:6379, a private redis-server on port {port} for the run")
    return Redis(private, prefix, process)
