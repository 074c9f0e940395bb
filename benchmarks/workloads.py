"""The workloads of issue 14 and the requests each sends, picked from the database at hand.

Each workload is a list of planned requests — a path, and the email of the user it is sent as
(None: an anonymous visitor). Numbers, projects, assessments and users are sampled with a seeded
random source from what the database holds, so the same database gives the same requests. A
workload the database has nothing for (e.g. no superseded certificate) is kept with the reason
and skipped by the runner.

Signing in goes through the login form, as a browser does: GET /login for the CSRF token and
the session cookie, POST the form, keep the new session cookie (``sign_in_http`` for wrk, over
real HTTP; ``sign_in_client`` for Flask's test client). The session is bound to the client's
address and User-Agent (Flask-Login's strong protection), so wrk sends the same User-Agent.
"""

from __future__ import annotations

import http.client
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

USER_AGENT = "certpath-bench/1 (wrk)"
SEARCH_TERMS = (
    "机械", "化工", "电子", "物流", "科技", "智能", "医药", "纺织",
    "软件", "汽车", "电气", "食品", "装备", "能源", "建材", "包装",
)  # fmt: skip
DEMO_PASSWORD = "Certpath-Demo-2026"  # noqa: S105 - the demo accounts' published password
CSRF_INPUT = re.compile(r"<input[^>]*\bname=\"csrf_token\"[^>]*>")
VALUE = re.compile(r"\bvalue=\"([^\"]+)\"")


class SignInError(RuntimeError):
    pass


@dataclass(frozen=True)
class Planned:
    path: str
    user: str | None = None  # email of the signed-in user; None: anonymous


@dataclass
class Workload:
    key: str
    title: str
    requests: list[Planned] = field(default_factory=list)
    measure_memory: bool = False  # read the workers' peak RSS during the run
    skipped: str = ""  # why there is nothing to send

    @property
    def users(self) -> list[str]:
        return sorted({r.user for r in self.requests if r.user})


KEYS = (
    "verify",
    "publicity",
    "project",
    "search",
    "superseded",
    "report",
    "report-pdf",
    "report-xlsx",
    "orgs",
    "cert-pdf",
    "progress",
    "statistics",
    "map",
    "diagnosis",
    "evaluator-bodies",
    "sector-coverage",
    "expiring-registrations",
    "reform-board",
    "reform-subsidies",
)


def _sample(rng: random.Random, items: Iterable[Any], k: int) -> list[Any]:
    pool = sorted(set(items))
    return sorted(rng.sample(pool, min(k, len(pool))))


def _grouped(rows: Iterable[tuple[str, str]], per_user: int) -> list[Planned]:
    """(email, path) rows to planned requests, at most ``per_user`` paths per user, the users
    interleaved so that any stretch of the list visits several of them."""
    by_user: dict[str, list[str]] = {}
    for email, path in rows:
        paths = by_user.setdefault(email, [])
        if len(paths) < per_user:
            paths.append(path)
    planned: list[Planned] = []
    for i in range(max((len(p) for p in by_user.values()), default=0)):
        planned.extend(Planned(p[i], email) for email, p in sorted(by_user.items()) if i < len(p))
    return planned


