"""Which databases this run of the suite covers.

Every test that touches the database runs once per backend: SQLite always, PostgreSQL when
TEST_DATABASE_URL is set. ``make test`` runs the two halves side by side (tests/in_parallel.py)
by naming one backend per process in CERTPATH_TEST_BACKENDS; the tests that touch no database
run once, in the half that holds SQLite.
"""

from __future__ import annotations

import os

AVAILABLE = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def chosen() -> list[str]:
    named = os.environ.get("CERTPATH_TEST_BACKENDS", "").strip()
    if not named:
        return AVAILABLE
    wanted = [b.strip() for b in named.split(",") if b.strip()]
    missing = [b for b in wanted if b not in AVAILABLE]
    if missing:
        raise RuntimeError(
            f"CERTPATH_TEST_BACKENDS names {', '.join(missing)}, which this run cannot reach "
            f"(PostgreSQL needs TEST_DATABASE_URL)"
        )
    return wanted


BACKENDS = chosen()
# The tests with no database of their own (units, scripts) run in one half only.
RUNS_BACKEND_FREE_TESTS = "sqlite" in BACKENDS
# The session fixtures that carry the backend as their parameter.
BACKEND_PARAMETERS = ("database_url", "browser_url")


def backend_free(item) -> bool:
    callspec = getattr(item, "callspec", None)
    return not (callspec and any(p in callspec.params for p in BACKEND_PARAMETERS))
