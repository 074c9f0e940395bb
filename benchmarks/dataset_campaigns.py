"""Campaigns, quotas and the roster, as seeds 000 and 001 have the authorities run them.

Every province's authority launches this year's round with seed 000's window (5月20日–9月30日;
from 5 January when the run falls before the window has had a month) and sets a quota for each
of its reporting units — the prefectures, or the districts of a municipality: an absolute
number, a share of the unit's roster, or both (the larger applies). A self-assessment of this
year filled in inside the window belongs to the round; the others count for no campaign. The
roster (企业名录) lists most registered enterprises of each county (most of them 规上, some
专精特新, a few 小巨人 and pilots) and enterprises without an account: the ones the progress
table lists as not having taken part.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from benchmarks.dataset_core import Clock, Random, Rows, Weights
from benchmarks.dataset_geography import Geography
from benchmarks.dataset_names import company_name, credit_code, place_word
from benchmarks.dataset_people import FOUNDED, People

CAMPAIGN_COLUMNS = (
    "id", "authority_id", "region_code", "year", "round", "title", "opens_on", "closes_on",
    "report_due_on", "target_tag", "notice", "created_by_id", "created_at", "lock_version",
)  # fmt: skip
QUOTA_COLUMNS = ("campaign_id", "region_code", "absolute", "share_percent", "set_by_id", "set_at")
ROSTER_COLUMNS = (
    "id", "credit_code", "name", "region_code", "industry_code", "contact_email",
    "imported_by_id", "updated_at",
)  # fmt: skip
TAG_COLUMNS = ("roster_id", "tag")

ON_ROSTER = 0.7  # of the registered enterprises
UNREGISTERED = 0.25  # roster entries without an account, per registered one listed
TAGS = (("above_scale", 0.75), ("specialised", 0.12), ("little_giant", 0.02), ("pilot", 0.03))
# How a unit's quota is set: a number, a share of its roster, or both (seed 001).
QUOTA_KINDS = Weights.of((("absolute", 50), ("share", 25), ("both", 25)))
NOTICE = "请各地按照通知要求，组织辖区内规模以上工业企业开展两化融合评估诊断和对标引导工作。"


@dataclass
class Rounds:
    """This year's campaign of each province (by its two-digit prefix) and its window."""

    opens_on: date
    closes_on: date
    of_province: dict[str, int] = field(default_factory=dict)

    def campaign_for(self, county: str, year: int, filled_in: date) -> int | None:
        """The round a self-assessment belongs to: its province's, if filled in inside the
        window of this year's round."""
        if year != self.opens_on.year or not self.opens_on <= filled_in <= self.closes_on:
            return None
        return self.of_province.get(county[:2])


def window(today: date) -> tuple[date, date, date]:
    """Seed 000's window, made to hold a month of this year's assessments whatever the day."""
    opens, closes = date(today.year, 5, 20), date(today.year, 9, 30)
    if today < opens + timedelta(days=30):
        opens = date(today.year, 1, 5)
    return opens, closes, closes + timedelta(days=31)


def launch(rows: Rows, geo: Geography, people: People, today: date) -> Rounds:
    """One round per province with enterprises, launched by its authority a week before."""
    opens, closes, due = window(today)
    rounds = Rounds(opens, closes)
    created = Clock.utc(datetime.combine(opens - timedelta(days=7), datetime.min.time()))
    for code, (org, user) in sorted(people.authorities.items()):
        if geo.parents.get(code) is not None:
            continue
        campaign = rows.next_id("campaigns")
        title = f"{today.year}年{geo.names[code]}两化融合评估诊断（第一轮）"
        rows.add("campaigns", campaign, org, code, today.year, 1, title, opens, closes, due,
                 None, NOTICE, user, created, 1)  # fmt: skip
        rounds.of_province[code[:2]] = campaign
    return rounds


def roster(rng: Random, rows: Rows, geo: Geography, people: People) -> Counter[str]:
    """The roster, imported by each province's authority; returns its size per county."""
    sizes: Counter[str] = Counter()
    imported = Clock.utc(FOUNDED)
    codes = {e.credit_code for e in people.enterprises}  # the roster's codes are unique
    for e in people.enterprises:
        if rng.random() >= ON_ROSTER:
            continue
        province = people.authorities[e.county[:2] + "0000"][0]
        _listed(rng, rows, e.credit_code, e.name, e.county, e.industry, province, imported)
        sizes[e.county] += 1
        if rng.random() < UNREGISTERED:
            name = company_name(rng, (place_word(geo.names[e.county]),), e.industry)
            code = credit_code(rng, e.county)
            while code in codes:
                code = credit_code(rng, e.county)
            codes.add(code)
            _listed(rng, rows, code, name, e.county, e.industry, province, imported)
            sizes[e.county] += 1
    return sizes


def _listed(rng: Random, rows: Rows, code: str, name: str, county: str, industry: str,
            authority: int, imported: datetime) -> None:  # fmt: skip
    entry = rows.next_id("roster_enterprises")
    rows.add("roster_enterprises", entry, code, name[:200], county, industry, "", authority,
             imported)  # fmt: skip
    for tag, share in TAGS:
        if rng.random() < share:
            rows.add("roster_tags", entry, tag)


def quotas(
    rng: Random, rows: Rows, geo: Geography, people: People, rounds: Rounds, sizes: Counter[str]
) -> None:
    """Each province sets its units' quotas: about a fifth of the unit's roster, as a number,
    as a share, or both."""
    by_unit: Counter[str] = Counter()
    for county, size in sizes.items():
        by_unit[unit_of(geo, county)] += size
    set_at = Clock.utc(datetime.combine(rounds.opens_on, datetime.min.time()))
    for unit, listed in sorted(by_unit.items()):
        province = unit[:2] + "0000"
        campaign = rounds.of_province.get(unit[:2])
        if campaign is None or unit == province:
            continue
        kind = rng.pick(QUOTA_KINDS)
        absolute = max(1, round(listed * rng.uniform(0.12, 0.28))) if kind != "share" else None
        share = rng.choice((15, 20, 25, 30)) if kind != "absolute" else None
        rows.add("campaign_quotas", campaign, unit, absolute, share,
                 people.authorities[province][0], set_at)  # fmt: skip


def unit_of(geo: Geography, county: str) -> str:
    """The reporting unit of the province's table a county lies in: its prefecture, or the
    county itself when it sits directly under the province (a municipality's districts)."""
    chain = geo.chain(county)
    return chain[1] if len(chain) > 1 else county
