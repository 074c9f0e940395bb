"""How long does the hourly reminder planning take on a national fleet, and how many statements?

Bulk-creates N live certificates (default 20,000), of which D (default 8,000) have something
falling due inside the reminder window today — three in four a surveillance evaluation within
90 days, one in four the recertification within 180 days — and the rest nothing before the
horizon. Each certificate has its own enterprise with one administrator (every fifth reads
English) and a project led by one of the evaluators of ten evaluation bodies, so every
certificate due gets two reminders. Then it runs ``plan_reminders`` twice, as the scheduler
does (the job, then the commit): the first run queues the reminders and their in-app
notifications, the rerun finds nothing new. Prints for each run the seconds (and the CPU
seconds of this process: rendering is most of a first run, so on a busy machine the wall
time says more about the neighbours), the statements (savepoints apart) and the rows written.

    .venv/bin/python -m benchmarks.reminder_planning                  # scratch SQLite
    .venv/bin/python -m benchmarks.reminder_planning -n 200000 --due 8000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/certpath_bench --reset

The database given is migrated and filled (PostgreSQL: use a scratch database; ``--reset``
empties it first, dropping every table of its public schema). The rows are minimal but valid
(foreign keys, check constraints, unique numbers) and go in by multi-row INSERTs, not through
the services. Goal (issue 14): the national first run (~8,000 reminders) in at most 10 s on
PostgreSQL, and a rerun with nothing new in a few statements. Not a CI test: timings depend on
the machine.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from dateutil.relativedelta import relativedelta  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app.clock import local_today  # noqa: E402
from app.extensions import db  # noqa: E402
from app.security.passwords import hash_password  # noqa: E402
from benchmarks.scripts import credit_code, insert, production_app, reset  # noqa: E402
from blueprints.reference.loader import load_regions  # noqa: E402
from blueprints.surveillance.reminders import plan_reminders  # noqa: E402
from models import (  # noqa: E402
    Certificate,
    CertificateStatus,
    Notification,
    Organisation,
    OrgKind,
    OutboxMessage,
    Project,
    ProjectStatus,
    Role,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
    User,
)

BODIES = 10
EVALUATORS_PER_BODY = 5
REGION = "310115"  # 上海市浦东新区


def build_app(database_url: str, upload_folder: str) -> Flask:
    # A national first run takes longer than a request may.
    return production_app(
        database_url, UPLOAD_FOLDER=upload_folder, DATABASE_STATEMENT_TIMEOUT_SECONDS=0
    )


def fill(n: int, due: int, today: date) -> None:
    """N certificates, D of them with an item in the reminder window today (see the docstring)."""
    # One hash for everyone: nobody signs in, recipients only need to have finished signing up.
    password_hash = hash_password(secrets.token_urlsafe(16))
    bodies = [
        {"kind": OrgKind.EVALUATION_BODY, "name": f"基准评定机构{b}", "body_code": f"{901 + b}"}
        for b in range(BODIES)
    ]
    insert(Organisation, bodies)
    body_ids = list(
        db.session.scalars(
            sa.select(Organisation.id)
            .where(Organisation.kind == OrgKind.EVALUATION_BODY)
            .order_by(Organisation.id)
        )
    )
    insert(
        User,
        [
            {
                "email": f"evaluator{b}-{e}@bench.example.cn",
                "name": f"评定员{b}-{e}",
                "password_hash": password_hash,
                "organisation_id": body_id,
                "role": Role.EVALUATOR,
                "is_org_admin": e == 0,
                "locale": "zh",
            }
            for b, body_id in enumerate(body_ids)
            for e in range(EVALUATORS_PER_BODY)
        ],
    )
    evaluators: dict[int, list[int]] = {}
    for user_id, org_id in db.session.execute(
        sa.select(User.id, User.organisation_id)
        .where(User.organisation_id.in_(body_ids))
        .order_by(User.id)
    ):
        evaluators.setdefault(org_id, []).append(user_id)

    insert(
        Organisation,
        [
            {
                "kind": OrgKind.ENTERPRISE,
                "name": f"基准制造有限公司{i:06d}",
                "credit_code": credit_code(REGION, i),
                "region_code": REGION,
                "address": f"上海市浦东新区基准路 {i} 号",
            }
            for i in range(n)
        ],
    )
    enterprises = list(
        db.session.scalars(
            sa.select(Organisation.id)
            .where(Organisation.kind == OrgKind.ENTERPRISE)
            .order_by(Organisation.id)
        )
    )
    insert(
        User,
        [
            {
                "email": f"contact{i}@bench.example.cn",
                "name": f"联系人{i}",
                "password_hash": password_hash,
                "organisation_id": org_id,
                "role": Role.ENTERPRISE,
                "is_org_admin": True,
                "locale": "en" if i % 5 == 0 else "zh",
            }
            for i, org_id in enumerate(enterprises)
        ],
    )
    insert(
        Project,
        [
            {
                "organisation_id": org_id,
                "status": ProjectStatus.CERTIFIED,
                "scope": "精密装备研发与生产",
                "capabilities": ["数据驱动的精益生产管控能力"],
                "body_id": body_ids[i % BODIES],
                "lead_evaluator_id": evaluators[body_ids[i % BODIES]][
                    (i // BODIES) % EVALUATORS_PER_BODY
                ],
            }
            for i, org_id in enumerate(enterprises)
        ],
    )
    projects = list(db.session.scalars(sa.select(Project.id).order_by(Project.id)))

    certificates, effective = [], []
    for i, (org_id, project_id) in enumerate(zip(enterprises, projects, strict=True)):
        if i < due and i % 4 != 3:  # a surveillance due within 90 days
            first = today + timedelta(days=i % 91)
            effective_on = first - relativedelta(months=12)
        elif i < due:  # the recertification due within 180 days
            expires = today + timedelta(days=i % 181)
            effective_on = expires - relativedelta(years=3)
        else:  # issued in the last half year: nothing due before the horizon
            effective_on = today - timedelta(days=1 + i % 180)
        effective.append(effective_on)
        body = i % BODIES
        certificates.append(
            {
                "number": f"CSAIII-{901 + body}{effective_on.year % 100:02d}IIIMS"
                f"{i // BODIES + 1:05d}01",
                "body_id": body_ids[body],
                "serial": i // BODIES + 1,
                "issue_no": 1,
                "project_id": project_id,
                "organisation_id": org_id,
                "enterprise_name": f"基准制造有限公司{i:06d}",
                "address": f"上海市浦东新区基准路 {i} 号",
                "region_code": REGION,
                "capabilities": ["数据驱动的精益生产管控能力"],
                "scope": f"位于上海市浦东新区基准路 {i} 号的基准制造有限公司{i:06d}，"
                "与数据驱动的精益生产管控能力相关的两化融合管理活动。",
                "effective_on": effective_on,
                "expires_on": effective_on + relativedelta(years=3),
                "status": CertificateStatus.VALID,
            }
        )
    insert(Certificate, certificates)
    certificate_ids = list(db.session.scalars(sa.select(Certificate.id).order_by(Certificate.id)))

    items = []
    for i, (certificate_id, effective_on) in enumerate(
        zip(certificate_ids, effective, strict=True)
    ):
        recertification_due = i < due and i % 4 == 3
        done = ScheduleStatus.DONE if recertification_due else ScheduleStatus.OPEN
        recertification = effective_on + relativedelta(years=3)
        for kind, due_on, status in (
            (ScheduleKind.SURVEILLANCE_1, effective_on + relativedelta(months=12), done),
            (ScheduleKind.SURVEILLANCE_2, effective_on + relativedelta(months=24), done),
            (ScheduleKind.RECERTIFICATION, recertification, ScheduleStatus.OPEN),
        ):
            items.append(
                {
                    "certificate_id": certificate_id,
                    "kind": kind,
                    "due_on": due_on,
                    "status": status,
                    "completed_on": (
                        due_on - timedelta(days=30) if status == ScheduleStatus.DONE else None
                    ),
                }
            )
    insert(ScheduleItem, items)
    db.session.commit()


class Counter:
    def __init__(self) -> None:
        self.statements = 0
        self.savepoints = 0

    def __call__(self, _conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.savepoints += 1
        else:
            self.statements += 1


def count_rows(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def run(app: Flask, label: str) -> None:
    """One planning run as the scheduler makes it: the job in an app context, then commit."""
    with app.app_context():
        outbox, notices = count_rows(OutboxMessage), count_rows(Notification)
        db.session.commit()
        counter = Counter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        started, cpu = time.perf_counter(), time.process_time()
        try:
            queued = plan_reminders()
            db.session.commit()
        finally:
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            sa.event.remove(db.engine, "before_cursor_execute", counter)
        outbox, notices = count_rows(OutboxMessage) - outbox, count_rows(Notification) - notices
    print(
        f"{label:>9}: {elapsed:7.2f} s ({cpu:6.2f} s CPU here)  {queued:6d} reminders queued  "
        f"{counter.statements:7d} statements  {counter.savepoints:6d} savepoint statements  "
        f"(+{outbox} outbox rows, +{notices} notifications)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=20_000, help="live certificates (default 20000)")
    parser.add_argument("--due", type=int, default=8_000, help="of them due now (default 8000)")
    parser.add_argument("--database-url", help="default: a scratch SQLite file")
    parser.add_argument(
        "--reset", action="store_true", help="empty the database first (drops its tables)"
    )
    args = parser.parse_args(argv)
    if not 0 <= args.due <= args.n:
        parser.error("--due must lie between 0 and -n")

    with tempfile.TemporaryDirectory(prefix="certpath-bench-") as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
        if args.reset:
            reset(url)
        app = build_app(url, str(Path(scratch) / "uploads"))
        with app.app_context():
            upgrade()
            if count_rows(Certificate):
                raise SystemExit(f"{url} already holds certificates: give --reset or another one")
            started = time.perf_counter()
            load_regions()
            fill(args.n, args.due, local_today())
            print(
                f"{args.n} live certificates, {args.due} with something due: "
                f"created in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})"
            )
        run(app, "first run")
        run(app, "rerun")
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
