"""The multi-node recipe on loopback: what `make test-nodes` brings up and tests/nodes drives.

Two gunicorn application nodes and two schedulers (one leader, one standby) share a scratch
PostgreSQL database, one Redis (under a key prefix of the run) and one upload folder, with
Debian's nginx in front. Every process reads the settings of ``deploy/certpath.env.example``
with loopback values written over the placeholders (as an operator fills in the file), nginx
runs ``deploy/nginx/certpath.conf`` with its upstream, listen line and paths replaced and its
TLS lines dropped (plain HTTP on loopback), as the current user with a temporary prefix.

    python -m deploy.cluster     # bring it up, print the address, Ctrl-C to stop and clean up

Environment: ``PGHOST``/``PGPORT``/``PGUSER`` (default 127.0.0.1:5432 as postgres) and
``CERTPATH_CLUSTER_REDIS`` (default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile= reads them (no quotes, no expansion)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def _top_level_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level ``name { … }`` block of an nginx file."""
    blocks, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "{":
            if depth == 0:
                start = text.rfind("\n", 0, index) + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append((start, index + 1))
    return blocks


def _replace(pattern: str, replacement: str, text: str, *, count: int = 0) -> str:
    new, found = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if not found or (count and found != count):
        raise RuntimeError(f"deploy/nginx/certpath.conf: {pattern!r} found {found} times")
    return new


