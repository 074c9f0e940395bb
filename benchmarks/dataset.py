"""Generate a national dataset for benchmarks: the country's enterprises, their self-assessments,
certification projects in every state, audits and findings, certificates in every status with
their surveillance schedules, publicity batches — consistent with the app's state machines.

    .venv/bin/python -m benchmarks.dataset                              # scratch SQLite, 0.01
    .venv/bin/python -m benchmarks.dataset --scale 1.0 --database-url postgresql://…/db

At scale 1.0: 150,000 enterprises with three self-assessments each (450,000; ~2.6 million
score rows, ~10 million indicator rows), this year's campaign round of every province with its
quotas, a roster of ~130,000 enterprises, 30,100 projects, 71,000 audits, 300,000 findings,
20,200 certificates, 300 consultancies, ~460 weekly publicity batches, 60 evaluation bodies
(30 of them auditing the projects) with ~6,000 evaluators, their registrations, sectors and
training, and the authorities of the ~3,200 regions with enterprises: about 16 million rows
(the run prints how long each phase took). ``--scale`` multiplies every count; every state
keeps at least one object. The run is deterministic for a seed and a day (dates count back
from the start of today; password hashes are salted).

The database is migrated and the reference data loaded when missing; the tables written must
be empty (use a scratch database). Rows go in with COPY on PostgreSQL (foreign keys and
secondary indexes dropped for the load and restored, so checked once) and executemany on
SQLite, ids computed here, in one transaction: a failed run leaves nothing. What the app keeps
on every write is filled too: the name search tokens, the self-assessment score counts.

Every account's password is ``PASSWORD`` below; addresses are predictable (see
benchmarks/dataset_people.py): ``qiye{organisation id}@bench.certpath.cn`` for an enterprise's
contact, ``pingding005-1@…`` for an evaluator, ``lianmeng1@…`` for alliance staff,
``zhuguan310115-1@…`` for an authority, ``admin@…``. Documents are rows only (their files are
not written: downloading one answers 404).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "Certpath-Bench-2026"  # noqa: S105 - the published password of generated accounts
DEFAULT_SCALE = 0.01


def build_app(database_url: str) -> Any:
    from benchmarks.scripts import production_app

    # COPY of a large table runs longer than a request may.
    return production_app(
        database_url, DATABASE_STATEMENT_TIMEOUT_SECONDS=0, DATABASE_NETWORK_TIMEOUT_SECONDS=0
    )


def _tables() -> list[tuple[str, tuple[str, ...]]]:
    """Every table the generator writes, in the order foreign keys need, with its columns."""
    from benchmarks import dataset_assessments as assessments
    from benchmarks import dataset_campaigns as campaigns
    from benchmarks import dataset_certificates as certificates
    from benchmarks import dataset_diagnosis as diagnosis
    from benchmarks import dataset_documents as documents
    from benchmarks import dataset_evaluators as evaluators
    from benchmarks import dataset_findings as findings
    from benchmarks import dataset_people as people
    from benchmarks import dataset_projects as projects
    from benchmarks import dataset_publicity as publicity
    from benchmarks import dataset_reform as reform

    return [
        ("organisations", people.ORG_COLUMNS),
        ("users", people.USER_COLUMNS),
        ("campaigns", campaigns.CAMPAIGN_COLUMNS),
        ("campaign_quotas", campaigns.QUOTA_COLUMNS),
        ("roster_enterprises", campaigns.ROSTER_COLUMNS),
        ("roster_tags", campaigns.TAG_COLUMNS),
        ("assessments", assessments.ASSESSMENT_COLUMNS),
        ("assessment_scores", assessments.SCORE_COLUMNS),
        ("assessment_indicators", assessments.INDICATOR_COLUMNS),
        ("assessment_events", assessments.EVENT_COLUMNS),
        ("publicity_batches", publicity.BATCH_COLUMNS),
        ("projects", projects.PROJECT_COLUMNS),
        ("consulting_steps", projects.STEP_COLUMNS),
        ("project_events", projects.EVENT_COLUMNS),
        ("audits", findings.AUDIT_COLUMNS),
        ("audit_team_members", findings.TEAM_COLUMNS),
        ("findings", findings.FINDING_COLUMNS),
        ("corrective_actions", findings.ACTION_COLUMNS),
        ("documents", documents.DOCUMENT_COLUMNS),
        ("publicity_entries", publicity.ENTRY_COLUMNS),
        ("objections", publicity.OBJECTION_COLUMNS),
        ("certificates", certificates.CERTIFICATE_COLUMNS),
        ("certificate_events", certificates.EVENT_COLUMNS),
        ("certificate_requests", certificates.REQUEST_COLUMNS),
        ("schedule_items", certificates.ITEM_COLUMNS),
        ("body_serials", certificates.SERIAL_COLUMNS),
        ("diagnosis_engagements", diagnosis.ENGAGEMENT_COLUMNS),
        ("diagnosis_indicators", diagnosis.INDICATOR_COLUMNS),
        ("sme_level_evaluations", diagnosis.SME_COLUMNS),
        ("diagnosis_progress_reports", diagnosis.REPORT_COLUMNS),
        *reform.TABLES,
        ("evaluator_registrations", evaluators.REGISTRATION_COLUMNS),
        ("evaluator_competences", evaluators.COMPETENCE_COLUMNS),
        ("evaluator_trainings", evaluators.TRAINING_COLUMNS),
    ]


class NotEmpty(Exception):
    pass


def prepare(app: Any) -> None:
    """Migrate, load the reference data when missing, and refuse a database with data."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app.extensions import db
    from blueprints.reference.loader import load_clauses, load_industries, load_regions
    from models import Clause, Industry, Region

    with app.app_context():
        upgrade()
        if not db.session.scalar(sa.select(sa.func.count()).select_from(Region)):
            load_regions()
        if not db.session.scalar(sa.select(sa.func.count()).select_from(Industry)):
            load_industries()
        if not db.session.scalar(sa.select(sa.func.count()).select_from(Clause)):
            load_clauses()
        db.session.commit()
        for name, _columns in _tables():
            if db.session.execute(sa.text(f"SELECT 1 FROM {name} LIMIT 1")).first():  # noqa: S608 - our table names
                raise NotEmpty(
                    f"{name} already holds rows: generate into an empty (scratch) database"
                )


