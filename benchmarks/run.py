"""Benchmark the app's hot pages against a bare endpoint, both under gunicorn, in one run.

The app is served the way production serves it — ``gunicorn -c gunicorn.conf.py wsgi:app``,
2 sync workers, ``CERTPATH_ENV=production``, rate limits counted in Redis (limit raised far
above the load) — and next to it ``benchmarks/bare_app.py``: Flask + SQLAlchemy, one indexed
certificate lookup on the same database, 2 sync workers too. ``wrk`` loads each in a closed
loop (8 connections, 2 threads) rotating over many URLs (``rotate.lua``). Before each
workload the bare endpoint is measured again, and the workload's ratios are to that run, so a
busy machine weighs on both sides alike.

Workloads (issue 14): certificate verification, publicity, an enterprise's project page,
register search by a 2-character name, a superseded certificate's page, the self-assessment
report and its PDF and Excel exports, the organisation list as a province authority, the
certificate PDF as its holder; the reform programme board and subsidy list as the authority
running the Changchun pilot in its largest province. Queries per request are counted through
Flask's test client with the same settings; the peak resident memory of a worker is read during
the exports.

    .venv/bin/python -m benchmarks.run --database-url postgresql://postgres@127.0.0.1/bench
    .venv/bin/python -m benchmarks.run --database-url … --scale 1.0      # generate it first
    .venv/bin/python -m benchmarks.run --scratch --scale 0.02 --duration 5   # what make bench runs
    .venv/bin/python -m benchmarks.run --database-url … --only verify,search --duration 30

Signing in writes a session row per user (and its last sign-in time), as any sign-in does:
use a benchmark database, not a live one. Not a CI test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import query_count, serve, table, wrk  # noqa: E402
from benchmarks.scratch import scratch_database  # noqa: E402
from benchmarks.workloads import (  # noqa: E402
    DEMO_PASSWORD,
    KEYS,
    USER_AGENT,
    Workload,
    fetch_status,
    plan,
    sign_in_http,
)

DEMO_DOMAIN = "@demo.certpath.cn"
COUNTED_TABLES = (
    "organisations",
    "users",
    "assessments",
    "projects",
    "audits",
    "findings",
    "certificates",
)


def default_password(emails: list[str]) -> str:
    """The generated dataset's password (benchmarks.dataset.PASSWORD), or the demo accounts'
    when every user signing in is one of ``flask demo load``'s."""
    from benchmarks.dataset import PASSWORD

    demo = bool(emails) and all(email.endswith(DEMO_DOMAIN) for email in emails)
    return DEMO_PASSWORD if demo else PASSWORD


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--database-url", help="the database to benchmark (PostgreSQL or SQLite)")
    where.add_argument(
        "--scratch",
        action="store_true",
        help="a new PostgreSQL database on 127.0.0.1:5432 (PGHOST/PGPORT/PGUSER), dropped "
        "afterwards; SQLite when PostgreSQL does not answer",
    )
    parser.add_argument("--scale", type=float, help="generate a dataset of this scale first")
    parser.add_argument("--seed", type=int, default=14, help="dataset and sampling seed")
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of warm-up per run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    parser.add_argument(
        "--only", help=f"comma-separated workloads among: {', '.join(KEYS)}", default=""
    )
    parser.add_argument("--users", type=int, default=4, help="signed-in users per workload")
    parser.add_argument("--password", help="the users' password (default: the dataset's)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure each workload this many times, each time after the bare endpoint, and "
        "report the round of median throughput ratio (a noisy machine: 3 or 5)",
    )
    parser.add_argument(
        "--bare-once",
        action="store_true",
        help="measure the bare endpoint once at the start instead of before each workload",
    )
    parser.add_argument("--redis-url", help="default: 127.0.0.1:6379, else a private server")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--keep-database", action="store_true", help="with --scratch")
    args = parser.parse_args(argv)
    wanted = [k.strip() for k in args.only.split(",") if k.strip()] or list(KEYS)
    unknown = sorted(set(wanted) - set(KEYS))
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(KEYS)}")
    if not 1 <= args.rounds <= 20:
        parser.error("--rounds: from 1 to 20")
    if args.bare_once and args.rounds > 1:
        parser.error("--rounds compares each round with its own bare run: not with --bare-once")
    if args.scratch and args.scale is None:
        parser.error("--scratch needs --scale: an empty database has nothing to measure")
    args.wanted = wanted
    return args


