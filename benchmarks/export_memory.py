"""How much memory and time does each Excel export take in a worker?

Fills a database with N enterprises (default 20,000), each with a submitted self-assessment of
this year and its score rows, plus one measured enterprise with three years of history and its
administrator. Then runs each export in a fresh Python process, as a worker would serve it:
the app is created, the administrator signs in (through ``/login``, Argon2 and all), and only
then is the peak resident set reset (``/proc/self/clear_refs``), so that what is printed is the
peak while the export runs, not what starting the app or hashing the password touched:

- ``report-xlsx-zh``, ``report-xlsx-en``: ``/assessments/<id>/report.xlsx`` through the real
  route (permission check, report data, comparisons, workbook, response body read to the end
  as a WSGI server would);
- ``report-pdf``: the PDF of the same report, for reference;
- ``rows-xlsx``: the streaming workbook writer of ``app/excel.py`` fed every
  assessment of the year (N rows: enterprise, credit code, region, industry, year, status,
  total, stage, submission time) from one query read in chunks, as the lists' Excel exports
  read theirs (``-n 100000``: what an export of 100,000 rows costs a worker).

Each export runs twice in its process (cold, then warm). Printed per export: the file's size,
the resident set before the export, each run's time and peak resident set (and how much the
run added to what the worker held before it; the time as wall clock and as this process's CPU
time, which a busy machine disturbs less), and the highest resident set of the whole
process, app start and sign-in included. Goal (issue 14): under 100 MB for the report and for
a 20,000-row export. The run passes when no export adds more than ``--limit-mb`` to the
worker; what the worker holds before any export (about 185 MB at the time of writing: the
libraries and data every worker imports) is printed beside it, for it is no export's doing.

    .venv/bin/python -m benchmarks.export_memory                  # scratch SQLite, N = 20,000
    .venv/bin/python -m benchmarks.export_memory -n 150000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/certpath_bench --reset

The database given is migrated and filled (PostgreSQL: use a scratch database; ``--reset``
empties it first, dropping every table of its public schema). Rows go in by multi-row
INSERTs, not through the services; the comparison counts are rebuilt afterwards with
``flask assessment recount``. Linux only (``/proc``). Not a CI test: figures depend on the
machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask_babel import force_locale  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import excel as exports  # noqa: E402
from app.clock import local_today, utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.security.passwords import hash_password  # noqa: E402
from benchmarks.scripts import credit_code, insert, production_app, reset  # noqa: E402
from blueprints.assessment.questionnaire import load_all  # noqa: E402
from blueprints.assessment.scoring import score  # noqa: E402
from blueprints.reference.loader import load_industries, load_regions  # noqa: E402
from models import (  # noqa: E402
    TOTAL_KEY,
    Assessment,
    AssessmentScore,
    AssessmentStatus,
    EnterpriseSize,
    Organisation,
    OrgKind,
    Region,
    RegionLevel,
    Role,
    User,
)

EMAIL = "export-admin@bench.example.cn"
PASSWORD = "Benchmark-Export-Password-7"  # noqa: S105 (a scratch database's only account)
QUESTIONNAIRE = "discrete-2026"
HOME = "310115"  # 上海市浦东新区: the measured enterprise, and one peer in five
WORKLOADS = ("report-xlsx-zh", "report-xlsx-en", "report-pdf", "rows-xlsx")
RUNS = ("cold", "warm")


def build_app(database_url: str, upload_folder: str) -> Flask:
    return production_app(
        database_url,
        UPLOAD_FOLDER=upload_folder,
        WTF_CSRF_ENABLED=False,  # one POST to sign in, no form page to fetch first
        DATABASE_STATEMENT_TIMEOUT_SECONDS=0,  # filling takes longer than a request
    )


# --------------------------------------------------------------------------- the data


def answers(rng: random.Random) -> dict:
    """Typed answers to every question of the questionnaire, as a submitted form leaves them."""
    result: dict = {}
    for question in load_all()[QUESTIONNAIRE].questions:
        options = [o.key for o in question.options or ()]
        if question.type == "single":
            result[question.key] = rng.choice(options)
        elif question.type == "multiple":
            result[question.key] = rng.sample(options, rng.randint(1, len(options)))
        elif question.type == "yes_no":
            result[question.key] = rng.random() < 0.6
        elif question.type == "text":
            result[question.key] = "已按要求填写，详见附件。"
        elif question.type == "percentage":
            result[question.key] = rng.randint(0, 100)
        else:
            result[question.key] = rng.randint(10, 50)
    for question in load_all()[QUESTIONNAIRE].questions:
        if question.not_greater_than:  # e.g. CNC key processes ≤ key processes
            other = result[question.not_greater_than]
            result[question.key] = min(result[question.key], other)
    return result


def fill(n: int) -> int:
    """N peer enterprises with this year's assessment, and the measured one; returns its
    assessment id."""
    rng = random.Random(14)  # noqa: S311 (the same data on every run)
    year = local_today().year
    questionnaire = load_all()[QUESTIONNAIRE]
    dimensions = [d.key for d in questionnaire.dimensions]
    divisions = [c for c in questionnaire.industries if c.isdigit()]
    counties = list(
        db.session.scalars(
            sa.select(Region.code).where(Region.level == RegionLevel.COUNTY).order_by(Region.code)
        )
    )
    shanghai = [c for c in counties if c.startswith("31")]
    submitted = [AssessmentStatus.APPROVED, AssessmentStatus.AWAITING_CITY]
    now = utcnow()

    orgs, regions = [], []
    for i in range(n):
        region = rng.choice(shanghai) if i % 5 == 0 else rng.choice(counties)
        regions.append(region)
        orgs.append(
            {
                "kind": OrgKind.ENTERPRISE,
                "name": f"基准{('精密', '智能', '机械', '化工', '电子')[i % 5]}制造有限公司{i:06d}",
                "credit_code": credit_code(region, i),
                "region_code": region,
                "industry_code": rng.choice(divisions),
                "size": EnterpriseSize.MEDIUM,
                "address": f"基准路 {i} 号",
            }
        )
    insert(Organisation, orgs)
    ids = list(
        db.session.scalars(
            sa.select(Organisation.id)
            .where(Organisation.kind == OrgKind.ENTERPRISE)
            .order_by(Organisation.id)
        )
    )
    rows = []
    for i, (org_id, org) in enumerate(zip(ids, orgs, strict=True)):
        rows.append(
            {
                "organisation_id": org_id,
                "year": year,
                "questionnaire_id": QUESTIONNAIRE,
                "questionnaire_version": 1,
                "status": submitted[i % 2],
                "answers": {},
                "region_code": regions[i],
                "industry_code": org["industry_code"],
                "total": round(rng.uniform(20, 95), 1),
                "stage": "coverage",
                "submitted_at": now - timedelta(minutes=i),
            }
        )
    insert(Assessment, rows)
    assessment_ids = list(db.session.scalars(sa.select(Assessment.id).order_by(Assessment.id)))
    scores = [
        {"assessment_id": a, "dimension": d, "score": round(rng.uniform(10, 100), 1)}
        for a, row in zip(assessment_ids, rows, strict=True)
        for d in [*dimensions, TOTAL_KEY]
        if d != TOTAL_KEY or row["total"] is not None
    ]
    insert(AssessmentScore, scores)

    # The measured enterprise: three years of submitted assessments, scored from answers.
    home = Organisation(
        kind=OrgKind.ENTERPRISE,
        name="上海智造精密装备有限公司",
        credit_code=credit_code(HOME, n + 1),
        region_code=HOME,
        industry_code="34",
        size=EnterpriseSize.MEDIUM,
        address="上海市浦东新区基准路 1 号",
    )
    db.session.add(home)
    db.session.add(
        User(
            email=EMAIL,
            name="基准管理员",
            role=Role.ENTERPRISE,
            organisation=home,
            is_org_admin=True,
            password_hash=hash_password(PASSWORD),
            email_verified_at=now,
            locale="zh",
        )
    )
    measured = None
    for back in (2, 1, 0):
        given = answers(rng)
        result = score(questionnaire, given)
        measured = Assessment(
            organisation=home,
            year=year - back,
            questionnaire_id=QUESTIONNAIRE,
            questionnaire_version=1,
            status=AssessmentStatus.APPROVED,
            answers=given,
            region_code=HOME,
            industry_code="34",
            total=result.total,
            stage=result.stage,
            submitted_at=now - timedelta(days=365 * back),
        )
        rows_ = {**result.dimensions, TOTAL_KEY: result.total}
        measured.scores = [AssessmentScore(dimension=k, score=v) for k, v in rows_.items()]
        db.session.add(measured)
    db.session.commit()
    assert measured is not None
    return measured.id


def prepare(app: Flask, n: int) -> int:
    with app.app_context():
        upgrade()
        if db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)):
            raise SystemExit("the database already holds assessments: give --reset or another")
        started = time.perf_counter()
        load_regions()
        load_industries()
        db.session.commit()
        assessment_id = fill(n)
    # The reports compare against counts that a bulk load leaves behind; the command that
    # rebuilds them belongs to the app (absent: the comparisons read the score rows).
    result = app.test_cli_runner().invoke(args=["assessment", "recount"])
    recount = result.output.strip() if result.exit_code == 0 else "no recount command"
    with app.app_context():
        dialect = db.engine.dialect.name
        db.engine.dispose()
    print(
        f"{n} enterprises with an assessment of this year: created in "
        f"{time.perf_counter() - started:.1f} s ({dialect}; {recount})"
    )
    return assessment_id


# --------------------------------------------------------------------------- one export


def memory() -> dict[str, float]:
    """This process's resident set and its peak, in MB."""
    status = Path("/proc/self/status").read_text()
    return {
        key: int(match[1]) / 1024
        for key in ("VmRSS", "VmHWM")
        if (match := re.search(rf"^{key}:\s+(\d+) kB", status, re.M))
    }