def loopback_site(site: str, *, port: int, upstreams: list[int], root: Path, logs: Path) -> str:
    """The operator's site as the test runs it: plain HTTP on loopback, local app nodes."""
    for start, end in reversed(_top_level_blocks(site)):
        block = site[start:end]
        if block.startswith("server") and "return 301 https://" in block:
            site = site[:start] + site[end:]  # the port-80 redirect: no TLS here
    servers = "".join(
        f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in upstreams
    )
    site = _replace(r"^    server \d+\.\d+\.\d+\.\d+:\d+ .*\n", "", site)
    site = _replace(r"^(upstream certpath \{\n(?:    #.*\n)*)", r"\g<1>" + servers, site, count=1)
    site = _replace(r"^    listen 443 ssl;\n", f"    listen 127.0.0.1:{port};\n", site, count=1)
    site = _replace(r"^    listen \[::\]:443 ssl;\n", "", site, count=1)
    site = _replace(r"^    http2 on;\n", "", site, count=1)
    site = _replace(r"^    ssl_\w+ .*\n", "", site)
    site = _replace(r"^    server_name .*;\n", "    server_name 127.0.0.1;\n", site, count=1)
    site = _replace(r"/srv/certpath/", f"{root}/", site)
    site = _replace(r"/var/log/nginx/", f"{logs}/", site)
    return site


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Cluster:
    """Bring up with ``start()``, tear down with ``stop()`` (also on a failed start)."""

    workdir: Path
    smtp_port: int | None = None
    # An S3-compatible endpoint (the tests: moto's server) with the bucket made; None keeps
    # the uploads in a local folder every node shares.
    s3_endpoint: str | None = None
    s3_bucket: str = "certpath-cluster"
    public_rate_limit: str = "60 per minute"
    pg: dict[str, str] = field(
        default_factory=lambda: {
            "host": os.environ.get("PGHOST", "127.0.0.1"),
            "port": os.environ.get("PGPORT", "5432"),
            "user": os.environ.get("PGUSER", "postgres"),
        }
    )
    redis_url: str = os.environ.get("CERTPATH_CLUSTER_REDIS", "redis://127.0.0.1:6379/0")
    workers_per_node: int = 2
    processes: dict[str, Process] = field(default_factory=dict)
    killed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        run = secrets.token_hex(4)
        self.database = f"certpath_wg_cluster_{run}"
        self.redis_prefix = f"certpath-cluster-{run}"
        self.http_port = free_port()
        self.node_ports = {"web-1": free_port(), "web-2": free_port()}
        self.uploads = self.workdir / "uploads"
        self.logs = self.workdir / "logs"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def database_url(self) -> str:
        pg = self.pg
        return f"postgresql://{pg['user']}@{pg['host']}:{pg['port']}/{self.database}"

    def _storage(self) -> dict[str, str]:
        if self.s3_endpoint is None:
            return {"CERTPATH_STORAGE_URL": "", "CERTPATH_STORAGE_S3_ENDPOINT_URL": ""}
        return {
            "CERTPATH_STORAGE_URL": f"s3://{self.s3_bucket}/{self.redis_prefix}",
            "CERTPATH_STORAGE_S3_ENDPOINT_URL": self.s3_endpoint,
            "CERTPATH_STORAGE_S3_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
            "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "certpath-cluster"),
            "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "certpath-cluster"),
        }

    # --- the environment file, filled in as an operator would
    def environment(self) -> dict[str, str]:
        settings = read_env_file(DEPLOY / "certpath.env.example")
        settings.update(
            SECRET_KEY=secrets.token_urlsafe(48),
            DATABASE_URL=self.database_url,
            CERTPATH_BASE_URL=self.url,
            CERTPATH_RATELIMIT_STORAGE_URI=self.redis_url,
            CERTPATH_RATELIMIT_KEY_PREFIX=self.redis_prefix,
            CERTPATH_UPLOAD_FOLDER=str(self.uploads),
            **self._storage(),
            WEB_CONCURRENCY=str(self.workers_per_node),
            CERTPATH_MAIL_SERVER="127.0.0.1" if self.smtp_port else "",
            CERTPATH_MAIL_PORT=str(self.smtp_port or 25),
            CERTPATH_MAIL_USERNAME="",
            CERTPATH_MAIL_PASSWORD="",
            CERTPATH_MAIL_USE_TLS="false",
            CERTPATH_METRICS_ALLOWED_NETWORKS="127.0.0.1/32",
            CERTPATH_METRICS_TOKEN=secrets.token_urlsafe(24),
            CERTPATH_OPERATOR_NAME="Certpath (loopback cluster)",
            CERTPATH_PUBLIC_RATE_LIMIT=self.public_rate_limit,
            # A standby notices the leader's death within a second; every job runs every
            # 5 s, so that heartbeats move and the outbox drains while the test watches.
            CERTPATH_SCHEDULER_POLL_SECONDS="1",
            CERTPATH_SCHEDULER_MAX_INTERVAL="5",
            CERTPATH_LOG_FORMAT="text",
        )
        left = [key for key, value in settings.items() if "<" in value and ">" in value]
        left = [key for key in left if key != "CERTPATH_MAIL_SENDER"]
        if left:
            raise RuntimeError(f"placeholders left in the environment file: {left}")
        return settings

    def _env(self, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("CERTPATH_") and key not in ("DATABASE_URL", "SECRET_KEY")
        }
        env.update(self.settings, FLASK_APP="wsgi", PYTHONUNBUFFERED="1", **extra)
        return env

    # --- life cycle
    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        for folder in (self.uploads, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        self.settings = self.environment()
        (self.workdir / "certpath.env").write_text(
            "".join(f"{key}={value}\n" for key, value in self.settings.items()), encoding="utf-8"
        )
        self._psql(f'CREATE DATABASE "{self.database}"')
        self.created_database = True
        # The schema, the reference data and the demo (refused in production: loaded as a
        # developer would, into the same database).
        for command in (["db", "upgrade"], ["reference", "load"], ["demo", "load"]):
            subprocess.run(  # noqa: S603 - our own commands
                [BIN / "flask", *command],
                cwd=ROOT,
                env=self._env(CERTPATH_ENV="development"),
                check=True,
                stdout=subprocess.DEVNULL,
            )
        for node, port in self.node_ports.items():
            self.spawn(
                node,
                [BIN / "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                CERTPATH_NODE_ID=node,
                CERTPATH_BIND=f"127.0.0.1:{port}",
                CERTPATH_ACCESS_LOG=str(self.logs / f"{node}.access.log"),
                PROMETHEUS_MULTIPROC_DIR=str(self.workdir / f"metrics-{node}"),
            )
        # The first scheduler becomes the leader before the second starts: known roles.
        self.spawn("scheduler-a", [BIN / "flask", "scheduler", "run"], CERTPATH_NODE_ID="sched-a")
        self.wait_for(lambda: "scheduler: leader" in self.processes["scheduler-a"].output(), 60)
        self.spawn("scheduler-b", [BIN / "flask", "scheduler", "run"], CERTPATH_NODE_ID="sched-b")
        self.wait_for(lambda: "scheduler: standby" in self.processes["scheduler-b"].output(), 60)
        self._start_nginx()
        for port in self.node_ports.values():
            self.wait_for(lambda port=port: self._answers(f"http://127.0.0.1:{port}/healthz"), 60)
        self.wait_for(lambda: self._answers(self.url + "/healthz"), 30)

    def spawn(self, name: str, argv: list, **extra: str) -> Process:
        log = self.logs / f"{name}.log"
        handle = log.open("ab")
        popen = subprocess.Popen(  # noqa: S603 - our own commands
            [str(part) for part in argv],
            cwd=ROOT,
            env=self._env(**extra),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its workers
        )
        handle.close()
        self.processes[name] = Process(name, popen, log)
        return self.processes[name]

    def _start_nginx(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        prefix = self.workdir / "nginx"
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / "temp" / sub).mkdir(parents=True, exist_ok=True)
        site = loopback_site(
            (DEPLOY / "nginx" / "certpath.conf").read_text(encoding="utf-8"),
            port=self.http_port,
            upstreams=list(self.node_ports.values()),
            root=ROOT,
            logs=self.logs,
        )
        (prefix / "certpath.conf").write_text(site, encoding="utf-8")
        temp = prefix / "temp"
        (prefix / "nginx.conf").write_text(
            f"""worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {self.logs}/nginx.error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/client_body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {prefix}/certpath.conf;
}}
""",
            encoding="utf-8",
        )
        self.spawn(
            "nginx",
            [nginx, "-e", self.logs / "nginx.error.log", "-c", prefix / "nginx.conf", "-p", prefix],
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill a process and its children at once (a machine losing power, for a scheduler)."""
        process = self.processes[name]
        self.killed.add(name)
        if process.alive():
            os.killpg(process.popen.pid, sig)
            process.popen.wait(timeout=30)

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            if process.alive():
                os.killpg(process.popen.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait(timeout=10)
        if getattr(self, "created_database", False):
            self._psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            self.created_database = False
        self._forget_redis_keys()

    # --- helpers
    def _psql(self, statement: str) -> None:
        pg = self.pg
        subprocess.run(  # noqa: S603 - our own statements
            [  # noqa: S607 - psql from PATH, as .ci/run uses it
                "psql",
                "-h",
                pg["host"],
                "-p",
                pg["port"],
                "-U",
                pg["user"],
                "-d",
                "postgres",
                "-qc",
                statement,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def _forget_redis_keys(self) -> None:
        try:
            import redis

            client = redis.Redis.from_url(self.redis_url)
            keys = list(client.scan_iter(match=f"{self.redis_prefix}*"))
            if keys:
                client.delete(*keys)
        except Exception as exc:  # a cleanup; the keys expire with their windows anyway
            print(f"cluster: could not remove the run's Redis keys: {exc}", file=sys.stderr)

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def wait_for(self, condition, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            dead = [p.name for p in self.processes.values() if not p.alive()]
            dead = [name for name in dead if name not in self.killed]
            if dead or time.monotonic() > deadline:
                logs = "\n".join(
                    f"--- {p.name}\n{p.output()[-3000:]}" for p in self.processes.values()
                )
                reason = f"{dead} exited" if dead else f"not within {seconds} s"
                raise RuntimeError(f"cluster: {reason}\n{logs}")
            time.sleep(0.2)


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)  # a supervisor's stop cleans up as Ctrl-C does
    with tempfile.TemporaryDirectory(prefix="certpath-cluster-") as folder:
        cluster = Cluster(Path(folder))
        cluster.start()
        print(f"Certpath on two nodes behind nginx: {cluster.url}/  (Ctrl-C stops and cleans up)")
        print(f"database {cluster.database}, logs in {cluster.logs}", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
