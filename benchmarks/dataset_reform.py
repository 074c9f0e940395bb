"""The Changchun pilot's reform chain (seed 004 二, 三(二)) after the diagnoses, at national
scale: each province authority running the pilot keeps a provider pool — the providers that
diagnosed for it apply, most are reviewed by its officials, admitted after their publicity,
a few refused, suspended or still in review — and about 40% of the enterprises whose diagnosis
was accepted run a reform project (some two) with one to three contracts with admitted
providers, spread over the reform workflow of blueprints/reform/transitions.py: drafts, filed
with the county, agreed, returned, filed by the city and in implementation (a quarter of
those past their planned end), implemented, graded on site by an evaluation body (an SME level
evaluation of kind REFORM), accepted by its expert group with the county's opinion (a tenth
after a failed first round), audited by a third-party audit firm (a few per province, made
here), their outcomes recorded, and subsidies applied for, approved, refused or paid by the
rule in force (a share of 0.3 of the audited eligible cost, capped at 500,000 yuan). What
the programme board and the subsidy list read. About 1,800 projects at scale 1.

Every row is one the services could have written: its history follows the transition table,
its dates follow one another and stay before the run's "now", the third parties named are of
the right kind, the unique indexes and check constraints hold. Files are rows only.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from benchmarks.dataset_core import Clock, Random, Rows, Weights, scaled
from benchmarks.dataset_diagnosis import Diagnosed, _evaluations
from benchmarks.dataset_geography import Geography
from benchmarks.dataset_names import person, place_word, trade_name
from benchmarks.dataset_people import DOMAIN, FOUNDED, Accounts, Party, People, _org

PROGRAMME = "changchun_pilot"
MEMBER_COLUMNS = (
    "id", "programme_key", "authority_id", "provider_id", "status", "status_changed_at",
    "qualifications", "decision_reason", "publicity_starts_on", "publicity_ends_on",
    "publicity_estimated", "rating", "rated_surveys", "rated_acceptances", "created_by_id",
    "created_at", "lock_version",
)  # fmt: skip
PRODUCT_COLUMNS = ("id", "member_id", "name", "scenario_code", "price_low", "price_high", "origin")
FILE = ("original_name", "stored_name", "size", "sha256", "content_type")
POOL_FILE_COLUMNS = ("id", "member_id", *FILE, "uploaded_by_id", "uploaded_at")
REVIEW_COLUMNS = (
    "id", "member_id", "expert_id", "assigned_at", "recommends", "opinion", "recorded_at",
)  # fmt: skip
HISTORY = ("action", "from_status", "to_status", "actor_id", "comment", "at")
POOL_EVENT_COLUMNS = ("id", "member_id", *HISTORY)
PROJECT_COLUMNS = (
    "id", "engagement_id", "programme_key", "authority_id", "county_authority_id",
    "enterprise_id", "evaluation_body_id", "audit_firm_id", "name", "scenario_codes",
    "starts_on", "ends_on", "budget", "status", "status_changed_at", "filed_on", "opinion",
    "training_plan", "training_recorded_on", "evaluation", "evaluated_on", "created_by_id",
    "created_at", "lock_version",
)  # fmt: skip
CONTRACT_COLUMNS = (
    "id", "project_id", "member_id", "provider_id", "products", "price", "starts_on", "ends_on",
    *FILE, "uploaded_by_id", "uploaded_at",
)  # fmt: skip
DELIVERY_COLUMNS = (
    "id", "project_id", "delivered_on", "notes", "original_name", "stored_name", "content_type",
    "recorded_by_id", "recorded_at",
)  # fmt: skip
EVENT_COLUMNS = ("id", "project_id", *HISTORY)
GRADING_COLUMNS = (
    "id", "project_id", "body_id", "evaluation_id", "graded_on", "systems_checked",
    "recorded_by_id", "recorded_at", *FILE,
)  # fmt: skip
ACCEPTANCE_COLUMNS = (
    "id", "project_id", "body_id", "grading_id", "leader_id", "experts", "reviewed_on",
    "site_checked_on", "verdict", "opinion", "corrections", "county_opinion",
    "county_opinion_by_id", "county_opinion_at", "recorded_at", *FILE,
)  # fmt: skip
AUDIT_COLUMNS = (
    "id", "project_id", "firm_id", "reported_on", "eligible_cost", "conclusion",
    "recorded_by_id", "recorded_at", *FILE,
)  # fmt: skip
SUBSIDY_COLUMNS = (
    "id", "project_id", "status", "requested_amount", "eligible_cost", "audit_report_id",
    "applied_by_id", "applied_at", "share", "cap", "approved_amount", "decision_note",
    "decided_by_id", "decided_at", "paid_amount", "paid_on", "payment_reference",
    "paid_recorded_by_id", "lock_version",
)  # fmt: skip
OUTCOME_COLUMNS = (
    "id", "project_id", "category", "indicator", "unit", "before", "after", "recorded_by_id",
    "recorded_at",
)  # fmt: skip
# Parents first (SQLite checks each row's keys as it is written).
TABLES = (
    ("pool_members", MEMBER_COLUMNS),
    ("pool_products", PRODUCT_COLUMNS),
    ("pool_files", POOL_FILE_COLUMNS),
    ("pool_reviews", REVIEW_COLUMNS),
    ("pool_events", POOL_EVENT_COLUMNS),
    ("reform_projects", PROJECT_COLUMNS),
    ("reform_contracts", CONTRACT_COLUMNS),
    ("reform_deliveries", DELIVERY_COLUMNS),
    ("reform_events", EVENT_COLUMNS),
    ("reform_gradings", GRADING_COLUMNS),
    ("reform_acceptances", ACCEPTANCE_COLUMNS),
    ("reform_audit_reports", AUDIT_COLUMNS),
    ("reform_subsidies", SUBSIDY_COLUMNS),
    ("reform_outcomes", OUTCOME_COLUMNS),
)

# The rule in force (app/config.py's REFORM_SUBSIDY_SHARE and REFORM_SUBSIDY_CAP).
SHARE, CAP = Decimal("0.3"), Decimal(500_000)
CENT = Decimal("0.01")
PDF = "application/pdf"
# A place in the pool: most admitted; the rest at every other step.
POOL_STATUSES = Weights.of((
    ("admitted", 76), ("suspended", 3), ("removed", 2), ("in_publicity", 4), ("reviewed", 3),
    ("in_review", 3), ("submitted", 3), ("refused", 4), ("draft", 2),
))  # fmt: skip
# Where a project stands; "rectifying": back in implementation after a failed acceptance.
PROJECT_STATUSES = Weights.of((
    ("draft", 8), ("awaiting_county", 6), ("awaiting_city", 5), ("returned", 5),
    ("in_implementation", 21), ("rectifying", 3), ("implemented", 10), ("graded", 10),
    ("accepted", 32),
))  # fmt: skip
ORDER = (
    "draft", "awaiting_county", "returned", "awaiting_city", "in_implementation", "implemented",
    "graded", "rectifying", "accepted",
)  # fmt: skip
# The days a status needs after the draft at least; a shorter window takes an earlier one.
MIN_DAYS = {
    "draft": 0, "awaiting_county": 2, "returned": 4, "awaiting_city": 4,
    "in_implementation": 8, "implemented": 40, "graded": 50, "rectifying": 70, "accepted": 60,
}  # fmt: skip
# The newest subsidy of an accepted project graded 二级 or above, audited, its outcomes in.
SUBSIDIES = Weights.of((
    (None, 20), ("applied", 18), ("approved", 14), ("refused", 8), ("reapplied", 5),
    ("paid", 35),
))  # fmt: skip
PRODUCTS = (
    "设备联网与数据采集套件", "轻量化生产执行系统（MES）", "仓储管理系统（WMS）",
    "质量追溯平台", "能耗在线监测系统", "工艺仿真云平台", "供应链协同平台", "设备预测性维护系统",
    "数字化车间看板", "企业资源计划（ERP）云服务",
)  # fmt: skip
PROJECT_WORDS = (
    "设备联网与数据采集改造", "生产执行系统（MES）建设", "仓储物流数字化改造",
    "质量检测数据采集与追溯改造", "能源管理数字化改造", "工艺仿真与优化", "供应链协同平台建设",
    "设备预测性维护改造", "数字化车间建设",
)  # fmt: skip
OUTCOMES = (
    ("efficiency", "生产效率", "批次/月", 40, 1.25),
    ("quality", "产品一次合格率", "%", 95, 1.02),
    ("cost", "单位产品成本", "元/件", 38, 0.85),
    ("green", "单位产值综合能耗", "吨标煤/万元", 0.08, 0.85),
    ("safety", "安全事故", "起/年", 2, 0.0),
    ("market", "新增订单", "万元/年", 300, 1.3),
    ("innovation", "新产品研发周期", "天", 120, 0.75),
)
VERDICTS = Weights.of((("pass", 70), ("pass_with_corrections", 30)))
# An opinion awaiting the county's: a failed one too.
PENDING = Weights.of((("pass", 60), ("pass_with_corrections", 25), ("fail", 15)))
# The days from one step to the next (low, high), and the steps each status goes through.
STEP_DAYS = {
    "file": (3, 10), "county": (2, 7), "city": (2, 7), "training": (3, 10),
    "complete": (60, 150), "appoint": (1, 5), "grade": (5, 20), "acceptance": (5, 15),
    "conclude": (2, 7), "audit": (3, 15), "outcomes": (1, 5), "apply": (1, 10),
    "decide": (5, 20), "pay": (5, 30),
}  # fmt: skip
_IMPLEMENTED = ("file", "county", "city", "training", "complete", "appoint")
NEEDS = {
    "draft": (),
    "awaiting_county": ("file",),
    "returned": ("file", "county", "city"),
    "awaiting_city": ("file", "county"),
    "in_implementation": ("file", "county", "city", "training", "appoint"),
    "implemented": (*_IMPLEMENTED, "audit"),
    "graded": (*_IMPLEMENTED, "grade", "acceptance", "audit"),
    "rectifying": (*_IMPLEMENTED, "grade", "acceptance", "conclude"),
    "accepted": tuple(STEP_DAYS),
}
# A history row: action, from, to, actor, comment, when (local).
Event = tuple[str, str, str, "int | None", str, datetime]
Move = Callable[[str, str, "int | None", str, datetime], None]
Graded = tuple[int, int, date]  # grading id, grade level, day
QUALIFICATIONS = "具备数字化转型服务能力，近三年完成同类项目 10 余个。"
RETURNED = "合同服务商与资源池不一致，请核对后重新报送。"


def _day(moment: datetime) -> date:
    return moment.date()


def _file(name: str, stored: str, size: int) -> tuple[str, str, int, str, str]:
    return (name, stored, size, f"{size:064x}", PDF)


@dataclass
class Pool:
    """An authority's pool: its admitted places by provider (member id)."""

    admitted: dict[int, int] = field(default_factory=dict)