def generate(
    app: Any, scale: float, seed: int, say: Callable[[str], None] = print
) -> dict[str, int]:
    """Build the dataset phase by phase and write it in one transaction; returns the rows
    written per table."""
    import sqlalchemy as sa

    from app.clock import utcnow
    from app.extensions import db
    from app.security.passwords import hash_password
    from benchmarks import dataset_campaigns as campaigns
    from benchmarks import dataset_diagnosis as diagnosis
    from benchmarks import dataset_evaluators as evaluators
    from benchmarks import dataset_people as people_module
    from benchmarks import dataset_reform as reform
    from benchmarks.dataset_assessments import AssessmentWriter
    from benchmarks.dataset_certificates import CertificateWriter
    from benchmarks.dataset_certificates import plan as plan_certificates
    from benchmarks.dataset_core import Clock, Random, Rows, scaled
    from benchmarks.dataset_findings import Auditor
    from benchmarks.dataset_geography import Geography
    from benchmarks.dataset_projects import ProjectWriter, counts
    from benchmarks.dataset_publicity import Calendar
    from benchmarks.dataset_writer import Writer
    from models import Clause

    started = time.monotonic()
    with app.app_context():
        zone = ZoneInfo(app.config["TIMEZONE"])
        now_utc = utcnow()
        offset = zone.utcoffset(now_utc) or timedelta(0)
        Clock.offset = offset
        # "Now" is the start of today: everything happened before it, and a run is the same
        # for a seed all day long.
        clock = Clock(now=datetime.combine((now_utc + offset).date(), datetime.min.time()))
        rng = Random(seed)
        rows = Rows()
        tables = _tables()
        for name, columns in tables:
            rows.declare(name, columns)
        geo = Geography.load()
        clauses = (
            db.session.execute(
                sa.select(Clause.code, Clause.title)
                .where(Clause.active.is_(True))
                .order_by(Clause.sort_key)
            )
            .tuples()
            .all()
        )
        people = people_module.People(password_hash=hash_password(PASSWORD))
        db.session.close()  # done reading; on SQLite its transaction holds the write lock

        with db.engine.begin() as connection:
            writer = Writer(connection, db.metadata)
            if writer.postgres:
                connection.execute(sa.text("SET LOCAL statement_timeout = 0"))
                connection.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))

            def flush(phase: str, began: float, last: bool = False) -> float:
                """Write what the phases built so far and free it: on PostgreSQL after each
                phase (its keys are checked at the end); on SQLite, which checks each row's
                keys as it goes, all at the end, parents first."""
                built = time.monotonic()
                n = 0
                for name, columns in tables if writer.postgres or last else ():
                    table = rows.tables[name]
                    if table.rows:
                        n += writer.write(name, columns, table.rows)
                        table.rows = []
                now = time.monotonic()
                wrote = f"{n:>10,} rows written in {now - built:5.1f} s" if n else ""
                say(f"{phase:<34} built in {built - began:5.1f} s {wrote}".rstrip())
                return now

            with writer.deferred_checks([name for name, _ in tables]) as deferred:
                began = time.monotonic()
                scenarios = plan_certificates(rng, clock.today, scale)
                statuses = [s for s, n in counts(scale).items() for _ in range(n)]
                enterprises = max(scaled(150_000, scale), len(statuses) + len(scenarios) + 5)
                people_module.plan_enterprises(rng, rows, geo, people, enterprises)
                people_module.plan_authorities(rng, rows, geo, people)
                people_module.plan_parties(rng, rows, geo, people, scale)
                began = flush("authorities, bodies, consultancies", began)
                rounds = campaigns.launch(rows, geo, people, clock.today)
                listed = campaigns.roster(rng, rows, geo, people)
                campaigns.quotas(rng, rows, geo, people, rounds, listed)
                began = flush("campaigns, quotas, roster", began)
                calendar = Calendar(rng, clock, people.staff, app.config["PUBLICITY_WORKING_DAYS"])
                auditor = Auditor(rng, rows, clock, clauses)
                projects = ProjectWriter(rng, rows, clock, people, auditor, calendar).build(
                    statuses, scenarios
                )
                began = flush("projects, audits, findings", began)
                AssessmentWriter(rng, rows, clock, people, rounds).build(projects.started)
                began = flush("self-assessments", began)
                people_module.emit_enterprises(rng, rows, people, clock.now)
                began = flush("enterprises and their users", began)
                CertificateWriter(rng, rows, clock, auditor, people.staff).build(projects.certified)
                calendar.emit(rows)
                began = flush("certificates, schedules, publicity", began)
                # Last: its draws leave every earlier phase's rows as they were for a seed.
                pilot = diagnosis.build(rng, rows, geo, people, clock, scale)
                began = flush("diagnosis engagements", began)
                # After every phase that draws, for the same reason: more bodies and people.
                evaluators.build(rng, rows, geo, people, clock, scale)
                began = flush("evaluator register", began)
                # The pilot's pools and reform projects, on its engagements and the bodies.
                reform.build(rng, rows, geo, people, clock, scale, pilot)
                began = flush("pools, reform projects, subsidies", began, last=True)
            if deferred.keys:
                restored = time.monotonic() - began
                say(f"{'indexes and foreign keys restored':<34} in {restored:5.1f} s")
            writer.reset_sequences(name for name, _ in tables)
            began = time.monotonic()
            derived = rebuild_derived(connection)
            if derived:
                say(f"{'derived tables rebuilt':<34} in {time.monotonic() - began:5.1f} s")
        began = time.monotonic()
        with db.engine.connect() as connection:
            connection.execute(sa.text("ANALYZE"))
            connection.commit()
        say(f"{'analysed':<34} in {time.monotonic() - began:5.1f} s")
        db.engine.dispose()
    say(f"generated in {time.monotonic() - started:.1f} s")
    written = {name: writer.counts.get(name, 0) for name, _ in tables}
    return {**written, **derived}


