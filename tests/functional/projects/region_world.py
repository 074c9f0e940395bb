"""Projects and certificates in three regions, read by the authorities above them: an
enterprise each in Pudong and Xuhui (Shanghai) and in Tianhe (Guangdong), with the
authorities of Shanghai, Pudong and Guangdong, the alliance's staff and the parties of the
projects. Shared by the region lists' tests of projects and of certificates."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import openpyxl
from babel.dates import format_date
from bs4 import BeautifulSoup

from app.clock import local_today, utcnow
from app.extensions import db
from blueprints.certificates.services import issue_for
from models import Certificate, CertificateStatus, Organisation, OrgKind, Project, User
from models import ProjectStatus as P
from tests import factories

PUDONG, XUHUI, TIANHE = "310115", "310104", "440106"
NAMES = {"pudong": "浦东区域企业", "xuhui": "徐汇区域企业", "tianhe": "天河区域企业"}
# Values no filter expects: each request must answer 200 (ignored) or 404, never 500.
HOSTILE = [
    "page=-1",
    "page=abc",
    "page=99999999999999999999",
    "region=abc",
    "region=9999999",
    "region=%EF%BC%93%EF%BC%91",  # fullwidth ３１
    "status=forged",
    "year=-5",
    "year=99999999999999999999",
    "expiring=yes",
    "q=" + "x" * 5000,
    "q=%25_%5C",
    "q=%3Cscript%3E",
]


@dataclass
class RegionWorld:
    city: User  # Shanghai
    district: User  # Pudong
    province: User  # Guangdong
    staff: User  # the alliance: the whole country
    parties: factories.Parties
    enterprises: dict[str, Organisation] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)  # the one under way, or certified
    certificates: dict[str, Certificate] = field(default_factory=dict)


def certified(world: RegionWorld, key: str) -> Certificate:
    """A project of ``key``'s enterprise that ended with a certificate."""
    project = factories.project(world.parties, P.CERTIFIED, organisation=world.enterprises[key])
    return issue_for(project, world.staff)


def build() -> RegionWorld:
    def authority(region: str) -> User:
        return factories.user(factories.organisation(OrgKind.AUTHORITY, region=region))

    world = RegionWorld(
        city=authority("310000"),
        district=authority(PUDONG),
        province=authority("440000"),
        staff=factories.alliance_staff(),
        parties=factories.Parties(),
    )
    for key, region in (("pudong", PUDONG), ("xuhui", XUHUI), ("tianhe", TIANHE)):
        world.enterprises[key] = factories.organisation(region=region, name=NAMES[key])
    today = local_today()
    # Pudong: certified, its certificate valid.
    world.certificates["pudong"] = certified(world, "pudong")
    world.projects["pudong"] = db.session.get(Project, world.certificates["pudong"].project_id)
    world.projects["pudong"].applied_at = utcnow() - timedelta(days=120)
    world.projects["pudong"].concluded_at = utcnow() - timedelta(days=20)
    # Xuhui: a certificate expiring within 90 days, a new project in correction.
    world.certificates["xuhui"] = certified(world, "xuhui")
    world.certificates["xuhui"].expires_on = today + timedelta(days=30)
    world.projects["xuhui"] = factories.project(
        world.parties, P.CORRECTION, organisation=world.enterprises["xuhui"]
    )
    # Tianhe: a suspended certificate, a new application.
    world.certificates["tianhe"] = certified(world, "tianhe")
    world.certificates["tianhe"].status = CertificateStatus.SUSPENDED
    world.projects["tianhe"] = factories.project(
        world.parties, P.APPLIED, organisation=world.enterprises["tianhe"]
    )
    db.session.flush()
    return world


def names_on(browser, url: str) -> list[str]:
    """The enterprises of the rows of ``url``, in order (one per row)."""
    response = browser.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    return [
        name
        for row in table_rows(html)
        for name in NAMES.values()
        if any(name in cell for cell in row[:2])
    ]


def table_rows(html: str) -> list[list[str]]:
    """The text of each cell of the table's body (a cell's lines joined by a space)."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in soup.select("table tbody tr")
        if len(tr.find_all("td")) > 1
    ]


def sheet_rows(data: bytes) -> list[list[object]]:
    """The Excel's rows below the header; dates as dates."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [
        [v.date() if isinstance(v, datetime) else v for v in row]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]


def shown(value: object) -> str:
    """A cell's value as the page writes it (Chinese, the users' language)."""
    if value is None:
        return "—"
    if isinstance(value, date):
        return format_date(value, "medium", locale="zh")
    return str(value)


def grow(world: RegionWorld, n: int) -> None:
    """``n`` more Pudong enterprises, each with a certificate (and so a project); their names
    hold 区域, as the world's do."""
    for i in range(n):
        key = f"more{len(world.enterprises)}-{i}"
        world.enterprises[key] = factories.organisation(region=PUDONG, name=f"区域新增企业{key}")
        certified(world, key)
    db.session.flush()


def assert_queries_do_not_grow(world: RegionWorld, browser, count_queries, urls) -> None:
    """The same number of queries (and few) for 3 rows and for 30, each list paged by 2 rows
    so that both count (the caller sets ITEMS_PER_PAGE), as the one signed in now."""
    for url in urls:
        browser.get(url)  # the region names are read once per process
    counts = {}
    for rows, more in ((3, 0), (30, 27)):
        grow(world, more)
        for url in urls:
            with count_queries() as counter:
                assert browser.get(url).status_code == 200
            counts[rows, url] = counter.count
    for url in urls:
        assert counts[30, url] == counts[3, url], url
        assert counts[30, url] <= 6, url


def assert_refused_to_the_parties(world: RegionWorld, browser, url: str) -> None:
    """The enterprise, the consultant and the evaluator get no page nor Excel; the anonymous
    are sent to sign in."""
    parties = world.parties
    for person in (parties.enterprise, parties.consultant, parties.lead):
        browser.login(person.email, factories.PASSWORD)
        for each in (url, f"{url}.xlsx"):
            assert browser.get(each).status_code in (403, 404), (person.role, each)
        browser.logout()
    assert browser.get(url).status_code == 302


def assert_hostile_ignored(browser, url: str, args: str) -> None:
    for each in (f"{url}?{args}", f"{url}.xlsx?{args}"):
        assert browser.get(each).status_code in (200, 404), each
