"""Whether this node can serve (``/readyz``), as a load balancer asks before sending it traffic:
its database answers, the shared rate-limit store answers, its file storage is writable; and,
for the operator, how long ago the scheduler last finished a job.

Each check is bounded (the database's probe by HEALTH_TIMEOUT_SECONDS on a connection of its
own); a failing one makes the answer 503. A late scheduler does not: the node still serves
pages, so the answer stays 200 and says "degraded" with the late jobs named.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app

from app import rate_limits, storage
from app.clock import utcnow
from app.extensions import db
from app.scheduler.runner import stale_jobs
from app.storage.local import LocalStorage
from models import JobRun

EXTENSION_KEY = "certpath.readiness"


@dataclass(frozen=True)
class Check:
    name: str
    passes: Callable[[], bool]


def register(app: Flask, name: str, passes: Callable[[], bool]) -> None:
    """Add a dependency the node cannot serve without (a feature's storage, a queue)."""
    app.extensions.setdefault(EXTENSION_KEY, []).append(Check(name, passes))


def report(database_answers: Callable[[], bool]) -> tuple[dict, int]:
    """The readiness report and its HTTP status."""
    checks = {"database": "ok" if database_answers() else "error"}
    checks["rate_limits"] = _rate_limit_storage()
    for check in current_app.extensions.get(EXTENSION_KEY, []):
        checks[check.name] = "ok" if _safely(check.passes) else "error"
    # Without the database the heartbeats cannot be read, and reading them would wait on the
    # pool the probe avoided.
    scheduler = _scheduler() if checks["database"] == "ok" else _unknown()
    failed = any(value == "error" for value in checks.values())
    status = "error" if failed else ("degraded" if scheduler["late_jobs"] else "ok")
    body = {
        "status": status,
        "checks": checks,
        "scheduler": scheduler,
        "backend": db.engine.dialect.name,
        "time": utcnow().isoformat() + "Z",
    }
    return body, 503 if failed else 200


def storage_answers() -> bool:
    """The upload store takes files: the local folder is writable (or can be made where it is
    configured); an object store answers a HEAD with this node's credentials."""
    store = storage.current()
    if isinstance(store, LocalStorage):
        return _writable(store.root)
    store.exists(".certpath-readiness")  # absent is fine; an unreachable store raises
    return True


def _writable(folder: Path) -> bool:
    path = folder
    while not path.exists() and path != path.parent:
        path = path.parent  # made on the first upload: its parent must take it
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def _rate_limit_storage() -> str:
    """'ok' for a shared store that answers, 'local' for a worker's own memory (one worker),
    'error' when the shared store does not answer."""
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return "local"
    return "ok" if _safely(lambda: bool(rate_limits.storage().check())) else "error"


def _scheduler() -> dict:
    """Seconds since a scheduler job last finished, and the jobs later than they should be
    (none has run: all of them)."""
    try:
        last = db.session.scalar(sa.select(sa.func.max(JobRun.last_finished_at)))
        late = stale_jobs(current_app._get_current_object())  # type: ignore[attr-defined]
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return _unknown()
    age = round((utcnow() - last).total_seconds()) if last else None
    return {"last_finished_seconds_ago": age, "late_jobs": late}


def _unknown() -> dict:
    return {"last_finished_seconds_ago": None, "late_jobs": []}


def _safely(passes: Callable[[], bool]) -> bool:
    try:
        return bool(passes())
    except Exception as exc:  # a probe's failure is the answer, not a 500
        current_app.logger.warning("readiness: %s", exc)
        return False