def reset_peak() -> None:
    """From now on, VmHWM is the peak of what follows (Linux ≥ 4.0)."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")


def rows_export(app: Flask, year: int) -> int:
    """Every assessment of ``year`` through the streaming writer, read in chunks; the size."""
    query = (
        sa.select(
            Organisation.name,
            Organisation.credit_code,
            Assessment.region_code,
            Assessment.industry_code,
            Assessment.year,
            Assessment.status,
            Assessment.total,
            Assessment.stage,
            Assessment.submitted_at,
        )
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(Assessment.year == year)
        .order_by(Assessment.id)
        .execution_options(yield_per=1_000)
    )
    header = [
        "企业",
        "统一社会信用代码",
        "地区",
        "行业",
        "年度",
        "状态",
        "总分",
        "阶段",
        "提交时间",
    ]
    with app.test_request_context(), force_locale("zh"):
        result = db.session.execute(query)
        rows = ((*row[:5], row.status.title, *row[6:]) for row in result)
        sheet = exports.Sheet("自评估", header, rows, {6: "0.0", 8: "yyyy-mm-dd hh:mm"})
        with tempfile.SpooledTemporaryFile(max_size=exports.SPOOL_MAX) as out:
            exports.write_xlsx([sheet], out, title="自评估")
            return out.tell()


def child(workload: str, database_url: str, assessment_id: int) -> None:
    """Run in a fresh process: start, sign in, then the export twice; JSON on stdout."""
    with tempfile.TemporaryDirectory(prefix="certpath-bench-") as scratch:
        app = build_app(database_url, scratch)
        client = app.test_client()
        signed_in = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
        if signed_in.status_code != 302:
            raise SystemExit(f"sign-in failed: {signed_in.status_code}")
        with app.app_context():
            year = db.session.scalar(sa.select(Assessment.year).filter_by(id=assessment_id))
        found: dict[str, float] = {"start": memory()["VmHWM"]}
        kind = "pdf" if workload == "report-pdf" else "xlsx"
        lang = "en" if workload.endswith("-en") else "zh"
        url = f"/assessments/{assessment_id}/report.{kind}?lang={lang}"
        for run in RUNS:
            reset_peak()
            before = memory()["VmRSS"]
            started, cpu = time.perf_counter(), time.process_time()
            if workload == "rows-xlsx":
                size = rows_export(app, year)
            else:
                response = client.get(url, buffered=False)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: {response.status_code}")
                size = sum(len(chunk) for chunk in response.response)  # what a server sends
                response.close()
            found[f"{run}_s"] = time.perf_counter() - started
            found[f"{run}_cpu"] = time.process_time() - cpu
            found[f"{run}_peak"] = memory()["VmHWM"]
            found[f"{run}_before"] = before
            found["size"] = size
        with app.app_context():
            db.engine.dispose()
    print(json.dumps(found))


def measure(workload: str, database_url: str, assessment_id: int) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.export_memory", "--child", workload]
    command += ["--database-url", database_url, "--assessment", str(assessment_id)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"{workload} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(workload: str, found: dict[str, float]) -> float:
    """Print one export's figures; returns the most it added to the worker's resident set."""
    parts = [f"{workload:>14}: {found['size'] / 1024:6.0f} KiB"]
    parts.append(f"RSS before {found['cold_before']:4.0f} MB")
    added = 0.0
    for run in RUNS:
        peak, grew = found[f"{run}_peak"], found[f"{run}_peak"] - found[f"{run}_before"]
        added = max(added, grew)
        ms, cpu = found[f"{run}_s"] * 1000, found[f"{run}_cpu"] * 1000
        parts.append(f"{run}: {ms:5.0f} ms ({cpu:5.0f} CPU), peak {peak:4.0f} MB (+{grew:5.1f})")
    parts.append(f"process peak {found['start']:4.0f} MB")
    print("  ".join(parts))
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=20_000, help="enterprises (default 20000)")
    parser.add_argument("--database-url", help="default: a scratch SQLite file")
    parser.add_argument(
        "--reset", action="store_true", help="empty the database first (drops its tables)"
    )
    parser.add_argument("--only", choices=WORKLOADS, action="append", help="these exports only")
    parser.add_argument(
        "--limit-mb",
        type=float,
        default=100.0,
        help="acceptance: what an export may add to the worker's resident set (default 100)",
    )
    parser.add_argument("--child", choices=WORKLOADS, help=argparse.SUPPRESS)
    parser.add_argument("--assessment", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.database_url, args.assessment)
        return 0
    if not os.path.exists("/proc/self/clear_refs"):
        raise SystemExit("needs Linux: the peaks are read from /proc/self/status")

    with tempfile.TemporaryDirectory(prefix="certpath-bench-") as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
        if args.reset:
            reset(url)
        assessment_id = prepare(build_app(url, str(Path(scratch) / "uploads")), args.n)
        added, before = 0.0, 0.0
        for workload in args.only or WORKLOADS:
            found = measure(workload, url, assessment_id)
            added = max(added, report(workload, found))
            before = max(before, found["cold_before"])
    ok = added <= args.limit_mb
    print(
        f"{'PASS' if ok else 'FAIL'}: each export adds at most {added:.1f} MB to the worker's "
        f"resident set (limit {args.limit_mb:g} MB); the worker holds up to {before:.0f} MB "
        "before any export (app start), which no export changes"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