def generate(database_url: str, scale: float, seed: int) -> None:
    started = time.monotonic()
    print(f"Generating the dataset at scale {scale} …", flush=True)
    argv = ["--scale", str(scale), "--database-url", database_url, "--seed", str(seed)]
    finished = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "benchmarks.dataset", *argv], cwd=ROOT, check=False
    )
    if finished.returncode != 0:
        raise SystemExit(f"benchmarks.dataset failed (exit {finished.returncode}): see above")
    print(f"Dataset generated in {time.monotonic() - started:.0f} s", flush=True)


def sizes(app: Any) -> dict[str, int]:
    import sqlalchemy as sa

    from app.extensions import db

    counts = {}
    with app.app_context():
        names = set(sa.inspect(db.engine).get_table_names())
        for name in COUNTED_TABLES:
            if name in names:
                counts[name] = db.session.scalar(sa.text(f"SELECT count(*) FROM {name}")) or 0  # noqa: S608
    return counts


def backend(url: str) -> str:
    return "PostgreSQL" if url.startswith(("postgres://", "postgresql")) else "SQLite"


class Bench:
    def __init__(self, args: argparse.Namespace, app_server: serve.Server, bare: serve.Server):
        self.args = args
        self.app_server = app_server
        self.bare = bare
        self.bare_runs: list[wrk.WrkResult] = []
        self.start_rss_mb = serve.resident_mb(app_server.worker_pids())
        self.memory_method = ""

    def load(
        self, server: serve.Server, requests: list[wrk.Request], duration: float
    ) -> wrk.WrkResult:
        return wrk.run(
            server.url,
            requests,
            duration=duration,
            connections=self.args.connections,
            threads=self.args.threads,
            user_agent=USER_AGENT,
        )

    def measure(self, server: serve.Server, requests: list[wrk.Request]) -> wrk.WrkResult:
        if self.args.warmup > 0:
            self.load(server, requests, self.args.warmup)
        return self.load(server, requests, self.args.duration)

    def prime(self, server: serve.Server, requests: list[wrk.Request]) -> None:
        """Fresh workers load what they need on their first requests (fonts for a PDF take
        seconds): a few requests per worker, answered, before any timed run."""
        clients = 2 * self.args.workers
        chosen = [requests[i % len(requests)] for i in range(2 * clients)]
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(lambda r: fetch_status(server.url, r.path, r.cookie), chosen))

    def measure_bare(self, requests: list[wrk.Request]) -> wrk.WrkResult:
        result = self.measure(self.bare, requests)
        self.bare_runs.append(result)
        return result


def _progress(title: str, result: wrk.WrkResult, extra: str = "") -> None:
    print(
        f"  {title}: {result.rate:,.0f} req/s, p50 {result.percentile(50):.1f} ms, "
        f"p95 {result.percentile(95):.1f} ms{extra}",
        flush=True,
    )


