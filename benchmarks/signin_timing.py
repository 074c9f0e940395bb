"""Does the time of a failed sign-in tell whether the email has an account?

Runs N failed sign-ins for an existing account (wrong password) and N for an unknown email
through the real application (Flask's test client: routing, form, throttle, Argon2, database,
commit), alternating the two so that drift hits both alike, and prints the median and the 95th
percentile of each and their difference. Acceptance: medians within 20 ms.

    .venv/bin/python -m benchmarks.signin_timing                 # scratch SQLite, N = 200
    .venv/bin/python -m benchmarks.signin_timing -n 500 --database-url postgresql://…

The database given is migrated and gets one consultancy and one user (PostgreSQL: use a
scratch database). The throttle's limits are raised for the run, and every answer is checked
to be the wrong-password one, so the throttle's early refusal is never what is measured.
Not a CI test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WRONG = "The email or password is not correct."
KNOWN_EMAIL = "benchmark-known@example.com"
UNKNOWN_EMAIL = "benchmark-unknown@example.com"


def build_app(database_url: str, upload_folder: str):
    from app import create_app

    return create_app(
        {
            "ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": database_url,
            "UPLOAD_FOLDER": upload_folder,
            "MAIL_SERVER": "",
            # Far above what the run needs: only the wrong-password path is measured.
            "LOGIN_MAX_FAILURES_PER_ACCOUNT": 10**9,
            "LOGIN_MAX_FAILURES_PER_ADDRESS": 10**9,
            # The form's CSRF token would cost a GET per attempt, the same on both sides.
            "WTF_CSRF_ENABLED": False,
        }
    )


def prepare(app) -> None:
    """Migrate and add the one known account (an enterprise would need the region data)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app.extensions import db
    from app.security.passwords import hash_password
    from models import Organisation, OrgKind, Role, User

    with app.app_context():
        upgrade()
        if db.session.scalar(sa.select(User).where(User.email == KNOWN_EMAIL)) is None:
            org = Organisation(kind=OrgKind.CONSULTANCY, name="基准测试咨询有限公司")
            db.session.add(org)
            db.session.add(
                User(
                    email=KNOWN_EMAIL,
                    name="基准测试",
                    role=Role.CONSULTANT,
                    organisation=org,
                    password_hash=hash_password("Benchmark-Known-Password-1"),
                    email_verified_at=sa.func.now(),
                    locale="en",
                )
            )
        db.session.commit()


def attempt(client, email: str) -> float:
    """Seconds for one failed sign-in; refuses to count anything but the wrong-password page."""
    started = time.perf_counter()
    response = client.post(
        "/login?lang=en", data={"email": email, "password": "Not-The-Password-9"}
    )
    elapsed = time.perf_counter() - started
    page = response.get_data(as_text=True)
    if response.status_code != 200 or WRONG not in page:
        raise SystemExit(f"unexpected answer for {email}: {response.status_code}")
    return elapsed


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def measure(app, n: int, warmup: int) -> dict[str, list[float]]:
    client = app.test_client()
    for _ in range(warmup):
        attempt(client, KNOWN_EMAIL)
        attempt(client, UNKNOWN_EMAIL)
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for i in range(n):
        # Alternate which goes first, so neither always follows the other.
        order = ("known", "unknown") if i % 2 == 0 else ("unknown", "known")
        for kind in order:
            times[kind].append(attempt(client, KNOWN_EMAIL if kind == "known" else UNKNOWN_EMAIL))
    return times


def report(times: dict[str, list[float]], max_gap_ms: float) -> bool:
    ms = {kind: [t * 1000 for t in values] for kind, values in times.items()}
    medians = {kind: statistics.median(values) for kind, values in ms.items()}
    for kind, values in ms.items():
        print(
            f"{kind:>8} email: n={len(values)}  median {medians[kind]:7.2f} ms"
            f"  p95 {p95(values):7.2f} ms"
        )
    gap = medians["unknown"] - medians["known"]
    p95_gap = p95(ms["unknown"]) - p95(ms["known"])
    ok = abs(gap) <= max_gap_ms
    print(f"difference (unknown − known): median {gap:+.2f} ms, p95 {p95_gap:+.2f} ms")
    print(f"{'PASS' if ok else 'FAIL'}: medians within {max_gap_ms:g} ms")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="attempts per kind (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured attempts per kind")
    parser.add_argument("--database-url", help="default: a scratch SQLite file")
    parser.add_argument("--max-gap-ms", type=float, default=20.0, help="acceptance (default 20)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="certpath-bench-") as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
        app = build_app(url, str(Path(scratch) / "uploads"))
        prepare(app)
        times = measure(app, args.n, args.warmup)
        from app.extensions import db

        with app.app_context():
            db.engine.dispose()
    return 0 if report(times, args.max_gap_ms) else 1


if __name__ == "__main__":
    sys.exit(main())