def plan(
    session: Session | scoped_session[Any],
    today: date,
    *,
    seed: int = 14,
    numbers: int = 1000,
    users: int = 4,
    wanted: Sequence[str] = KEYS,
) -> list[Workload]:
    """The workloads named in ``wanted`` (in the order of KEYS), their requests chosen from
    what the database holds."""
    from models import (
        Assessment,
        AssessmentStatus,
        Campaign,
        Certificate,
        CertificateStatus,
        DiagnosisEngagement,
        EngagementStatus,
        Organisation,
        OrgKind,
        Project,
        Role,
        User,
    )

    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    can_sign_in = sa.and_(
        User.active.is_(True), User.email_verified_at.is_not(None), User.password_hash.is_not(None)
    )
    enterprise_user = sa.and_(can_sign_in, User.role == Role.ENTERPRISE)
    workloads: dict[str, Workload] = {}

    def certificate_pages(status: CertificateStatus, live: bool) -> list[Planned]:
        query = sa.select(Certificate.number).where(Certificate.status == status)
        if live:
            query = query.where(Certificate.expires_on >= today)
        chosen = _sample(rng, session.scalars(query), numbers)
        rng.shuffle(chosen)
        return [Planned(f"/certificates/{quote(n)}") for n in chosen]

    def signed_in(query: sa.Select[Any], path: str, per_user: int) -> list[Planned]:
        """``query`` selects (user id, email, value) rows: a sample of ``users`` users, each
        with ``path`` formatted with its first ``per_user`` values."""
        rows = session.execute(query).all()
        chosen = set(_sample(rng, (row[0] for row in rows), users))
        return _grouped(
            ((row[1], path.format(row[2])) for row in rows if row[0] in chosen), per_user
        )

    if "verify" in wanted:
        workloads["verify"] = Workload(
            "verify",
            "certificate verification (anonymous)",
            certificate_pages(CertificateStatus.VALID, live=True),
        )
    if "publicity" in wanted:
        workloads["publicity"] = Workload(
            "publicity", "publicity list (anonymous)", [Planned("/publicity/")]
        )
    if "project" in wanted:
        query = (
            sa.select(User.id, User.email, Project.id)
            .join(Project, Project.organisation_id == User.organisation_id)
            .where(enterprise_user)
            .order_by(User.id, Project.id)
        )
        workloads["project"] = Workload(
            "project",
            "project page (enterprise, signed in)",
            signed_in(query, "/projects/{}", per_user=10),
        )
    if "search" in wanted:
        workloads["search"] = Workload(
            "search",
            "register search, 2-character name (anonymous)",
            [Planned("/certificates/?" + urlencode({"name": term})) for term in SEARCH_TERMS],
        )
    if "superseded" in wanted:
        workloads["superseded"] = Workload(
            "superseded",
            "superseded certificate's page (old QR code)",
            certificate_pages(CertificateStatus.SUPERSEDED, live=False),
        )
    report_keys = [k for k in ("report", "report-pdf", "report-xlsx") if k in wanted]
    if report_keys:
        assessed = (
            sa.select(User.id, User.email, Assessment.id)
            .join(Assessment, Assessment.organisation_id == User.organisation_id)
            .where(enterprise_user, Assessment.status != AssessmentStatus.DRAFT)
            .order_by(User.id, Assessment.year.desc())
        )
        reports = signed_in(assessed, "/assessments/{}", per_user=2)
        titles = {
            "report": ("", "self-assessment report (enterprise)"),
            "report-pdf": ("/report.pdf", "self-assessment report PDF"),
            "report-xlsx": ("/report.xlsx", "self-assessment report Excel"),
        }
        for key in report_keys:
            suffix, title = titles[key]
            workloads[key] = Workload(
                key,
                title,
                [Planned(p.path + suffix, p.user) for p in reports],
                measure_memory=key != "report",
            )
    province = sa.func.substr(Organisation.region_code, 1, 2)
    sizes: dict[str, int] = dict(
        session.execute(
            sa.select(province, sa.func.count())
            .where(Organisation.region_code.is_not(None))
            .group_by(province)
        )
        .tuples()
        .all()
    )
    if "orgs" in wanted:
        authority_rows = (
            session.execute(
                sa.select(User.email, Organisation.region_code)
                .join(Organisation, Organisation.id == User.organisation_id)
                .where(
                    can_sign_in,
                    User.role == Role.AUTHORITY,
                    Organisation.kind == OrgKind.AUTHORITY,
                    Organisation.region_code.like("__0000"),
                )
                .order_by(User.id)
            )
            .tuples()
            .all()
        )
        # The largest provinces first: the list's count and page cost the most there.
        authorities = sorted(authority_rows, key=lambda row: -sizes.get((row[1] or "")[:2], 0))
        workloads["orgs"] = Workload(
            "orgs",
            "organisation list (province authority)",
            [Planned("/orgs/", email) for email, _ in authorities[:users]],
        )
    if "cert-pdf" in wanted:
        holders = (
            sa.select(User.id, User.email, Certificate.number)
            .join(Certificate, Certificate.organisation_id == User.organisation_id)
            .where(enterprise_user, Certificate.status == CertificateStatus.VALID)
            .order_by(User.id, Certificate.id)
        )
        workloads["cert-pdf"] = Workload(
            "cert-pdf",
            "certificate PDF (holder)",
            signed_in(holders, "/certificates/{}/certificate.pdf", per_user=3),
            measure_memory=True,
        )
    region_keys = [k for k in ("progress", "statistics", "map", "diagnosis") if k in wanted]
    if region_keys:
        # The largest province's authority, its round of the year and its biggest prefecture.
        largest = max(sizes, key=lambda p: (sizes[p], p)) if sizes else ""
        code = f"{largest}0000"
        emails = session.scalars(
            sa.select(User.email)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(can_sign_in, User.role == Role.AUTHORITY, Organisation.region_code == code)
            .order_by(User.id)
            .limit(users)
        ).all()
        campaign = session.scalar(
            sa.select(Campaign.id)
            .where(Campaign.region_code == code, Campaign.year == today.year)
            .order_by(Campaign.id.desc())
            .limit(1)
        )
        first_four = sa.func.substr(Organisation.region_code, 1, 4)  # one expression, one bind
        prefecture = session.scalar(
            sa.select(first_four)
            .where(Organisation.region_code.like(f"{largest}%"))
            .group_by(first_four)
            .order_by(sa.func.count().desc())
            .limit(1)
        )
        paths = {
            "progress": [f"/campaigns/{campaign}", f"/campaigns/{campaign}?region={prefecture}00"],
            "statistics": [f"/statistics/?region={code}", f"/statistics/?region={prefecture}00"],
            "map": [
                f"/statistics/map?region={code}&campaign={campaign}",
                f"/statistics/map?region={prefecture}00&campaign={campaign}",
            ],
            # The province's diagnosis programmes: states, providers, overdue, grades and the
            # verified indicators by prefecture and industry; the providers' reports.
            "diagnosis": [
                "/engagements/progress?programme=nmg_offline",
                "/engagements/progress?programme=changchun_pilot",
                "/engagements/progress-reports",
            ],
        }
        titles = {
            "diagnosis": "diagnosis progress and progress reports (largest province)",
            "progress": "campaign progress table (largest province and its largest city)",
            "statistics": "regional statistics (largest province and its largest city)",
            "map": "data map (largest province and its largest city)",
        }
        for key in region_keys:
            planned = [Planned(path, email) for email in emails for path in paths[key]]
            workloads[key] = Workload(key, titles[key], planned if campaign else [])
    evaluator_keys = [
        k for k in ("evaluator-bodies", "sector-coverage", "expiring-registrations") if k in wanted
    ]
    if evaluator_keys:
        staff = session.scalars(
            sa.select(User.email)
            .where(can_sign_in, User.role == Role.ALLIANCE_STAFF)
            .order_by(User.id)
            .limit(users)
        ).all()
        # The body with the most evaluators: the per-body columns cost the most there.
        biggest = session.scalar(
            sa.select(User.organisation_id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(Organisation.kind == OrgKind.EVALUATION_BODY)
            .group_by(User.organisation_id)
            .order_by(sa.func.count().desc(), User.organisation_id)
            .limit(1)
        )
        reports = "/evaluators/reports"
        later = date.fromordinal(today.toordinal() + 90).isoformat()
        paths = {
            # Every body by grade and state, today and in three months.
            "evaluator-bodies": [f"{reports}/bodies", f"{reports}/bodies?as_of={later}"],
            # The sections, manufacturing's divisions, and those for the biggest body.
            "sector-coverage": [
                f"{reports}/sectors",
                f"{reports}/sectors?section=C",
                f"{reports}/sectors?section=C&body={biggest}",
            ],
            # 90 days by expiry, 30 days not renewed, a search sorted by body.
            "expiring-registrations": [
                f"{reports}/expiring",
                f"{reports}/expiring?within=30&unrenewed=y",
                f"{reports}/expiring?q={quote('LHPD-Z')}&sort=body",
            ],
        }
        titles = {
            "evaluator-bodies": "evaluators by body (alliance)",
            "sector-coverage": "evaluator sector coverage (alliance)",
            "expiring-registrations": "expiring evaluator registrations (alliance)",
        }
        for key in evaluator_keys:
            planned = [Planned(path, email) for email in staff for path in paths[key]]
            workloads[key] = Workload(key, titles[key], planned if biggest else [])
    reform_keys = [k for k in ("reform-board", "reform-subsidies") if k in wanted]
    if reform_keys:
        # The city authority running the Changchun pilot in the province with the most of its
        # engagements (in the generated dataset, the province's authority enrols them).
        pilot = "changchun_pilot"
        busiest = session.scalar(
            sa.select(DiagnosisEngagement.authority_id)
            .where(
                DiagnosisEngagement.programme_key == pilot,
                DiagnosisEngagement.status != EngagementStatus.WITHDRAWN,
            )
            .group_by(DiagnosisEngagement.authority_id)
            .order_by(sa.func.count().desc(), DiagnosisEngagement.authority_id)
            .limit(1)
        )
        officials = session.scalars(
            sa.select(User.email)
            .where(can_sign_in, User.role == Role.AUTHORITY, User.organisation_id == busiest)
            .order_by(User.id)
            .limit(users)
        ).all()
        paths = {
            # Every block of the board: the funnel by county and sub-industry, the grades
            # before and after, the money, the overdue projects and diagnoses.
            "reform-board": [f"/reform/board?programme={pilot}"],
            # The programme's subsidies, newest first, with their totals.
            "reform-subsidies": ["/reform/subsidies/"],
        }
        titles = {
            "reform-board": "programme board (city authority, largest pilot province)",
            "reform-subsidies": "reform subsidy list (city authority, largest pilot province)",
        }
        for key in reform_keys:
            planned = [Planned(path, email) for email in officials for path in paths[key]]
            workloads[key] = Workload(key, titles[key], planned)
    result = [workloads[key] for key in KEYS if key in workloads]
    for workload in result:
        if not workload.requests:
            workload.skipped = "nothing in the database to ask for"
    return result


# --- signing in -----------------------------------------------------------------------------


def csrf_token(html: str) -> str:
    field_ = CSRF_INPUT.search(html)
    value = VALUE.search(field_.group(0)) if field_ else None
    if value is None:
        raise SignInError("no CSRF token in the sign-in page")
    return value.group(1)


def _session_cookie(set_cookie_headers: Iterable[str], name: str = "session") -> str | None:
    for header in set_cookie_headers:
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        if name in cookie and cookie[name].value:
            return cookie[name].value
    return None


def sign_in_http(base_url: str, email: str, password: str, user_agent: str = USER_AGENT) -> str:
    """Sign in through the form over HTTP; the Cookie header value of the new session.

    The production profile marks the cookie Secure, which a client honouring it would not send
    back over plain HTTP: the cookie is carried by hand."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        connection.request("GET", "/login", headers={"User-Agent": user_agent})
        page = connection.getresponse()
        html = page.read().decode("utf-8", "replace")
        first = _session_cookie(page.msg.get_all("Set-Cookie") or [])
        if page.status != 200 or first is None:
            raise SignInError(f"GET /login answered {page.status} without a session cookie")
        form = urlencode({"csrf_token": csrf_token(html), "email": email, "password": password})
        connection.request(
            "POST",
            "/login",
            body=form,
            headers={
                "User-Agent": user_agent,
                "Cookie": f"session={first}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        answer = connection.getresponse()
        answer.read()
        signed_in = _session_cookie(answer.msg.get_all("Set-Cookie") or [])
        if answer.status != 302 or signed_in is None:
            raise SignInError(_refused(email, answer.status))
        return f"session={signed_in}"
    finally:
        connection.close()


def sign_in_client(client: Any, email: str, password: str) -> None:
    """Sign in a Flask test client through the form (it keeps the cookies)."""
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "email": email,
            "password": password,
        },
    )
    if answer.status_code != 302:
        raise SignInError(_refused(email, answer.status_code))


def _refused(email: str, status: int) -> str:
    hint = " (wrong password? give --password)" if status == 200 else ""
    return f"signing in {email}: the login form answered {status}{hint}"


def fetch_status(base_url: str, path: str, cookie: str, user_agent: str = USER_AGENT) -> int:
    """One GET over HTTP without following redirects: its status (a sign-in gone wrong shows as
    a 302 to /login, which wrk would not count as an error)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    headers = {"User-Agent": user_agent}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()
