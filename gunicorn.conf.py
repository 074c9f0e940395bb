"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Environment: ``CERTPATH_BIND`` (default 127.0.0.1:8000, behind the reverse proxy),
``WEB_CONCURRENCY`` (worker processes, default 2 × CPUs + 1 as gunicorn's docs advise),
``CERTPATH_ACCESS_LOG`` (a file, or ``-`` for standard output: the default),
``PROMETHEUS_MULTIPROC_DIR`` (an empty folder of the workers' metrics, for /metrics to add up).
"""

import multiprocessing
import os
from pathlib import Path

import gunicorn
import gunicorn.http.wsgi

from app.config import from_environment

bind = os.environ.get("CERTPATH_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
accesslog = os.environ.get("CERTPATH_ACCESS_LOG", "-")
# gunicorn's default line, and the request id the app answered with (app/request_ids.py).
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
)
# Above the worst wait for a silent database with the default settings (README: "When the
# database or the mail server stops answering"): the app answers 503 before gunicorn kills it.
timeout = 60
errorlog = "-"

# No banner. gunicorn writes "Server: <gunicorn.SERVER>" on every response and has no setting
# for it (benoitc/gunicorn#825); its HTTP/1 Response reads the name that gunicorn.http.wsgi
# imported from the package, so both are blanked. The header stays, empty: it names no
# software and no version for a scanner to match against known vulnerabilities. This file is
# read by the master before it forks, so every worker inherits the blank.
gunicorn.SERVER = ""
gunicorn.http.wsgi.SERVER = ""


def on_starting(server) -> None:
    _fresh_metrics_folder()
    _refuse_per_worker_limits(server)


def child_exit(server, worker) -> None:
    """A dead worker's gauges leave the scrape (its counters stay: they were counted)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def _fresh_metrics_folder() -> None:
    """The workers' metric files of a previous run would be added to this run's."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()


def _refuse_per_worker_limits(server) -> None:
    """Refuse a production start whose workers would each count the rate limits alone: with
    memory:// storage and N workers, the public pages would take N times their limit."""
    settings = from_environment(os.environ)
    storage = settings.get("RATELIMIT_STORAGE_URI", "memory://")
    if settings.get("ENV") == "production" and server.cfg.workers > 1 and storage == "memory://":
        raise SystemExit(
            "certpath: with more than one worker, rate limits need shared storage: set "
            "CERTPATH_RATELIMIT_STORAGE_URI=redis://host:6379/0 (or run one worker)"
        )
