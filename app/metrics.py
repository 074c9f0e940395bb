"""Prometheus metrics at ``/metrics``: request latency by endpoint, the outbox's depth and the
age of its oldest waiting message, each scheduler job's last success and duration.

Latency is counted in each worker process; under gunicorn, set ``PROMETHEUS_MULTIPROC_DIR`` to
an empty folder (gunicorn.conf.py clears it at start and forgets dead workers), and a scrape
adds up every worker's. The outbox and the jobs are read from the database when scraped, so
any node answers for the whole deployment and the scheduler process serves nothing.

Not for the public: answered only to addresses in ``METRICS_ALLOWED_NETWORKS`` or with
``Authorization: Bearer <METRICS_TOKEN>``; anyone else gets the same 404 as an unknown page.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from app.clock import utcnow
from app.extensions import db
from app.security.permissions import public
from models import JobRun, OutboxMessage, OutboxStatus

# The process's own registry: the default one would also export this process's CPU and
# memory, which mean little summed over gunicorn's workers.
REGISTRY = CollectorRegistry(auto_describe=True)
REQUEST_SECONDS = Histogram(
    "certpath_request_seconds",
    "Time to answer a request, by endpoint, method and status class.",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
_WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


class DatabaseCollector(Collector):
    """What the deployment as a whole is doing, read in two queries when scraped."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self.app.app_context():
            now = utcnow()
            by_status = GaugeMetricFamily(
                "certpath_outbox_messages", "Messages in the outbox, by status.", labels=["status"]
            )
            oldest = GaugeMetricFamily(
                "certpath_outbox_oldest_waiting_seconds",
                "Age of the oldest message not yet sent (0 when none waits).",
            )
            waiting_since = None
            for status, count, first in db.session.execute(
                sa.select(
                    OutboxMessage.status, sa.func.count(), sa.func.min(OutboxMessage.created_at)
                ).group_by(OutboxMessage.status)
            ):
                by_status.add_metric([status.value], count)
                if status in _WAITING and first is not None:
                    waiting_since = min(first, waiting_since or first)
            oldest.add_metric([], (now - waiting_since).total_seconds() if waiting_since else 0)
            yield by_status
            yield oldest
            yield from self._jobs()
            db.session.remove()

    def _jobs(self) -> Iterator[GaugeMetricFamily]:
        success = GaugeMetricFamily(
            "certpath_job_last_success_timestamp_seconds",
            "When each scheduler job last ended without error (Unix time).",
            labels=["job"],
        )
        duration = GaugeMetricFamily(
            "certpath_job_last_duration_seconds",
            "How long each scheduler job's last run took.",
            labels=["job"],
        )
        failing = GaugeMetricFamily(
            "certpath_job_failing", "1 when the job's last run failed.", labels=["job"]
        )
        for run in db.session.scalars(sa.select(JobRun)):
            if run.last_ok_at:
                success.add_metric([run.job], _unix(run.last_ok_at))
            if run.last_started_at and run.last_finished_at:
                seconds = (run.last_finished_at - run.last_started_at).total_seconds()
                duration.add_metric([run.job], max(seconds, 0.0))
            failing.add_metric([run.job], 1 if run.last_error else 0)
        yield success
        yield duration
        yield failing


def _unix(naive_utc: datetime) -> float:
    return naive_utc.replace(tzinfo=UTC).timestamp()


def _scrape_registry(app: Flask) -> CollectorRegistry:
    """The registry a scrape reads: every worker's latency (multi-process) or this one's."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # registers itself
    else:
        registry.register(_ProcessLatency())
    registry.register(DatabaseCollector(app))
    return registry


class _ProcessLatency(Collector):
    """This process's own metrics, in a scrape's registry beside the database's."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def _may_scrape() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in current_app.config["METRICS_NETWORKS"])


@public  # guarded below by address or token, and unknown to everyone else
def metrics() -> Response:
    if not _may_scrape():
        abort(404)
    body = generate_latest(_scrape_registry(current_app._get_current_object()))  # type: ignore[attr-defined]
    return Response(body, content_type=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    app.config["METRICS_NETWORKS"] = [
        ipaddress.ip_network(part.strip(), strict=False)
        for part in app.config["METRICS_ALLOWED_NETWORKS"].split(",")
        if part.strip()
    ]
    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])

    @app.before_request
    def _start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        if started is not None:
            endpoint = request.endpoint or "unmatched"  # a 404's path is not a label
            REQUEST_SECONDS.labels(
                endpoint, request.method, f"{response.status_code // 100}xx"
            ).observe(time.perf_counter() - started)
        return response
