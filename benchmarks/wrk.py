"""The load generator: Debian's ``wrk`` in a closed loop, driven by ``rotate.lua``.

``run()`` writes the requests to a file (one path a line, a tab and a Cookie value for a
signed-in user), runs wrk over them and returns what ``rotate.lua``'s done() printed: the
request count, the duration, the errors and the latency percentiles p50/p75/p90/p95/p99.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "rotate.lua"
MARKER = "CERTPATH_WRK "
INSTALL_HINT = "the benchmarks need wrk: apt-get install wrk (or `make bench` as root)"


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed no result."""


@dataclass(frozen=True)
class Request:
    path: str
    cookie: str = ""  # the Cookie header of a signed-in user; empty for an anonymous visitor

    def line(self) -> str:
        if any(c in self.path for c in "\t\r\n") or any(c in self.cookie for c in "\t\r\n"):
            raise ValueError(f"a tab or line break in a request: {self.path!r}")
        return f"{self.path}\t{self.cookie}" if self.cookie else self.path


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    bytes: int
    errors: dict[str, int]
    latency_ms: dict[str, float]  # mean, max, p50, p75, p90, p95, p99

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def error_count(self) -> int:
        """Failed connections, reads, writes and timeouts, and answers of status 400 or more."""
        return sum(self.errors.values())

    def percentile(self, p: int) -> float:
        return self.latency_ms[f"p{p}"]


def parse_output(text: str) -> WrkResult:
    """The result line rotate.lua's done() printed, from wrk's whole standard output."""
    for line in text.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            break
    else:
        raise WrkError("wrk printed no result line (did the script fail?):\n" + text[-2000:])
    latency = {key: value / 1000.0 for key, value in data["latency_us"].items()}
    return WrkResult(
        requests=int(data["requests"]),
        duration_s=data["duration_us"] / 1_000_000,
        bytes=int(data["bytes"]),
        errors={key: int(value) for key, value in data["errors"].items()},
        latency_ms=latency,
    )


def executable() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise WrkError(INSTALL_HINT)
    return found


def command(
    base_url: str,
    paths_file: Path,
    *,
    duration: float,
    connections: int,
    threads: int,
    timeout: float,
    user_agent: str,
) -> list[str]:
    return [
        executable(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",
        f"--timeout={max(1, round(timeout))}s",
        f"--header=User-Agent: {user_agent}",
        f"--script={SCRIPT}",
        base_url,
        "--",
        str(paths_file),
        str(threads),
    ]


def run(
    base_url: str,
    requests: Sequence[Request],
    *,
    duration: float,
    connections: int = 8,
    threads: int = 2,
    timeout: float = 30,
    user_agent: str,
) -> WrkResult:
    """One closed-loop run: ``connections`` clients, each sending its next request as soon as
    the previous answer arrived, for ``duration`` seconds."""
    if not requests:
        raise WrkError("no request to send")
    with tempfile.NamedTemporaryFile("w", suffix=".paths", encoding="utf-8") as paths:
        paths.write("".join(request.line() + "\n" for request in requests))
        paths.flush()
        argv = command(
            base_url,
            Path(paths.name),
            duration=duration,
            connections=connections,
            threads=min(threads, connections),
            timeout=timeout,
            user_agent=user_agent,
        )
        finished = subprocess.run(  # noqa: S603 - a fixed program and our own arguments
            argv, capture_output=True, text=True, timeout=duration + timeout + 60, check=False
        )
    if finished.returncode != 0:
        raise WrkError(f"wrk exited with {finished.returncode}: {finished.stderr[-2000:]}")
    return parse_output(finished.stdout)