def rebuild_derived(connection: Any) -> dict[str, int]:
    """Tables the app keeps from others on every flush, rebuilt from the rows written around
    the ORM: the score counts behind the self-assessment report's comparisons."""
    from sqlalchemy.orm import Session

    try:
        from blueprints.assessment import score_counts
    except ImportError:  # not in this version of the app
        return {}
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        rows = score_counts.rebuild(session)
        session.flush()
    return {"assessment_score_counts": rows}


def summary(counts: dict[str, int], seconds: float, url: str, scale: float) -> str:
    width = max(len(name) for name in counts)
    lines = [f"{'table':<{width}}  {'rows':>10}", f"{'-' * width}  {'-' * 10}"]
    lines += [f"{name:<{width}}  {n:>10,}" for name, n in counts.items()]
    lines.append(f"{'total':<{width}}  {sum(counts.values()):>10,}")
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    lines.append(
        f"scale {scale:g} on {backend}: {seconds:.1f} s; every account's password: {PASSWORD}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=DEFAULT_SCALE,
        help=f"multiplies every count (default {DEFAULT_SCALE}; 1.0: national)",
    )
    parser.add_argument("--seed", type=int, default=14, help="random seed (default 14)")
    parser.add_argument("--database-url", help="default: a scratch SQLite file, kept")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    url = args.database_url
    if url is None:
        folder = tempfile.mkdtemp(prefix="certpath-dataset-")
        url = f"sqlite:///{folder}/dataset.sqlite3"
        print(f"scratch database: {url}")
    started = time.monotonic()
    app = build_app(url)
    try:
        prepare(app)
    except NotEmpty as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    counts = generate(app, args.scale, args.seed)
    print(summary(counts, time.monotonic() - started, url, args.scale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
