"""Certificates' periodic work: revoke what was suspended too long, mark what expired."""

from __future__ import annotations

from datetime import timedelta

from app.scheduler.registry import PeriodicTask
from blueprints.certificates import services


def revoke_long_suspensions() -> str:
    return f"revoked: {services.revoke_long_suspensions()}"


def expire_certificates() -> str:
    return f"expired: {services.expire_due()}"


TASKS = (
    PeriodicTask("revoke_long_suspensions", revoke_long_suspensions, timedelta(hours=1)),
    PeriodicTask("expire_certificates", expire_certificates, timedelta(hours=1)),
)
