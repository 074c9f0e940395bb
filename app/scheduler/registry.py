"""What the scheduler runs: periodic tasks that the features and the core declare.

A feature keeps its periodic work in its own ``tasks.py`` as ``TASKS`` and lists them in the
registry beside its blueprint (``blueprints.TASKS``); the factory hands the registry to the
app, and the runner runs what it finds there without knowing any feature by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask

EXTENSION_KEY = "certpath.periodic_tasks"


@dataclass(frozen=True)
class PeriodicTask:
    name: str  # also the key of the task's heartbeat row: keep it stable
    run: Callable[[], str]  # idempotent; returns a one-line summary for the heartbeat
    every: timedelta


def register(app: Flask, tasks: Iterable[PeriodicTask]) -> None:
    """Give the app its tasks, in the order a run takes them."""
    ordered = tuple(tasks)
    names = [task.name for task in ordered]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"periodic tasks registered twice: {', '.join(duplicates)}")
    app.extensions[EXTENSION_KEY] = ordered


def tasks_of(app: Flask) -> tuple[PeriodicTask, ...]:
    return app.extensions.get(EXTENSION_KEY, ())