def bench(args: argparse.Namespace, database_url: str) -> int:
    if args.scale is not None:
        generate(database_url, args.scale, args.seed)
    wrk.executable()  # fail early, with the hint
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="certpath-bench-") as logs:
        redis = serve.redis_for_run(args.redis_url)
        stack.callback(redis.stop)
        settings = serve.app_settings(database_url, redis.url, redis.key_prefix)
        app = query_count.build_app(settings)
        stack.callback(query_count.dispose, app)
        counts = sizes(app)
        print(
            f"Database: {backend(database_url)}, "
            + ", ".join(f"{n:,} {name}" for name, n in counts.items()),
            flush=True,
        )
        from app.clock import local_today
        from app.extensions import db

        with app.app_context():
            # The verification's numbers are the bare endpoint's too: planned in any case.
            planned = plan(
                db.session,
                local_today(),
                seed=args.seed,
                users=args.users,
                wanted=[k for k in KEYS if k in args.wanted or k == "verify"],
            )
        if {"statistics", "map"} & set(args.wanted):
            refresh_statistics(app)
        if "evaluator-bodies" in args.wanted:
            count_audit_days(app)
        verify = next((w for w in planned if w.key == "verify"), None)
        if verify is None or not verify.requests:
            raise SystemExit("no valid certificate in the database: nothing for the bare endpoint")
        bare_requests = [wrk.Request(p.path) for p in verify.requests]
        workloads = [w for w in planned if w.key in args.wanted]
        env = serve.environment(settings)
        print(
            f"Serving the app and the bare endpoint with gunicorn ({args.workers} sync workers "
            f"each), rate limits in Redis at {redis.url}",
            flush=True,
        )
        app_server = serve.start_gunicorn(
            "app", serve.APP_TARGET, env, Path(logs), workers=args.workers
        )
        stack.callback(app_server.stop)
        bare_env = {**env, "BENCH_DATABASE_URL": database_url}
        bare = serve.start_gunicorn(
            "bare", serve.BARE_TARGET, bare_env, Path(logs), workers=args.workers
        )
        stack.callback(bare.stop)
        try:
            bench_ = Bench(args, app_server, bare)
            users = sorted({u for w in workloads if not w.skipped for u in w.users})
            password = args.password or default_password(users)
            rows = run_workloads(args, app, workloads, bare_requests, password, bench_)
        except BaseException:
            print("--- app server log ---\n" + app_server.log_tail(), file=sys.stderr)
            raise
        report(args, database_url, counts, rows, bench_)
    return 0


def refresh_statistics(app: Any) -> None:
    """What the scheduler does every 30 minutes in production: the statistics snapshots of
    the country, provinces and prefectures (the regional statistics read them). A dataset
    just generated has none, and a page would compute its scope itself."""
    from app.extensions import db
    from blueprints.statistics import snapshots

    print("Refreshing the statistics snapshots, as the scheduler does …", flush=True)
    started = time.perf_counter()
    with app.app_context():
        written = snapshots.refresh()
        db.session.commit()
    print(f"  {written:,} scopes in {time.perf_counter() - started:.0f} s", flush=True)


def count_audit_days(app: Any) -> None:
    """What the scheduler does every 30 minutes: each body's completed audits per day, which
    the evaluators-by-body report sums (a page counts them itself when they are missing)."""
    from app.extensions import db
    from blueprints.evaluator_reports import audit_days

    print("Counting the bodies' audit days, as the scheduler does …", flush=True)
    started = time.perf_counter()
    with app.app_context():
        written = audit_days.refresh()
        db.session.commit()
    print(f"  {written:,} days in {time.perf_counter() - started:.1f} s", flush=True)


