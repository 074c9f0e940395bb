"""The API's reads at national scale: how long a province's programs wait, and how many queries
each call runs, on a generated dataset (benchmarks/dataset.py).

    .venv/bin/python -m benchmarks.api_timing --database-url postgresql://…/bench
    .venv/bin/python -m benchmarks.api_timing --scratch --scale 0.02      # a quick look

Calls go through the real application (Flask's test client: routing, key check, pydantic,
database, JSON) with keys made for the province authority with the most enterprises and for the
alliance; each is sent ``--warmup`` times, then ``-n`` times timed (median and 95th percentile),
and its queries counted on the last one. The enterprise check of the web page's largest upload
(the roster's row limit) is timed in-process, service and workbook. Not a CI test: timings
depend on the machine.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from app.clock import utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from benchmarks.query_count import counting  # noqa: E402
from benchmarks.scripts import production_app  # noqa: E402
from blueprints.api import keys  # noqa: E402
from blueprints.assessment import region_list  # noqa: E402
from blueprints.campaigns import services as campaigns  # noqa: E402
from blueprints.checks import services as checks  # noqa: E402
from blueprints.roster.workbook import MAX_ROWS  # noqa: E402
from models import (  # noqa: E402
    ApiScope,
    Certificate,
    Organisation,
    OrgKind,
    Role,
    User,
)


def _province_authority() -> User:
    """A member of the province-level authority whose province has the most enterprises."""
    province = sa.func.substr(Organisation.region_code, 1, 2)
    busiest = db.session.execute(
        sa.select(province.label("p"))
        .where(Organisation.kind == OrgKind.ENTERPRISE)
        .group_by(province)
        .order_by(sa.func.count().desc())
        .limit(1)
    ).scalar_one()
    member = db.session.scalar(
        sa.select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(
            Organisation.kind == OrgKind.AUTHORITY,
            Organisation.region_code == f"{busiest}0000",
            User.active.is_(True),
        )
        .order_by(User.id)
        .limit(1)
    )
    if member is None:
        raise SystemExit(f"no authority of province {busiest}: generate a dataset first")
    return member


def _token(member: User) -> str:
    made = keys.create(
        member.organisation,
        member,
        name=f"api_timing {utcnow():%Y%m%d%H%M%S%f}",
        scopes=list(ApiScope),
        expires_at=utcnow() + timedelta(days=1),
    )
    db.session.commit()
    return made.token


def _sample(query: sa.Select, n: int, rng: random.Random) -> list[str]:
    found = list(db.session.scalars(query.limit(20 * n)))
    return rng.sample(found, min(n, len(found)))


def _timed(call: Callable[[], Any], warmup: int, n: int) -> tuple[float, float]:
    for _ in range(warmup):
        call()
    spent = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        spent.append((time.perf_counter() - start) * 1000)
    ordered = sorted(spent)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def run(database_url: str, n: int, warmup: int, seed: int) -> None:
    app = production_app(
        database_url,
        API_KEY_RATE_LIMIT="100000000 per minute",
        RATELIMIT_STORAGE_URI="memory://",
    )
    rng = random.Random(seed)  # noqa: S311 - sampling, not secrets
    with app.app_context():
        authority = _province_authority()
        prefix = authority.organisation.region_code[:2]
        staff = db.session.scalar(
            sa.select(User).where(User.role == Role.ALLIANCE_STAFF, User.active.is_(True)).limit(1)
        )
        authority_token = _token(authority)
        staff_token = _token(staff) if staff is not None else authority_token
        in_province = Organisation.region_code.startswith(prefix)
        codes = _sample(
            sa.select(Organisation.credit_code).where(
                Organisation.kind == OrgKind.ENTERPRISE, in_province
            ),
            100,
            rng,
        )
        numbers = _sample(sa.select(Certificate.number), 100, rng)
        campaign = db.session.scalars(campaigns.visible_to(authority.organisation).limit(1)).first()
        many_codes = _sample(
            sa.select(Organisation.credit_code).where(Organisation.kind == OrgKind.ENTERPRISE),
            MAX_ROWS,
            rng,
        )
        enterprises = db.session.scalar(
            sa.select(sa.func.count()).where(Organisation.kind == OrgKind.ENTERPRISE)
        )
        db.session.remove()

    client = app.test_client()

    def caller(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}", "Accept-Language": "zh"}

    def deep_cursor() -> str:
        """The cursor of the 20th page of 100 of the province's assessments."""
        cursor = ""
        for _ in range(19):
            url = "/api/v1/assessments?limit=100" + (f"&cursor={cursor}" if cursor else "")
            cursor = client.get(url, headers=caller(authority_token)).get_json()["next_cursor"]
            if not cursor:
                break
        return cursor or ""

    deep = deep_cursor()
    calls: list[tuple[str, str, str, str, Any]] = [
        ("check 100 credit codes", "POST", "/api/v1/enterprises/check", authority_token,
         {"credit_codes": codes}),
        ("verify 100 certificate numbers", "POST", "/api/v1/certificates/verify", staff_token,
         {"items": numbers}),
        ("province's assessments, page 1 of 100", "GET", "/api/v1/assessments?limit=100",
         authority_token, None),
        ("province's approved ones of a year", "GET",
         f"/api/v1/assessments?year={utcnow().year}&status=approved&limit=100",
         authority_token, None),
        ("register of the province, 100", "GET", f"/api/v1/certificates?region={prefix}&limit=100",
         staff_token, None),
    ]  # fmt: skip
    if deep:  # the province has 20 pages
        calls.append(
            ("province's assessments, page 20", "GET",
             f"/api/v1/assessments?limit=100&cursor={deep}", authority_token, None)
        )  # fmt: skip
    if campaign is not None:
        calls.append(
            ("campaign progress of the province", "GET",
             f"/api/v1/campaigns/{campaign.id}/progress", authority_token, None)
        )  # fmt: skip
    print(f"{enterprises:,} enterprises; province {prefix}; {n} timed calls each")
    print(f"{'call':<40} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for title, method, url, token, body in calls:

        def call(url=url, method=method, token=token, body=body, title=title):
            response = client.open(url, method=method, json=body, headers=caller(token))
            if response.status_code != 200:
                raise SystemExit(f"{title}: {response.status_code} {response.get_data()[:300]!r}")
            return response

        p50, p95 = _timed(call, warmup, n)
        with counting(app) as counted:
            call()
        print(f"{title:<40} {p50:8.1f} {p95:8.1f} {counted.count:8d}")

    with app.test_request_context(), app.app_context():
        viewer = db.session.get(User, authority.id)
        assert viewer is not None  # found above
        start = time.perf_counter()
        results = checks.check(many_codes, viewer)
        checked = time.perf_counter() - start
        out = io.BytesIO()
        start = time.perf_counter()
        checks.results_xlsx(results, region_list.stage_titles(), "基准", out)
        written = time.perf_counter() - start
    print(
        f"web check of {len(many_codes):,} codes: {checked * 1000:.0f} ms checked, "
        f"{written * 1000:.0f} ms written ({out.tell() / 1024:.0f} KB)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--database-url", help="a generated dataset (PostgreSQL or SQLite)")
    where.add_argument("--scratch", action="store_true", help="generate one in a temporary file")
    parser.add_argument("--scale", type=float, default=0.02, help="with --scratch")
    parser.add_argument("-n", type=int, default=30, help="timed calls per endpoint")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    if args.scratch:
        from benchmarks import dataset

        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/api.sqlite3"
            dataset.main(["--scale", str(args.scale), "--database-url", url])
            run(url, args.n, args.warmup, args.seed)
        return 0
    run(args.database_url, args.n, args.warmup, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
