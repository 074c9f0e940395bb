"""The benchmark kit's own pieces (benchmarks/): reading wrk's result, the table, the requests
it plans, the sign-in form parsing, and rotate.lua against a tiny local server (when Debian's
wrk is installed). The benchmarks themselves are not run here: their figures depend on the
machine."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator

import pytest

from benchmarks import query_count, serve, table, workloads, wrk
from benchmarks.workloads import Planned

WRK_STDOUT = """Running 10s test @ http://127.0.0.1:8000
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.31ms    1.20ms  30.02ms   90.00%
  23912 requests in 10.00s, 21.04MB read
Requests/sec:   2391.20
Transfer/sec:      2.10MB
CERTPATH_WRK {"requests": 23912, "duration_us": 10000000, "bytes": 22061056, \
"errors": {"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 0}, \
"latency_us": {"mean": 3310.5, "max": 30020, "p50": 3100, "p75": 3600, "p90": 4200, \
"p95": 5200, "p99": 9000}}
"""


def result(rate: float, p50: float, p95: float) -> wrk.WrkResult:
    return wrk.WrkResult(
        requests=int(rate * 10),
        duration_s=10.0,
        bytes=0,
        errors={"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0},
        latency_ms={"mean": p50, "max": 2 * p95, "p50": p50, "p75": p50, "p90": p95, "p95": p95},
    )


# --- wrk's result -----------------------------------------------------------------------------


def test_the_result_line_gives_rate_percentiles_and_errors():
    parsed = wrk.parse_output(WRK_STDOUT)
    assert parsed.requests == 23912
    assert parsed.rate == pytest.approx(2391.2)
    assert parsed.percentile(50) == pytest.approx(3.1)
    assert parsed.percentile(95) == pytest.approx(5.2)
    assert parsed.latency_ms["max"] == pytest.approx(30.02)
    assert parsed.error_count == 3


def test_output_without_the_result_line_is_an_error():
    with pytest.raises(wrk.WrkError, match="no result line"):
        wrk.parse_output("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_a_request_is_a_path_or_a_path_and_its_cookie():
    assert wrk.Request("/publicity/").line() == "/publicity/"
    assert wrk.Request("/projects/7", "session=abc").line() == "/projects/7\tsession=abc"
    with pytest.raises(ValueError, match="line break"):
        wrk.Request("/x\n/y").line()


def test_the_command_names_the_script_its_file_and_the_thread_count(monkeypatch, tmp_path):
    monkeypatch.setattr(wrk.shutil, "which", lambda _name: "/usr/bin/wrk")
    argv = wrk.command(
        "http://127.0.0.1:1",
        tmp_path / "paths",
        duration=2.4,
        connections=8,
        threads=2,
        timeout=30,
        user_agent="ua",
    )
    assert argv[0] == "/usr/bin/wrk"
    assert "--duration=2s" in argv and "--connections=8" in argv
    assert f"--script={wrk.SCRIPT}" in argv
    assert argv[-4:] == ["http://127.0.0.1:1", "--", str(tmp_path / "paths"), "2"]


def test_without_wrk_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(wrk.shutil, "which", lambda _name: None)
    with pytest.raises(wrk.WrkError, match="apt-get install wrk"):
        wrk.executable()


# --- the table --------------------------------------------------------------------------------


def test_rows_are_compared_with_their_own_bare_run():
    bare = result(2000, 3.0, 5.0)
    row = table.Row("verify", "certificate verification", result(500, 12.0, 20.0), bare, "1")
    cells = table.cells(row)
    assert cells[1:8] == ["500", "0.25", "12.0", "20.0", "4.0", "1", "—"]


def test_rounds_report_the_round_of_median_ratio():
    # Three rounds: the machine was busy during the second bare run (a high ratio) and during
    # the third workload run (a low one); the row is the first round's pair, both runs of it.
    calm = (result(1000, 3, 6), result(600, 8, 12))
    busy_bare = (result(500, 6, 12), result(550, 8, 13))
    busy_app = (result(1000, 3, 6), result(300, 16, 30))
    assert table.median_round([calm, busy_bare, busy_app]) == calm
    assert table.median_round([busy_app, calm]) == busy_app  # of two, the lower
    assert table.median_round([calm]) == calm


def test_rounds_are_bounded_and_each_compared_with_its_own_bare_run():
    from benchmarks import run

    assert run.parse_args(["--database-url", "sqlite://", "--rounds", "3"]).rounds == 3
    for wrong in (["--rounds", "0"], ["--rounds", "21"], ["--rounds", "3", "--bare-once"]):
        with pytest.raises(SystemExit):
            run.parse_args(["--database-url", "sqlite://", *wrong])


def test_a_skipped_workload_shows_dashes_and_the_bare_row_is_the_median_run():
    skipped = table.Row("superseded", "superseded page", note="nothing to ask for")
    assert set(table.cells(skipped)[1:]) == {"—"}
    bare = table.bare_row([result(900, 4, 8), result(1000, 3, 6), result(1100, 3, 5)])
    assert bare.result is not None and bare.result.rate == 1000
    assert bare.title == "bare endpoint (median of 3 runs)"


def test_columns_line_up_with_chinese_titles():
    rows = [
        table.Row("a", "机械 search", result(10, 1, 2), result(100, 1, 1)),
        table.Row("b", "ascii title", result(20, 1, 2), result(100, 1, 1)),
    ]
    lines = table.render(rows).splitlines()
    assert len(lines) == 4  # header, rule, two rows
    # The last column is right-aligned: every line ends at the same terminal column when CJK
    # characters count two.
    assert len({table._width(line) for line in lines}) == 1
    assert table.ratio(1.0, None) is None and table.ratio(None, 2.0) is None


def test_markdown_has_a_row_per_workload():
    text = table.markdown([table.Row("a", "verify", result(10, 1, 2), result(100, 1, 1))])
    assert text.splitlines()[0].startswith("| workload | req/s | × bare |")
    assert len(text.splitlines()) == 3


# --- the planned requests ---------------------------------------------------------------------


def test_users_are_interleaved_and_capped():
    rows = [("a@x", "/1"), ("a@x", "/2"), ("a@x", "/3"), ("b@x", "/4")]
    planned = workloads._grouped(rows, per_user=2)
    assert planned == [Planned("/1", "a@x"), Planned("/4", "b@x"), Planned("/2", "a@x")]


def test_the_query_sample_is_spread_over_the_list():
    requests = [Planned(f"/{n}") for n in range(20)]
    assert [p.path for p in query_count.sample(requests, 4)] == ["/0", "/5", "/10", "/15"]
    assert query_count.sample(requests[:3], 5) == requests[:3]
    assert query_count.QueryCounts((5, 7, 6)).label() == "5–7"
    assert query_count.QueryCounts((1, 1)).label() == "1"
    assert query_count.QueryCounts((1,), "/x answered 302").label() == "—"


# --- signing in -------------------------------------------------------------------------------


def test_the_csrf_token_is_read_whatever_the_order_of_attributes():
    wtforms = '<input id="csrf_token" name="csrf_token" type="hidden" value="Ab.c-1">'
    by_hand = '<input type="hidden" value="Zz9" name="csrf_token">'
    assert workloads.csrf_token(f"<form>{wtforms}</form>") == "Ab.c-1"
    assert workloads.csrf_token(by_hand) == "Zz9"
    with pytest.raises(workloads.SignInError):
        workloads.csrf_token("<form></form>")


def test_the_session_cookie_is_taken_from_set_cookie_headers():
    headers = [
        "lang=zh; Path=/",
        "session=eyJ.abc.def; Secure; HttpOnly; Path=/; SameSite=Lax",
    ]
    assert workloads._session_cookie(headers) == "eyJ.abc.def"
    assert workloads._session_cookie(["session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]) is None


# --- serving ----------------------------------------------------------------------------------


def test_settings_become_certpath_environment_variables():
    settings = {"ENV": "production", "SECRET_KEY": "k", "DATABASE_URL": "sqlite://"}
    env = serve.environment({**settings, "PUBLIC_RATE_LIMIT": "9 per minute"})
    assert env == {
        "CERTPATH_ENV": "production",
        "SECRET_KEY": "k",
        "DATABASE_URL": "sqlite://",
        "CERTPATH_PUBLIC_RATE_LIMIT": "9 per minute",
    }


def test_the_rate_limit_is_counted_in_redis_and_never_refuses_the_load():
    settings = serve.app_settings("sqlite://", "redis://127.0.0.1:6379/0", "certpath-bench-x")
    assert settings["ENV"] == "production" and len(settings["SECRET_KEY"]) >= 32
    assert settings["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert int(settings["PUBLIC_RATE_LIMIT"].split()[0]) >= 10**6


def test_a_process_children_are_found():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        assert child.pid in serve.child_pids(os.getpid())
        assert serve.resident_mb([child.pid]) is not None
    finally:
        child.kill()
        child.wait()


# --- rotate.lua, for real ---------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: Counter[tuple[str, str, str]] = Counter()
    lock = threading.Lock()

    def do_GET(self) -> None:
        with self.lock:
            key = (self.path, self.headers.get("User-Agent", ""), self.headers.get("Cookie", ""))
            self.seen[key] += 1
        status = 404 if self.path == "/missing" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    _Recorder.seen = Counter()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="Debian's wrk is not installed")
def test_the_script_rotates_requests_with_their_cookies_and_reports_p95(recorder):
    requests = [
        wrk.Request("/certificates/A"),
        wrk.Request("/certificates/B"),
        wrk.Request("/projects/1", "session=one"),
        wrk.Request("/missing"),
    ]
    outcome = wrk.run(recorder, requests, duration=1, connections=2, threads=2, user_agent="ua/1")
    seen = _Recorder.seen
    paths = {path for path, _ua, _cookie in seen}
    assert paths == {"/certificates/A", "/certificates/B", "/projects/1", "/missing"}
    # wrk -H headers go with every request, the cookie only with its own.
    assert {ua for _path, ua, _cookie in seen} == {"ua/1"}
    assert {cookie for path, _ua, cookie in seen if path == "/projects/1"} == {"session=one"}
    assert {cookie for path, _ua, cookie in seen if path != "/projects/1"} == {""}
    assert outcome.requests >= sum(seen.values()) - 4  # a last answer may arrive after the end
    assert outcome.errors["status"] > 0  # the 404s
    assert 0 < outcome.percentile(50) <= outcome.percentile(95) <= outcome.latency_ms["max"]
    json.dumps(outcome.latency_ms)  # plain numbers
