"""Publicity's periodic work: close the batches whose period has ended."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from blueprints.publicity.services import close_ended_batches


def close_ended_publicity() -> str:
    return f"ready for the certificate: {close_ended_batches()}"


TASKS = (PeriodicTask("close_ended_publicity", close_ended_publicity, timedelta(minutes=15)),)