def run_workloads(
    args: argparse.Namespace,
    app: Any,
    workloads: list[Workload],
    bare_requests: list[wrk.Request],
    password: str,
    bench_: Bench,
) -> list[table.Row]:
    runnable = [w for w in workloads if not w.skipped]

    users = sorted({u for w in runnable for u in w.users})
    print(f"Signing in {len(users)} user(s) through the login form …", flush=True)
    cookies = {email: sign_in_http(bench_.app_server.url, email, password) for email in users}

    rows: dict[str, table.Row] = {}
    clients = query_count.Clients(app, password)
    print("Counting queries per request (test client, same settings) …", flush=True)
    with query_count.counting(app) as counter:
        for workload in workloads:
            row = rows[workload.key] = table.Row(workload.key, workload.title)
            if workload.skipped:
                row.note = workload.skipped
                continue
            counted = query_count.measure(workload, clients, counter)
            row.queries = counted.label()
            if counted.failure:
                row.note = counted.failure
    for workload in runnable:
        row = rows[workload.key]
        if row.note:
            continue
        for planned in {p.user: p for p in workload.requests}.values():
            status = fetch_status(
                bench_.app_server.url, planned.path, cookies.get(planned.user or "", "")
            )
            if status != 200:
                row.note = f"{planned.path} answered {status} over HTTP"
                break

    load_seconds = (
        len(runnable) * (args.duration + args.warmup) * (1 if args.bare_once else 2) * args.rounds
    )
    print(
        f"Load: about {load_seconds:.0f} s (wrk -c {args.connections} -t {args.threads} "
        f"-d {args.duration:g}s per run)",
        flush=True,
    )
    bare_result = None
    if args.bare_once:
        bare_result = bench_.measure_bare(bare_requests)
        _progress("bare endpoint", bare_result)
    for workload in runnable:
        row = rows[workload.key]
        if row.note:
            print(f"  {workload.title}: skipped ({row.note})", flush=True)
            continue
        requests = [wrk.Request(p.path, cookies.get(p.user or "", "")) for p in workload.requests]
        if workload.measure_memory:
            if not args.bare_once:
                bare_result = bench_.measure_bare(bare_requests)
                _progress("bare endpoint", bare_result)
            # Workers that served nothing else: the peak is this workload's, warm-up included.
            bench_.app_server.renew_workers(args.workers)
            with serve.PeakMemory(bench_.app_server.worker_pids()) as peak:
                bench_.prime(bench_.app_server, requests)
                row.result = bench_.measure(bench_.app_server, requests)
            row.peak_mb = peak.peak_mb
            bench_.memory_method = peak.method
            row.bare = bare_result
        else:
            rounds: list[tuple[wrk.WrkResult, wrk.WrkResult]] = []
            for _ in range(args.rounds):
                if bare_result is None or not args.bare_once:
                    bare_result = bench_.measure_bare(bare_requests)
                    _progress("bare endpoint", bare_result)
                rounds.append((bare_result, bench_.measure(bench_.app_server, requests)))
                if args.rounds > 1:
                    _progress(f"{workload.title}, round {len(rounds)}", rounds[-1][1])
            row.bare, row.result = table.median_round(rounds)
            row.round_ratios = [table.ratio(r.rate, b.rate) or 0.0 for b, r in rounds]
        if row.result.requests == 0:
            row.note = f"no answer within {args.duration:g} s: give a longer --duration"
            row.result = None
            print(f"  {workload.title}: {row.note}", flush=True)
            continue
        _progress(workload.title, row.result, f", {row.result.error_count} errors")
    bare_rows = [table.bare_row(bench_.bare_runs)] if bench_.bare_runs else []
    return [*bare_rows, *rows.values()]


def report(
    args: argparse.Namespace,
    database_url: str,
    counts: dict[str, int],
    rows: list[table.Row],
    bench_: Bench,
) -> None:
    print()
    print(
        f"{backend(database_url)}, gunicorn {args.workers} sync workers per server, wrk -c "
        f"{args.connections} -t {args.threads} -d {args.duration:g}s (closed loop); ratios to the "
        + ("bare endpoint's run" if args.bare_once else "bare endpoint's run just before")
    )
    print(table.render(rows))
    for row in rows:
        if row.note:
            print(f"  {row.title}: {row.note}")
    for row in rows:
        if len(row.round_ratios) > 1:
            print(
                f"  {row.title}: throughput × bare by round "
                + ", ".join(f"{r:.2f}" for r in row.round_ratios)
                + " (the row: the median round)"
            )
    if len(bench_.bare_runs) > 1:
        print(f"  bare endpoint over the run: {table.spread([r.rate for r in bench_.bare_runs])}")
    if any(row.peak_mb is not None for row in rows):
        print(
            f"  peak RSS: the largest of the app's workers ({bench_.memory_method}), renewed "
            f"before the workload (warm-up included); a worker holds "
            f"{table.number(bench_.start_rss_mb)} MB after starting"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "database": backend(database_url),
                    "sizes": counts,
                    "settings": {
                        "duration": args.duration,
                        "connections": args.connections,
                        "threads": args.threads,
                        "workers": args.workers,
                    },
                    "worker_start_rss_mb": bench_.start_rss_mb,
                    "rows": [_row_json(row) for row in rows],
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        print(f"Results written to {args.json}")


def _row_json(row: table.Row) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": row.key,
        "title": row.title,
        "queries": row.queries,
        "peak_mb": row.peak_mb,
        "note": row.note,
    }
    if row.result is not None:
        data["result"] = asdict(row.result) | {"rate": row.result.rate}
    if row.bare is not None:
        data["bare"] = asdict(row.bare) | {"rate": row.bare.rate}
    return data


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scratch = scratch_database(keep=args.keep_database) if args.scratch else nullcontext(None)
    with scratch as url:
        return bench(args, url or args.database_url)


if __name__ == "__main__":
    sys.exit(main())
