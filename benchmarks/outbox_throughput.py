"""How fast does the outbox empty into an SMTP server?

Queues N messages (a rendered password-reset email with a small calendar attachment, each
with its own recipient and dedup key) and runs the dispatcher the way the scheduler does —
`dispatch_due()` once per tick, in an app context of its own, with the configured budget and
batch — against an aiosmtpd server on loopback, until the queue is empty. The server runs in
a process of its own (as a real MTA would), so it does not take the GIL from the dispatcher.
Prints each run, the total time and messages per second, and checks that every message
arrived exactly once. Goal (issue 14): ≥ 100 msg/s sustained, 5,000 messages within 2 minutes.

    .venv/bin/python -m benchmarks.outbox_throughput                 # scratch SQLite, N = 5000
    .venv/bin/python -m benchmarks.outbox_throughput -n 20000 --batch 500 \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_scratch

The database given is migrated, and its outbox rows with a ``bench:`` key are deleted first
(PostgreSQL: use a scratch database). Queueing is timed apart and not counted in the rate.
Not a CI test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import socket
import sys
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app.clock import utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.mail.dispatcher import dispatch_due  # noqa: E402
from app.mail.outbox import render_email  # noqa: E402
from benchmarks.scripts import production_app  # noqa: E402
from models import OutboxMessage, OutboxStatus  # noqa: E402

GOAL_PER_SECOND = 100.0
KEY_PREFIX = "bench:"
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Certpath//benchmark//EN\r\nBEGIN:VEVENT\r\n"
    "UID:bench@certpath\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:Surveillance due\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


# --- the SMTP server, in a process of its own ---------------------------------------------------


class _Counting:
    """Counts the Message-ID of every message accepted (headers only: no MIME parsing)."""

    def __init__(self) -> None:
        self.ids: Counter[bytes] = Counter()

    async def handle_DATA(self, server, session, envelope):
        header_end = envelope.original_content.find(b"\r\n\r\n")
        match = MESSAGE_ID.search(envelope.original_content, 0, header_end)
        self.ids[match.group(1) if match else b"?"] += 1
        return "250 OK"


def _serve(port: int, pipe: Connection) -> None:
    """Child process: serve until told to stop, then send back the Message-ID counts."""
    handler = _Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    pipe.send("ready")
    pipe.recv()  # "stop"
    controller.stop()
    pipe.send({key.decode(): count for key, count in handler.ids.items()})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the application side -------------------------------------------------------------------------


def build_app(database_url: str, upload_folder: str, port: int, budget: int | None, batch: int):
    settings: dict = {"UPLOAD_FOLDER": upload_folder, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
    if budget is not None:
        settings["MAIL_DISPATCH_BUDGET_SECONDS"] = budget
    if batch:
        settings["MAIL_DISPATCH_BATCH"] = batch
    return production_app(database_url, **settings)


def prepare(app, n: int) -> float:
    """Migrate, empty the benchmark's rows, queue N messages; seconds spent queueing."""
    with app.app_context():
        upgrade()
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.dedup_key.like("bench:%")))
        db.session.commit()
    started = time.perf_counter()
    with app.test_request_context():
        user = SimpleNamespace(name="基准测试", organisation=None)
        rendered = {
            locale: render_email(
                "reset", locale, user=user, link="https://certpath.example/reset/benchmark"
            )
            for locale in ("zh", "en")
        }
        attachments = [{"filename": "due.ics", "content_type": "text/calendar", "content": ICS}]
        now = utcnow()
        chunk = 1000
        for first in range(0, n, chunk):
            rows = []
            for number in range(first, min(first + chunk, n)):
                locale = "zh" if number % 4 else "en"
                subject, text, html = rendered[locale]
                rows.append(
                    {
                        "dedup_key": f"{KEY_PREFIX}{number}",
                        "recipient": f"bench-{number}@example.com",
                        "subject": subject,
                        "body_text": text,
                        "body_html": html,
                        "attachments": attachments,
                        "locale": locale,
                        "status": OutboxStatus.PENDING,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                )
            db.session.execute(sa.insert(OutboxMessage), rows)
        db.session.commit()
    return time.perf_counter() - started


def drain(app, max_runs: int) -> tuple[list[tuple[int, int, int, int, float]], float]:
    """Dispatch runs, each in an app context of its own, until nothing is left."""
    runs = []
    started = time.perf_counter()
    for _ in range(max_runs):
        run_started = time.perf_counter()
        with app.app_context():
            result = dispatch_due()
        elapsed = time.perf_counter() - run_started
        runs.append((result.sent, result.retried, result.dead, result.deferred, elapsed))
        print(
            f"  run {len(runs)}: sent {result.sent}, retry {result.retried}, dead {result.dead},"
            f" left {result.deferred}  in {elapsed:6.2f} s"
            f"  ({result.sent / elapsed if elapsed else 0:7.1f} msg/s)",
            flush=True,
        )
        if not result.deferred:
            break
    return runs, time.perf_counter() - started


def check(app, received: dict[str, int], n: int) -> bool:
    with app.app_context():
        statuses = Counter(
            status
            for (status,) in db.session.execute(
                sa.select(OutboxMessage.status).where(OutboxMessage.dedup_key.like("bench:%"))
            )
        )
        expected = {
            row.message_id_header
            for row in db.session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.dedup_key.like("bench:%"))
            )
        }
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    ok = set(received) == expected and not duplicates and statuses == {OutboxStatus.SENT: n}
    print(
        f"received {len(received)} distinct Message-IDs of {n}, {duplicates} duplicates;"
        f" rows: {', '.join(f'{s.value} {c}' for s, c in statuses.items())}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("-n", type=int, default=5000, help="messages (default 5000)")
    parser.add_argument("--database-url", help="default: a scratch SQLite file")
    parser.add_argument("--batch", type=int, default=0, help="MAIL_DISPATCH_BATCH (default: app's)")
    parser.add_argument(
        "--budget", type=int, help="MAIL_DISPATCH_BUDGET_SECONDS per run (default: the app's)"
    )
    parser.add_argument("--max-runs", type=int, default=100, help="give up after this many runs")
    parser.add_argument(
        "--goal", type=float, default=GOAL_PER_SECOND, help="acceptance in msg/s (default 100)"
    )
    args = parser.parse_args(argv)

    port = free_port()
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(port, theirs))
    server.start()
    try:
        if not ours.poll(30) or ours.recv() != "ready":
            raise SystemExit("the SMTP server did not start")
        with tempfile.TemporaryDirectory(prefix="certpath-bench-") as scratch:
            url = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
            app = build_app(url, str(Path(scratch) / "uploads"), port, args.budget, args.batch)
            print(
                f"{url.split('://')[0]}: {args.n} messages, batch"
                f" {app.config['MAIL_DISPATCH_BATCH']}, budget"
                f" {app.config['MAIL_DISPATCH_BUDGET_SECONDS']} s per run"
            )
            queued = prepare(app, args.n)
            print(f"queued in {queued:.1f} s")
            runs, total = drain(app, args.max_runs)
            ours.send("stop")
            received = ours.recv()
            delivered = check(app, received, args.n)
            with app.app_context():
                db.engine.dispose()
    finally:
        server.join(timeout=30)
        if server.is_alive():
            server.terminate()
    sent = sum(run[0] for run in runs)
    rate = sent / total if total else 0.0
    print(f"sent {sent} in {total:.1f} s over {len(runs)} run(s): {rate:.1f} msg/s")
    ok = delivered and rate >= args.goal
    print(f"{'PASS' if ok else 'FAIL'}: every message once, ≥ {args.goal:g} msg/s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
