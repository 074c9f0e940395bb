"""Queries per request, counted in-process: the app built with the settings gunicorn serves it
with, Flask's test client, and a SQLAlchemy ``before_cursor_execute`` listener on its engine.

Each sampled request is sent twice and counted the second time, so that what a process loads
once (the region names, the compiled templates) is not counted; sign-ins are not counted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask

from benchmarks.workloads import USER_AGENT, Planned, Workload, sign_in_client


@dataclass(frozen=True)
class QueryCounts:
    counts: tuple[int, ...]
    failure: str = ""  # a sampled request that did not answer 200

    def label(self) -> str:
        if self.failure or not self.counts:
            return "—"
        low, high = min(self.counts), max(self.counts)
        return str(low) if low == high else f"{low}–{high}"

    @property
    def mean(self) -> float | None:
        return sum(self.counts) / len(self.counts) if self.counts else None


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: object) -> None:
        self.count += 1


def build_app(settings: Mapping[str, Any]) -> Flask:
    from app import create_app

    return create_app(dict(settings))


def dispose(app: Flask) -> None:
    """Close the pool's connections (a scratch database is dropped next)."""
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()


@contextmanager
def counting(app: Flask) -> Iterator[Counter]:
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    counter = Counter()
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)


class Clients:
    """One test client per user, signed in once through the form; one for anonymous visits."""

    def __init__(self, app: Flask, password: str) -> None:
        self.app = app
        self.password = password
        self._clients: dict[str | None, Any] = {}

    def for_user(self, email: str | None) -> Any:
        if email not in self._clients:
            client = self.app.test_client()
            client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
            if email is not None:
                sign_in_client(client, email, self.password)
            self._clients[email] = client
        return self._clients[email]


def sample(requests: list[Planned], size: int) -> list[Planned]:
    """``size`` requests spread over the list (every user's appear when they are interleaved)."""
    if len(requests) <= size:
        return list(requests)
    step = len(requests) / size
    return [requests[int(i * step)] for i in range(size)]


def measure(workload: Workload, clients: Clients, counter: Counter, size: int = 5) -> QueryCounts:
    counts: list[int] = []
    for planned in sample(workload.requests, size):
        client = clients.for_user(planned.user)
        for attempt in range(2):
            counter.count = 0
            response = client.get(planned.path)
            response.close()
            if response.status_code != 200:
                where = response.headers.get("Location", "")
                return QueryCounts(
                    tuple(counts),
                    f"{planned.path} answered {response.status_code} {where}".rstrip(),
                )
            if attempt == 1:
                counts.append(counter.count)
    return QueryCounts(tuple(counts))
