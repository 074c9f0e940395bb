"""Running the registered periodic tasks: once (cron, tests), or for ever as the elected
leader (``flask scheduler run``). Each task runs in the app context with its own transaction
and leaves a heartbeat row; a failing task is logged and recorded, and the others go on."""

from __future__ import annotations

import logging
import socket
import time
from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from app import request_ids
from app.clock import utcnow
from app.extensions import db
from app.scheduler.lock import LeaderLock
from app.scheduler.registry import PeriodicTask, tasks_of
from models import JobRun

log = logging.getLogger("certpath.scheduler")


def _record(job: PeriodicTask, **values: object) -> None:
    """Write the heartbeat in its own transaction, after the job's work is committed.

    Two schedulers (a standby's run-once, a cron copy) may create the row at the same moment:
    the loser's insert is undone in a savepoint and it updates the winner's row instead."""
    node = current_app.config["NODE_ID"]  # two schedulers on one machine are told apart
    values["host"] = (f"{socket.gethostname()}/{node}" if node else socket.gethostname())[:200]
    for _attempt in range(2):
        row = db.session.get(JobRun, job.name)
        if row is None:
            try:
                with db.session.begin_nested():
                    db.session.add(JobRun(job=job.name, **values))
            except IntegrityError:
                continue
        else:
            for key, value in values.items():
                setattr(row, key, value)
        db.session.commit()
        return


def run_job(app: Flask, job: PeriodicTask) -> bool:
    # A run id for its log lines and the mail it queues, as a request has (app.request_ids).
    with app.app_context(), request_ids.bound(f"job-{job.name}-{request_ids.new_id()[:12]}"[:64]):
        try:
            result = job.run()
            db.session.commit()
        except Exception as exc:  # one job's failure must not stop the others
            db.session.rollback()
            log.exception("%s failed", job.name)
            _record(
                job, last_finished_at=utcnow(), last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            return False
        now = utcnow()
        _record(
            job, last_finished_at=now, last_ok_at=now, last_result=result[:200], last_error=None
        )
        log.info("%s: %s", job.name, result)
        return True


def run_once(app: Flask) -> dict[str, bool]:
    return {job.name: run_job(app, job) for job in tasks_of(app)}


def run_forever(app: Flask, poll_seconds: int) -> None:
    """Wait as a standby until the leader lock is ours, then run every task on its interval."""
    lock = LeaderLock(app)
    announced = False
    while not lock.acquire():
        if not announced:
            log.warning("scheduler: another copy is the leader; standing by")
            print("scheduler: standby", flush=True)
            announced = True
        time.sleep(poll_seconds)
    print("scheduler: leader", flush=True)
    scheduler = BlockingScheduler(timezone=app.config["TIMEZONE"])
    start = utcnow()
    for job in tasks_of(app):
        scheduler.add_job(
            run_job,
            "interval",
            args=(app, job),
            id=job.name,
            seconds=min(job.every.total_seconds(), app.config["SCHEDULER_MAX_INTERVAL"]),
            coalesce=True,
            max_instances=1,
        )
    # Catch up at once after a start (jobs are idempotent), then keep the intervals.
    run_once(app)
    log.info("scheduler started at %s", start)
    try:
        scheduler.start()
    finally:
        lock.release()


def stale_jobs(app: Flask) -> list[str]:
    """Jobs whose last run is older than twice their interval (or the stale limit): shown to
    administrators as a warning that the scheduler is not running."""
    limit = utcnow() - timedelta(minutes=app.config["SCHEDULER_STALE_MINUTES"])
    rows = {row.job: row for row in db.session.scalars(db.select(JobRun))}
    return [
        job.name
        for job in tasks_of(app)
        if job.name not in rows or (rows[job.name].last_finished_at or limit) <= limit
    ]
