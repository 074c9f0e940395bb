"""Diagnosis engagements (seeds 002 and 004) at national scale: about 30,000 engagements at
scale 1, each province's authority enrolling enterprises of its province with one of some 200
service providers, half in each programme. Engagements past going on site carry their
verified key indicators (Inner Mongolia's programme) or an on-site SME grade (Changchun's),
and half the pilot's enterprises their own SME self-evaluation; providers have sent their
authorities zero to three monthly progress reports. What the authorities' progress page and
the progress reports read, in the proportions of a running programme.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from benchmarks.dataset_core import Clock, JsonText, Random, Rows, Weights, scaled
from benchmarks.dataset_geography import Geography
from benchmarks.dataset_names import person, place_word, trade_name
from benchmarks.dataset_people import DOMAIN, FOUNDED, Accounts, Enterprise, People, _org
from blueprints.diagnosis import sme_level
from blueprints.engagements.indicators import definitions

ENGAGEMENT_COLUMNS = (
    "id", "programme_key", "authority_id", "enterprise_id", "provider_id", "status",
    "status_changed_at", "agreement_signed_on", "agreement_ends_on", "record_changed_at",
    "report", "report_submitted_at", "ratings", "verdict", "adoption", "survey_comment",
    "surveyed_at", "acceptance_opinion", "accepted_at", "created_by_id", "created_at",
    "lock_version",
)  # fmt: skip
INDICATOR_COLUMNS = ("engagement_id", "key", "self_value", "verified_value", "note")
SME_COLUMNS = (
    "id", "organisation_id", "number", "engagement_id", "table_key", "kind", "points", "levels",
    "total_points", "grade_level", "pledged_at", "created_by_id", "created_at",
)  # fmt: skip
REPORT_COLUMNS = (
    "id", "programme_key", "provider_id", "authority_id", "period_start", "period_end",
    "summary", "figures", "submitted_by_id", "submitted_at",
)  # fmt: skip

STATUSES = Weights.of((
    ("enrolled", 10), ("agreed", 10), ("on_site", 25), ("reported", 5), ("presented", 5),
    ("surveyed", 5), ("revising", 5), ("accepted", 30), ("withdrawn", 5),
))  # fmt: skip
ON_SITE_OR_LATER = frozenset(
    {"on_site", "reported", "presented", "surveyed", "revising", "accepted"}
)
GRADED = ON_SITE_OR_LATER - {"on_site"}
EMPTY = JsonText("{}")
SUMMARY = "本月完成入企诊断，培训和现场调研按计划推进；下月完成诊断报告编制。"
# Grade levels 0-4 by weight: most SMEs reach the first or second level.
GRADES = Weights.of(((0, 15), (1, 35), (2, 30), (3, 15), (4, 5)))


def _evaluations() -> dict[int, tuple[JsonText, JsonText, float, int]]:
    """For each grade aimed at, an evaluation that reaches it: points spread evenly to its
    threshold and ten more, every scenario at its level; graded by the table's own rule and
    serialised once (points, levels, total, grade)."""
    table = sme_level.table()
    made = {}
    for aim in range(5):
        share = (aim * 20 + 10) / len(table.indicators)
        points = {i.key: round(share, 2) for i in table.indicators}
        levels = {sc.key: aim for sc in table.scenarios}
        graded = sme_level.grade(table, points, levels)
        made[aim] = (JsonText(json.dumps(points)), JsonText(json.dumps(levels)), graded.points,
                     graded.grade.level if graded.grade else 0)  # fmt: skip
    return made


@dataclass(frozen=True, slots=True)
class Diagnosed:
    """A live engagement of the pilot, as the reform phase (benchmarks/dataset_reform.py)
    builds on it: who enrolled whom with which provider, its state and, once accepted, when
    (local time) and the on-site grade it found."""

    engagement: int
    enterprise: Enterprise
    authority: int
    official: int
    provider: int
    expert: int
    status: str
    moved: datetime
    grade: int | None


def build(rng: Random, rows: Rows, geo: Geography, people: People, clock: Clock,
          scale: float) -> list[Diagnosed]:  # fmt: skip
    """The engagements; returns the pilot's live ones (the reform phase's ground)."""
    pilot: list[Diagnosed] = []
    accounts = Accounts(rng, rows, people)
    providers = []
    for n in range(scaled(200, scale, 2)):
        province = rng.choice(sorted(geo.counties))
        name = f"{place_word(geo.names[province + '0000'])}{trade_name(rng)}数字化转型服务有限公司"
        org = _org(rows, "service_provider", name, FOUNDED + timedelta(days=n),
                   region=province + "0000")  # fmt: skip
        user = accounts.add(org, "diagnostician", f"zhenduan{org}@{DOMAIN}", person(rng),
                            FOUNDED + timedelta(days=n), admin=True)  # fmt: skip
        providers.append((org, user))
    keys = [i.key for i in definitions()]
    evaluations = _evaluations()
    count = min(scaled(30_000, scale, 9), len(people.enterprises))
    pairs: set[tuple[int, int, int, str]] = set()
    for enterprise in rng.sample(people.enterprises, count):
        authority, official = people.authorities[enterprise.county[:2] + "0000"]
        provider, expert = rng.choice(providers)
        programme = rng.choice(("nmg_offline", "changchun_pilot"))
        status = rng.pick(STATUSES)
        created = clock.now - timedelta(days=rng.randint(5, 300), minutes=rng.randrange(600))
        signed = (created + timedelta(days=3)).date() if status != "enrolled" else None
        ends = signed + timedelta(days=30) if signed and programme == "changchun_pilot" else None
        moved = min(clock.now, created + timedelta(days=rng.randint(3, 60)))
        reported = moved if status in GRADED else None
        engagement = rows.next_id("diagnosis_engagements")
        rows.add("diagnosis_engagements", engagement, programme, authority, enterprise.id,
                 provider, status, Clock.utc(moved), signed, ends, None, EMPTY,
                 Clock.utc(reported) if reported else None, EMPTY, None, None, "", None, "",
                 Clock.utc(moved) if status == "accepted" else None, official,
                 Clock.utc(created), 1)  # fmt: skip
        if status != "withdrawn":
            pairs.add((provider, expert, authority, programme))
        grade = None
        if status not in ON_SITE_OR_LATER:
            _diagnosed(pilot, programme, engagement, enterprise, authority, official, provider,
                       expert, status, moved, grade)  # fmt: skip
            continue
        if programme == "nmg_offline":
            for key in keys:
                reported_value = round(rng.uniform(0, 100), 1)
                verified = max(0.0, min(100.0, reported_value + rng.uniform(-15, 5)))
                rows.add("diagnosis_indicators", engagement, key, reported_value,
                         round(verified, 1), "")  # fmt: skip
        elif status in GRADED:
            made = evaluations[rng.pick(GRADES)]
            grade = made[3]
            _evaluation(rows, made, enterprise.id, engagement, "on_site", expert, moved)
            if rng.random() < 0.5:
                made = evaluations[rng.pick(GRADES)]
                _evaluation(rows, made, enterprise.id, None, "self",
                            enterprise.contact_id or expert, created)  # fmt: skip
        _diagnosed(pilot, programme, engagement, enterprise, authority, official, provider,
                   expert, status, moved, grade)  # fmt: skip
    for provider, expert, authority, programme in sorted(pairs):
        start = (clock.now - timedelta(days=120)).date()
        for _n in range(rng.randint(0, 3)):
            end = start + timedelta(days=29)
            sent = Clock.utc(datetime.combine(end + timedelta(days=1), datetime.min.time()))
            rows.add("diagnosis_progress_reports", rows.next_id("diagnosis_progress_reports"),
                     programme, provider, authority, start, end, SUMMARY, EMPTY, expert,
                     sent)  # fmt: skip
            start = end + timedelta(days=1)
    return pilot


def _diagnosed(pilot: list[Diagnosed], programme: str, engagement: int, enterprise: Enterprise,
               authority: int, official: int, provider: int, expert: int, status: str,
               moved: datetime, grade: int | None) -> None:  # fmt: skip
    if programme == "changchun_pilot" and status != "withdrawn":
        pilot.append(Diagnosed(engagement, enterprise, authority, official, provider, expert,
                               status, moved, grade))  # fmt: skip


def _evaluation(rows: Rows, made: tuple[JsonText, JsonText, float, int], org: int,
                engagement: int | None, kind: str, user: int, when: datetime) -> None:  # fmt: skip
    points, levels, total, grade = made
    # Numbered 1: an enterprise has one engagement here, and at most one self-evaluation.
    rows.add("sme_level_evaluations", rows.next_id("sme_level_evaluations"), org, 1, engagement,
             "sme_level_2024", kind, points, levels, total, grade, Clock.utc(when), user,
             Clock.utc(when))  # fmt: skip