class ReformWriter:
    def __init__(
        self, rng: Random, rows: Rows, geo: Geography, people: People, clock: Clock
    ) -> None:
        self.rng, self.rows, self.geo, self.people, self.clock = rng, rows, geo, people, clock
        self.latest = clock.now - timedelta(hours=1)
        self.pools: dict[int, Pool] = {}
        self.firms: dict[str, list[Party]] = {}
        self.reform_numbers: dict[int, int] = {}
        self.evaluations = _evaluations()
        self.scenarios = _scenario_codes()
        self.experts = [person(rng) for _ in range(40)]

    # --- the pools and the audit firms ---------------------------------------------------

    def audit_firms(self, scale: float) -> None:
        """A few audit firms per province the pilot runs in, each with its auditor."""
        accounts = Accounts(self.rng, self.rows, self.people)
        for province in sorted(self.geo.counties):
            firms = self.firms.setdefault(province, [])
            for n in range(scaled(3, scale, 1)):
                kind = self.rng.choice(("会计师事务所有限公司", "会计师事务所（特殊普通合伙）"))
                place = place_word(self.geo.names[province + "0000"])
                name = f"{place}{trade_name(self.rng)}{kind}"
                org = _org(self.rows, "audit_firm", name, FOUNDED + timedelta(days=n),
                           region=province + "0000")  # fmt: skip
                user = accounts.add(org, "auditor", f"shenji{org}@{DOMAIN}", person(self.rng),
                                    FOUNDED + timedelta(days=n), admin=True)  # fmt: skip
                firms.append(Party(org, name, None, [user]))

    def pool(self, authority: int, official: int, providers: list[tuple[int, int]]) -> None:
        """The authority's pool: a place for each provider that diagnosed for it."""
        pool = self.pools.setdefault(authority, Pool())
        for provider, expert in providers:
            self._member(pool, authority, official, provider, expert)

    def _member(self, pool: Pool, authority: int, official: int, provider: int,
                expert: int) -> None:  # fmt: skip
        """A provider's place, at a step drawn, with its products, file, review and history."""
        status = self.rng.pick(POOL_STATUSES)
        recent = status not in ("admitted", "suspended", "removed")
        # In publicity: admitted in the last few days, the publicity not over yet.
        days = self.rng.randint(10, 14) if status == "in_publicity" else (
            self.rng.randint(10, 60) if recent else self.rng.randint(340, 400))  # fmt: skip
        start = self.clock.now - timedelta(days=days)
        member = self.rows.next_id("pool_members")
        # Submitted, assigned, reviewed, decided, the publicity closed, suspended.
        moments = iter(
            start + timedelta(days=d, minutes=self.rng.randrange(480))
            for d in (0, 3, 5, 8, 10, 18, 40)
        )
        created = next(moments)
        history: list[tuple[str, str, str, int, str, datetime]] = []
        reviews: list[tuple[int, datetime, bool | None, str, datetime | None]] = []
        publicity: tuple[date | None, date | None] = (None, None)
        reason = ""
        state = "draft"

        def move(action: str, to: str, actor: int, comment: str = "") -> datetime:
            nonlocal state
            at = next(moments)
            history.append((action, state, to, actor, comment, at))
            state = to
            return at

        if status != "draft":
            move("submit", "submitted", expert)
        if status not in ("draft", "submitted"):
            move("assign", "in_review", official)
            reviews.append((official, history[-1][5], None, "", None))
            if status != "in_review":
                recommends = status != "refused"
                opinion = "资质齐全，业绩真实，建议入库。" if recommends else "业绩材料不足。"
                at = move("record_opinion", "reviewed", official, opinion)
                reviews[0] = (official, reviews[0][1], recommends, opinion, at)
        if status == "refused":
            reason = "近三年同类项目业绩不足，不予入库。"
            move("refuse", "refused", official, reason)
        elif status not in ("draft", "submitted", "in_review", "reviewed"):
            reason = "经专家评审，符合入库条件。"
            admitted = move("admit", "in_publicity", official, reason)
            # Five working days: a week, give or take.
            publicity = (admitted.date(), admitted.date() + timedelta(days=7))
            if status != "in_publicity":
                move("close_publicity", "admitted", 0)
                pool.admitted[provider] = member
            if status in ("suspended", "removed"):
                reason = "服务企业满意度评价较低，暂停推荐。"
                move("remove" if status == "removed" else "suspend", status, official,
                     reason)  # fmt: skip
        changed = history[-1][5] if history else created
        self.rows.add("pool_members", member, PROGRAMME, authority, provider, status,
                      Clock.utc(changed), QUALIFICATIONS, reason, publicity[0], publicity[1],
                      False, None, 0, 0, expert, Clock.utc(created),
                      1 + len(history))  # fmt: skip
        for n in range(self.rng.randint(1, 3)):
            low = Decimal(self.rng.randrange(5, 50) * 1000)
            self.rows.add("pool_products", self.rows.next_id("pool_products"), member,
                          PRODUCTS[(member + n) % len(PRODUCTS)],
                          self.rng.choice(self.scenarios), low, low * 2,
                          "existing" if self.rng.random() < 0.8 else "new")  # fmt: skip
        pool_file = self.rows.next_id("pool_files")
        self.rows.add("pool_files", pool_file, member,
                      *_file("营业执照及资质证书.pdf", f"bench-pool-{pool_file}", 204_800),
                      expert, Clock.utc(created))  # fmt: skip
        for expert_id, assigned, recommends, opinion, recorded in reviews:
            self.rows.add("pool_reviews", self.rows.next_id("pool_reviews"), member,
                          expert_id, Clock.utc(assigned), recommends, opinion,
                          Clock.utc(recorded))  # fmt: skip
        for action, before, after, actor, comment, at in history:
            self.rows.add("pool_events", self.rows.next_id("pool_events"), member, action,
                          before, after, actor or None, comment, Clock.utc(at))  # fmt: skip

    # --- the projects --------------------------------------------------------------------

    def project(self, d: Diagnosed, drafted: datetime, status: str) -> None:
        rng, rows = self.rng, self.rows
        e = d.enterprise
        owner = e.contact_id
        county, county_user = self.people.authorities[e.county]
        project = rows.next_id("reform_projects")
        events: list[Event] = []
        # The nominal days between the steps the status needs, squeezed into the window left
        # before "now" when it is shorter.
        days = {step: rng.randint(low, high) for step, (low, high) in STEP_DAYS.items()}
        needed = sum(days[step] for step in NEEDS[status]) * 86_400
        factor = min(1.0, (self.latest - drafted).total_seconds() / needed) if needed else 1.0
        moment = drafted

        def at(step: str) -> datetime:
            nonlocal moment
            gap = timedelta(seconds=days[step] * 86_400 * factor + 60)
            moment = min(moment + gap, self.latest)
            return moment

        state = "draft"

        def move(action: str, to: str, actor: int | None, comment: str, when: datetime) -> None:
            nonlocal state
            events.append((action, state, to, actor, comment, when))
            state = to

        last = ORDER.index(status)
        filed_on: date | None = None
        opinion = ""
        training: date | None = None
        evaluated: date | None = None
        body: Party | None = None
        firm: Party | None = None
        changed = drafted
        starts = (drafted + timedelta(days=rng.randint(5, 25) * factor)).date()
        ends = starts + timedelta(days=rng.randint(90, 300))
        budget = Decimal(rng.randrange(300, 3000) * 1000)
        if last >= ORDER.index("awaiting_county"):
            changed = at("file")
            filed_on = changed.date()
            move("file", "awaiting_county", owner, "", changed)
        if status == "returned":
            opinion = RETURNED
            if rng.random() < 0.5:
                changed = at("county")
                move("county_return", "returned", county_user, opinion, changed)
            else:
                move("county_agree", "awaiting_city", county_user, "同意报送。", at("county"))
                changed = at("city")
                move("city_return", "returned", d.official, opinion, changed)
        elif last >= ORDER.index("awaiting_city"):
            opinion = "符合本区产业方向，同意报送。"
            changed = at("county")
            move("county_agree", "awaiting_city", county_user, opinion, changed)
        if last >= ORDER.index("in_implementation"):
            opinion = "合同与资源池一致，准予入库实施。"
            changed = at("city")
            move("city_file", "in_implementation", d.official, opinion, changed)
            if status == "in_implementation" and rng.random() < 0.25:
                # Past its planned end and still in implementation: the board's overdue list.
                overdue = self.clock.today - timedelta(days=rng.randint(1, 60))
                if overdue > starts:
                    ends = overdue
        contracts = self._contracts(d, project, starts, ends, budget, drafted)
        deliveries: list[date] = []
        city_filed = changed
        done = last >= ORDER.index("implemented")
        if done or (status == "in_implementation" and rng.random() < 0.5):
            training = at("training").date()
        if done:
            completed = at("complete")
            deliveries = sorted(
                rng.day_between(city_filed.date(), completed.date())
                for _ in range(rng.randint(1, 3))
            )
            evaluated = completed.date()
            move("complete", "implemented", owner, "", completed)
            changed = completed
        elif training and rng.random() < 0.5:
            deliveries = [rng.day_between(training, self.latest.date())]
        if done or (state == "in_implementation" and rng.random() < 0.5):
            body = self._body()
            firm = rng.choice(self.firms[e.county[:2]])
            move("appoint", state, d.official, "", at("appoint"))
        gradings: list[Graded] = []
        if last >= ORDER.index("graded"):
            assert body is not None
            failing = status == "rectifying" or (status == "accepted" and rng.random() < 0.1)
            gradings.append(self._grading(project, d, body, at("grade"), move, low=failing))
            changed = moment
            concluded = status != "graded"
            if concluded or rng.random() < 0.5:
                verdict = "fail" if failing else rng.pick(PENDING if not concluded else VERDICTS)
                acceptance = at("acceptance")
                conclusion = (county_user, at("conclude")) if concluded else None
                changed = self._acceptance(
                    project, body, gradings[-1], verdict, acceptance, conclusion, move
                )
                if failing and status == "accepted":  # the second round passes
                    move("complete", "implemented", owner, "", at("complete"))
                    gradings.append(self._grading(project, d, body, at("grade"), move))
                    acceptance = at("acceptance")
                    changed = self._acceptance(
                        project, body, gradings[-1], rng.pick(VERDICTS), acceptance,
                        (county_user, at("conclude")), move,
                    )  # fmt: skip
        chance = {"implemented": 0.3, "graded": 0.6, "accepted": 0.9}.get(state, 0.0)
        audit: tuple[int, Decimal] | None = None
        if firm is not None and rng.random() < chance:
            reported = at("audit")
            contracted = sum(contracts, Decimal(0))
            eligible = (contracted * Decimal(rng.uniform(0.8, 1.0))).quantize(CENT, ROUND_DOWN)
            report = rows.next_id("reform_audit_reports")
            rows.add("reform_audit_reports", report, project, firm.id, reported.date(), eligible,
                     "改造费用真实、合规，认定如上。", firm.people[0], Clock.utc(reported),
                     *_file("专项审计报告.pdf", f"bench-audit-{report}", 512_000))  # fmt: skip
            move("audit_report", state, firm.people[0], "", reported)
            audit = (report, eligible)
        if state == "accepted":
            self._subsidy(project, d, owner, gradings[-1], audit, at, events.append)
        rows.add("reform_projects", project, d.engagement, PROGRAMME, d.authority,
                 county if filed_on else None, e.id, body.id if body else None,
                 firm.id if firm else None, rng.choice(PROJECT_WORDS),
                 rng.sample(self.scenarios, rng.randint(1, 3)), starts, ends, budget, state,
                 Clock.utc(changed), filed_on, opinion,
                 "上线前全员系统操作培训，2 个课时。" if training else "", training,
                 "培训效果评估：操作考核全部通过。" if evaluated else "", evaluated, owner,
                 Clock.utc(drafted), 1 + len(events))  # fmt: skip
        for day in deliveries:
            recorded = datetime.combine(day, datetime.min.time()) + timedelta(hours=17)
            rows.add("reform_deliveries", rows.next_id("reform_deliveries"), project, day,
                     "系统上线试运行。", None, None, None, owner,
                     Clock.utc(min(recorded, self.latest)))  # fmt: skip
        for action, before, after, actor, comment, when in events:
            rows.add("reform_events", rows.next_id("reform_events"), project, action, before,
                     after, actor, comment, Clock.utc(when))  # fmt: skip

    def _body(self) -> Party:
        # The bodies auditing the projects, weighted as they are there (the register's others
        # carry no weight).
        weights = self.people.body_weights
        return self.rng.choices(self.people.bodies[: len(weights)], weights)[0]

    def _contracts(self, d: Diagnosed, project: int, starts: date, ends: date, budget: Decimal,
                   drafted: datetime) -> list[Decimal]:  # fmt: skip
        """One to three contracts with admitted providers of the pool, the diagnosing provider
        first when it is one; their prices within the budget, their terms within the period."""
        admitted = self.pools[d.authority].admitted
        chosen = [d.provider] if d.provider in admitted else []
        others = sorted(set(admitted) - set(chosen))
        chosen += self.rng.sample(others, min(len(others), self.rng.randint(1, 3) - len(chosen)))
        prices = []
        share = Decimal(self.rng.uniform(0.7, 0.95)) / max(1, len(chosen))
        for provider in chosen:
            contract = self.rows.next_id("reform_contracts")
            price = (budget * share).quantize(Decimal(1000), ROUND_DOWN)
            term = starts + timedelta(days=self.rng.randint(60, max(60, (ends - starts).days)))
            self.rows.add("reform_contracts", contract, project, admitted[provider], provider,
                          f"{self.rng.choice(PRODUCTS)}\n含实施、培训与一年运维。", price, starts,
                          min(term, ends),
                          *_file("改造服务合同.pdf", f"bench-contract-{contract}", 307_200),
                          d.enterprise.contact_id,
                          Clock.utc(drafted + timedelta(minutes=10)))  # fmt: skip
            prices.append(price)
        return prices

    def _grading(self, project: int, d: Diagnosed, body: Party, when: datetime, move: Move,
                 low: bool = False) -> Graded:  # fmt: skip
        """The body's grading: an SME evaluation of kind reform, numbered for the enterprise;
        (grading id, grade, day)."""
        e = d.enterprise.id
        before = d.grade if d.grade is not None else 1
        grade = min(4, before + self.rng.choice((0, 1, 1, 2)))
        if low:
            grade = min(grade, 1)
        number = self.reform_numbers.get(e, 0) + 1
        self.reform_numbers[e] = number
        grader = self.rng.choice(body.people)
        points, levels, total, level = self.evaluations[grade]
        evaluation = self.rows.next_id("sme_level_evaluations")
        self.rows.add("sme_level_evaluations", evaluation, e, number, None, "sme_level_2024",
                      "reform", points, levels, total, level, Clock.utc(when), grader,
                      Clock.utc(when))  # fmt: skip
        grading = self.rows.next_id("reform_gradings")
        self.rows.add("reform_gradings", grading, project, body.id, evaluation, when.date(),
                      "系统均已上线运行，数据连续采集 30 天。", grader, Clock.utc(when),
                      *_file("中小企业数字化水平评测报告.pdf", f"bench-grading-{grading}",
                             716_800))  # fmt: skip
        move("grade", "graded", grader, f"评测等级：{level} 级", when)
        return grading, level, when.date()

    def _acceptance(self, project: int, body: Party, grading: Graded, verdict: str,
                    recorded: datetime, concluded: tuple[int, datetime] | None,
                    move: Move) -> datetime:  # fmt: skip
        """The expert group's opinion, and the county's when ``concluded``; the last moment."""
        leader = body.people[0]
        reviewed = max(grading[2], (recorded - timedelta(days=1)).date())
        experts = self.rng.sample(self.experts, self.rng.randint(2, 4))
        acceptance = self.rows.next_id("reform_acceptances")
        opinion = ("改造按既定方案实施，系统运行稳定，同意通过验收。" if verdict != "fail"
                   else "部分系统未上线运行，不予通过，请整改后重新申请。")  # fmt: skip
        corrections = "" if verdict == "pass" else "补充系统运行数据，完善操作规程。"
        county_user, at = concluded if concluded else (None, None)
        county_opinion = "同意专家组意见。" if verdict != "fail" else "同意专家组意见，限期整改。"
        self.rows.add("reform_acceptances", acceptance, project, body.id, grading[0], leader,
                      experts, reviewed, max(reviewed, recorded.date()), verdict, opinion,
                      corrections, county_opinion if concluded else "", county_user,
                      Clock.utc(at), Clock.utc(recorded),
                      *_file("数字化改造项目验收意见.pdf", f"bench-acceptance-{acceptance}",
                             409_600))  # fmt: skip
        move("acceptance", "graded", leader, {"pass": "通过", "fail": "不通过"}.get(
            verdict, "整改后通过"), recorded)  # fmt: skip
        if concluded and at is not None:
            name, to = ("rectify", "in_implementation") if verdict == "fail" else (
                "accept", "accepted")  # fmt: skip
            move(name, to, county_user, county_opinion, at)
            return at
        return recorded

    def _subsidy(self, project: int, d: Diagnosed, owner: int, graded: Graded,
                 audit: tuple[int, Decimal] | None, at: Callable[[str], datetime],
                 log: Callable[[Event], None]) -> None:  # fmt: skip
        """Outcomes for most accepted projects; a subsidy when the grade and the audit allow.
        Its history rows go on the project, from and to the subsidy's status."""
        rng, rows = self.rng, self.rows
        eligible_for = audit is not None and graded[1] >= 2
        if not eligible_for and rng.random() < 0.3:
            return
        recorded = at("outcomes")
        for category, indicator, unit, before, ratio in rng.sample(OUTCOMES, rng.randint(1, 5)):
            value = Decimal(str(before)) * Decimal(rng.uniform(0.8, 1.2))
            rows.add("reform_outcomes", rows.next_id("reform_outcomes"), project, category,
                     indicator, unit, value.quantize(Decimal("0.0001")),
                     (value * Decimal(ratio)).quantize(Decimal("0.0001")), owner,
                     Clock.utc(recorded))  # fmt: skip
        if not eligible_for:
            return
        assert audit is not None
        report, eligible = audit
        newest = rng.pick(SUBSIDIES)
        if newest is None:
            return
        maximum = min((SHARE * eligible).quantize(CENT, ROUND_DOWN), CAP)
        rounds = ["refused", "applied"] if newest == "reapplied" else [newest]
        before = ""
        for outcome in rounds:
            subsidy = rows.next_id("reform_subsidies")
            requested = (maximum * Decimal(rng.uniform(0.85, 1.0))).quantize(CENT, ROUND_DOWN)
            applied = at("apply")
            log(("subsidy_apply", before, "applied", owner, f"{requested:,.2f}", applied))
            decided = decided_at = approved = paid = paid_on = None
            share = cap = None
            note, reference = "", ""
            if outcome != "applied":
                decided_at = at("decide")
                decided = d.official
                if outcome == "refused":
                    note = "专项审计认定费用与合同不符，请补充材料后重新申请。"
                    log(("subsidy_refuse", "applied", "refused", decided, note, decided_at))
                else:
                    share, cap = SHARE, CAP
                    approved = requested
                    note = "按专项审计认定费用核定。"
                    amount = f"{approved:,.2f}"
                    log(("subsidy_approve", "applied", "approved", decided, amount, decided_at))
            if outcome == "paid":
                paid_at = at("pay")
                paid, paid_on = approved, paid_at.date()
                reference = f"财企指〔{paid_on.year}〕{subsidy}号"
                log(("subsidy_pay", "approved", "paid", decided, reference, paid_at))
            rows.add("reform_subsidies", subsidy, project, outcome, requested, eligible, report,
                     owner, Clock.utc(applied), share, cap, approved, note, decided,
                     Clock.utc(decided_at), paid, paid_on, reference,
                     decided if paid else None,
                     1 + (decided is not None) + (paid is not None))  # fmt: skip
            before = outcome


