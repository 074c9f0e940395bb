"""Organisations and their users: enterprises spread over the country's counties, the
authorities of every region they are in (county, city, province), consultancies, evaluation
bodies with their evaluators, the alliance with its staff, and an administrator.

Every account uses one known password (its hash computed once). Addresses are predictable so
that benchmarks can sign in as anyone: ``qiye{org id}@…`` (an enterprise's contact, the org
admin), ``zixun{org id}-{n}@…``, ``pingding{body code}-{n}@…``, ``lianmeng{n}@…``,
``zhuguan{region code}-{n}@…`` and ``admin@…``, all at ``bench.certpath.cn``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from benchmarks.dataset_core import Clock, JsonText, Random, Rows, Weights, scaled
from benchmarks.dataset_geography import Geography
from benchmarks.dataset_names import (
    INDUSTRY_WEIGHTS,
    PROVINCE_WEIGHTS,
    company_name,
    credit_code,
    mobile,
    person,
    place_word,
    street_address,
    trade_name,
)
from blueprints.demo.loader import EVALUATION_BODIES

DOMAIN = "bench.certpath.cn"
MUNICIPALITIES = {"11", "12", "31", "50"}
ORG_COLUMNS = (
    "id", "kind", "name", "credit_code", "body_code", "region_code", "industry_code", "size",
    "address", "contact_name", "contact_phone", "contact_email", "active", "created_at",
)  # fmt: skip
USER_COLUMNS = (
    "id", "email", "name", "phone", "password_hash", "organisation_id", "role", "is_org_admin",
    "locale", "email_verified_at", "active", "auth_version", "email_muted", "created_at",
    "last_login_at",
)  # fmt: skip
# The bodies of the national register (DOMAIN.md §5), as the demo has them, then invented ones
# up to the scale's count.
NAMED_BODIES = tuple(EVALUATION_BODIES)
SIZES = Weights.of((("large", 10), ("medium", 30), ("small", 45), ("micro", 15)))
NO_MUTES = JsonText("[]")
FOUNDED = datetime(2016, 1, 4, 10)  # the accounts of everyone but the enterprises


@dataclass(slots=True)
class Enterprise:
    id: int
    name: str
    credit_code: str
    county: str
    parent: str  # the county's prefecture, or its province for a municipality
    industry: str
    section: str | None
    size: str
    address: str
    region_names: str  # "江苏省 苏州市 吴中区", as the publicity list shows it
    contact_id: int = 0
    contact_name: str = ""
    registered: datetime | None = None  # set once its first self-assessment is dated


@dataclass(slots=True)
class Party:
    """A consultancy or an evaluation body: the organisation and its people."""

    id: int
    name: str
    code: str | None
    people: list[int] = field(default_factory=list)


@dataclass
class People:
    password_hash: str
    enterprises: list[Enterprise] = field(default_factory=list)
    consultancies: list[Party] = field(default_factory=list)
    bodies: list[Party] = field(default_factory=list)
    body_weights: list[float] = field(default_factory=list)
    staff: list[int] = field(default_factory=list)
    admin: int = 0
    authorities: dict[str, tuple[int, int]] = field(default_factory=dict)  # code → (org, user)


class Accounts:
    """Users: every one verified, with the run's password hash."""

    def __init__(self, rng: Random, rows: Rows, people: People) -> None:
        self.rng, self.rows, self.people = rng, rows, people

    def add(
        self,
        org: int,
        role: str,
        email: str,
        name: str,
        created: datetime,
        *,
        admin: bool = False,
        locale: str = "zh",
        user_id: int | None = None,
    ) -> int:
        user_id = user_id or self.rows.next_id("users")
        self.rows.add("users", user_id, email, name, mobile(self.rng), self.people.password_hash,
                      org, role, admin, locale, Clock.utc(created + timedelta(minutes=7)),
                      True, 1, NO_MUTES, Clock.utc(created), None)  # fmt: skip
        return user_id


def _org(
    rows: Rows,
    kind: str,
    name: str,
    created: datetime,
    *,
    body_code: str | None = None,
    region: str | None = None,
) -> int:
    org_id = rows.next_id("organisations")
    rows.add("organisations", org_id, kind, name, None, body_code, region, None,
             None, "", "", "", "", True, Clock.utc(created))  # fmt: skip
    return org_id


def plan_enterprises(rng: Random, rows: Rows, geo: Geography, people: People, count: int) -> None:
    """Enterprises with their place, industry and name; their rows come once they are dated."""
    provinces = sorted(geo.counties)
    province_weights = [PROVINCE_WEIGHTS[p] for p in provinces]
    divisions = [d for d in INDUSTRY_WEIGHTS if d in geo.sections]
    division_weights = [INDUSTRY_WEIGHTS[d] for d in divisions]
    names: set[str] = set()
    codes: set[str] = set()
    province_draws = rng.choices(provinces, province_weights, k=count)
    division_draws = rng.choices(divisions, division_weights, k=count)
    for province, division in zip(province_draws, division_draws, strict=True):
        county = rng.pick(geo.county_weights[province])
        chain = geo.chain(county)
        parent = chain[-2]
        places = (place_word(geo.names[parent]), place_word(geo.names[county]))
        name = company_name(rng, places, division)
        while name in names:
            name = company_name(rng, places, division)
        names.add(name)
        code = credit_code(rng, county)
        while code in codes:
            code = credit_code(rng, county)
        codes.add(code)
        path = "".join(geo.names[c] for c in chain)
        people.enterprises.append(
            Enterprise(
                id=rows.next_id("organisations"),
                name=name,
                credit_code=code,
                county=county,
                parent=parent,
                industry=division,
                section=geo.sections[division],
                size=rng.pick(SIZES),
                address=street_address(rng, path),
                region_names=" ".join(geo.names[c] for c in chain),
                contact_id=rows.next_id("users"),  # its row comes with the enterprise's
                contact_name=person(rng),
            )
        )


