"""The portal's front page for the public: its headline figures and latest announcements.

The figures — enterprises that self-assessed, certification projects, certificates valid
today, certificates first issued this year and last — are SQL aggregates read in one
statement (a scalar subquery per figure, each served by an index or a small table), and each
process keeps them for PORTAL_FIGURES_CACHE_SECONDS, keyed by the day (a new day moves "valid"
and the years): the front page of a national register must not count it on every visit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from cachetools import TTLCache
from flask import current_app

from app.clock import local_today
from app.extensions import db
from blueprints.notices.services import latest_announcements
from models import (
    SUBMITTED_STATES,
    Assessment,
    Certificate,
    CertificateStatus,
    Project,
    ProjectStatus,
)

LATEST_ANNOUNCEMENTS = 5
_EXTENSION = "certpath.portal_figures"
_lock = threading.Lock()


@dataclass(frozen=True)
class Figures:
    assessed: int  # enterprises with a submitted self-assessment (any year)
    projects: int  # certification projects started and not withdrawn
    valid: int  # certificates valid today
    issued_this_year: int  # first issues effective this calendar year
    issued_last_year: int
    year: int


def _issued_in(year: int) -> sa.ScalarSelect[int]:
    return (
        sa.select(sa.func.count())
        .where(
            Certificate.effective_on.between(date(year, 1, 1), date(year, 12, 31)),
            Certificate.issue_no == 1,  # a reissue (a name changed) is no new certificate
        )
        .scalar_subquery()
    )


def count_figures(today: date) -> Figures:
    """The figures as of ``today``, in one statement."""
    assessed = (
        sa.select(sa.func.count(sa.distinct(Assessment.organisation_id)))
        .where(Assessment.status.in_(SUBMITTED_STATES))
        .scalar_subquery()
    )
    projects = (
        sa.select(sa.func.count())
        .where(Project.status != ProjectStatus.WITHDRAWN)
        .scalar_subquery()
    )
    valid = (
        sa.select(sa.func.count())
        .where(Certificate.status == CertificateStatus.VALID, Certificate.expires_on >= today)
        .scalar_subquery()
    )
    row = db.session.execute(
        sa.select(assessed, projects, valid, _issued_in(today.year), _issued_in(today.year - 1))
    ).one()
    n = [int(value or 0) for value in row]
    return Figures(
        assessed=n[0],
        projects=n[1],
        valid=n[2],
        issued_this_year=n[3],
        issued_last_year=n[4],
        year=today.year,
    )


def figures() -> Figures:
    """Today's figures, from this process's copy while it is younger than the setting."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    seconds = app.config["PORTAL_FIGURES_CACHE_SECONDS"]
    today = local_today()
    if seconds <= 0:
        return count_figures(today)
    with _lock:
        cache: TTLCache[date, Figures] | None = app.extensions.get(_EXTENSION)
        if cache is None or cache.ttl != seconds:
            cache = app.extensions[_EXTENSION] = TTLCache(maxsize=2, ttl=seconds)
        found = cache.get(today)
    if found is not None:
        return found
    counted = count_figures(today)  # outside the lock: a slow count blocks no other page
    with _lock:
        cache[today] = counted
    return counted


def forget() -> None:
    """Drop this process's copy of the figures (tests)."""
    current_app.extensions.pop(_EXTENSION, None)


def front_page() -> dict[str, object]:
    """What the public front page shows."""
    return {
        "announcements": latest_announcements(LATEST_ANNOUNCEMENTS),
        "figures": figures(),
    }