def _scenario_codes() -> list[str]:
    from blueprints.diagnosis import scenarios

    catalogue = scenarios.catalogue("changchun_2024")
    assert catalogue is not None, "the pilot's scenario catalogue"
    return [code for code in catalogue.every if code.count(".") == 2]


def build(rng: Random, rows: Rows, geo: Geography, people: People, clock: Clock, scale: float,
          pilot: list[Diagnosed]) -> None:  # fmt: skip
    writer = ReformWriter(rng, rows, geo, people, clock)
    writer.audit_firms(scale)
    providers: dict[int, dict[int, int]] = {}
    officials: dict[int, int] = {}
    for d in pilot:
        providers.setdefault(d.authority, {})[d.provider] = d.expert
        officials[d.authority] = d.official
    for authority in sorted(providers):
        writer.pool(authority, officials[authority], sorted(providers[authority].items()))
    accepted = [d for d in pilot if d.status == "accepted" and writer.pools[d.authority].admitted]
    planned: list[tuple[Diagnosed, datetime, str]] = []

    def plan(d: Diagnosed, drafted: datetime, status: str | None = None) -> None:
        if drafted >= writer.latest:
            return
        status = status or rng.pick(PROJECT_STATUSES)
        days = (writer.latest - drafted).days
        while MIN_DAYS[status] > days:  # too little time for it: an earlier status
            status = "graded" if status == "rectifying" else ORDER[ORDER.index(status) - 1]
        planned.append((d, drafted, status))

    for d in accepted:
        if rng.random() >= 0.4:
            continue
        for n in range(2 if rng.random() < 0.15 else 1):
            plan(d, d.moved + timedelta(days=rng.randint(1, 15) + 30 * n,
                                        minutes=rng.randrange(480)))  # fmt: skip
    # Every status at least once (at a small scale), on the engagements accepted longest ago.
    shown = {status for _d, _drafted, status in planned}
    oldest = sorted(accepted, key=lambda d: (d.moved, d.engagement))
    missing = [status for status in ORDER if status not in shown]
    for status, d in zip(missing, itertools.cycle(oldest) if oldest else (), strict=False):
        plan(d, d.moved + timedelta(hours=20), status)
    for d, drafted, status in planned:
        writer.project(d, drafted, status)