def emit_enterprises(rng: Random, rows: Rows, people: People, now: datetime) -> None:
    """The enterprises' rows and their users, dated by their registration."""
    accounts = Accounts(rng, rows, people)
    for e in people.enterprises:
        registered = e.registered
        assert registered is not None, "every enterprise is dated by its self-assessment"
        email = f"qiye{e.id}@{DOMAIN}"
        locale = "en" if rng.random() < 0.03 else "zh"
        phone = mobile(rng)
        rows.add("organisations", e.id, "enterprise", e.name, e.credit_code, None,
                 e.county, e.industry, e.size, e.address, e.contact_name, phone,
                 email, True, Clock.utc(registered))  # fmt: skip
        accounts.add(e.id, "enterprise", email, e.contact_name, registered, admin=True,
                     locale=locale, user_id=e.contact_id)  # fmt: skip
        if rng.random() < 0.2:
            later = max(min(registered + rng.days(1, 200), now - timedelta(hours=2)), registered)
            accounts.add(e.id, "enterprise", f"qiye{e.id}-2@{DOMAIN}", person(rng), later)


def plan_parties(rng: Random, rows: Rows, geo: Geography, people: People, scale: float) -> None:
    """Consultancies, evaluation bodies, the alliance and the administrator."""
    accounts = Accounts(rng, rows, people)
    founded = FOUNDED
    for n in range(scaled(300, scale, 2)):
        province = rng.weighted(
            sorted(geo.counties), [PROVINCE_WEIGHTS[p] for p in sorted(geo.counties)]
        )
        kind = rng.choice(("企业管理咨询", "管理咨询", "信息技术咨询", "两化融合咨询服务"))
        name = f"{place_word(geo.names[province + '0000'])}{trade_name(rng)}{kind}有限公司"
        org = _org(rows, "consultancy", name, founded + timedelta(days=n), region=province + "0000")
        party = Party(org, name, None)
        for k in range(1, rng.randint(2, 6) + 1):
            email = f"zixun{org}-{k}@{DOMAIN}"
            created = founded + timedelta(days=n)
            party.people.append(
                accounts.add(org, "consultant", email, person(rng), created, admin=k == 1)
            )
        people.consultancies.append(party)
    bodies = scaled(30, scale, 2)
    for n in range(bodies):
        if n < len(NAMED_BODIES):
            code, name, region = NAMED_BODIES[n]
        else:
            code = f"{n + 1:03d}"
            region = rng.choice(sorted(geo.counties)) + "0000"
            name = f"{place_word(geo.names[region])}{trade_name(rng)}认证有限公司"
        org = _org(rows, "evaluation_body", name, founded, body_code=code, region=region)
        party = Party(org, name, code)
        for k in range(1, scaled(25, scale, 2) + 1):
            email = f"pingding{code}-{k}@{DOMAIN}"
            party.people.append(
                accounts.add(org, "evaluator", email, person(rng), founded, admin=k == 1)
            )
        people.bodies.append(party)
        people.body_weights.append(
            rng.uniform(4, 10) if n < len(NAMED_BODIES) else rng.uniform(1, 4)
        )
    alliance = _org(rows, "alliance", "两化融合服务联盟", founded)
    for k in range(1, scaled(12, scale, 2) + 1):
        email = f"lianmeng{k}@{DOMAIN}"
        people.staff.append(accounts.add(alliance, "alliance_staff", email, person(rng), founded))
    people.admin = accounts.add(alliance, "admin", f"admin@{DOMAIN}", "系统管理员", founded)


def plan_authorities(rng: Random, rows: Rows, geo: Geography, people: People) -> None:
    """The authority of every region an enterprise is in: its county, city and province."""
    accounts = Accounts(rng, rows, people)
    founded = FOUNDED
    regions: set[str] = set()
    for e in people.enterprises:
        regions.update(geo.chain(e.county))
    for code in sorted(regions):
        name = geo.names[code]
        parent = geo.parents[code]
        if parent is None:
            title = (
                f"{name}经济和信息化委员会"
                if code[:2] in MUNICIPALITIES
                else f"{name}工业和信息化厅"
            )
            staff = 2
        elif len(geo.chain(code)) == 2 and code.endswith("00"):
            title, staff = f"{name}工业和信息化局", 2
        else:
            title, staff = f"{geo.names[parent]}{name}经济和信息化局", 1
        org = _org(rows, "authority", title, founded, region=code)
        first = 0
        for k in range(1, staff + 1):
            email = f"zhuguan{code}-{k}@{DOMAIN}"
            user = accounts.add(org, "authority", email, person(rng), founded, admin=k == 1)
            first = first or user
        people.authorities[code] = (org, first)


def reviewers(people: People, e: Enterprise) -> tuple[tuple[int, int], tuple[int, int]]:
    """(district authority, city authority) of an enterprise: (org id, user id) each."""
    return people.authorities[e.county], people.authorities[e.parent]


def registration_before(rng: Random, first_activity: datetime) -> datetime:
    return rng.working_time((first_activity - rng.days(1, 40)).date())
