"""The evaluator register at national scale: some 60 evaluation bodies with about 6,000
evaluators at scale 1 (the bodies and people the projects' audits use, and more of both), each
with their registrations (评定人员 for everyone, 高级评定人员 for a third, 组长资格 for a fifth),
their sector competence (GB/T 4754 divisions weighted as the enterprises are, some whole
sections) and their training of the last three years.

A registration runs three years; a grade held since long ago is a chain of renewals, all
approved, the newest valid — or expired and not renewed (the person lapsed), or waiting for
the alliance's approval, or returned. Expiry reminders already sent are marked as the
reminder task would have marked them. What the alliance's register and its reports read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from benchmarks.dataset_core import Clock, Random, Rows, Weights, scaled
from benchmarks.dataset_geography import Geography
from benchmarks.dataset_names import INDUSTRY_WEIGHTS, person, place_word, trade_name
from benchmarks.dataset_people import DOMAIN, FOUNDED, Accounts, Party, People, _org

REGISTRATION_COLUMNS = (
    "id", "user_id", "body_id", "grade", "number", "issued_on", "expires_on", "decided_by_id",
    "reminded_days", "status", "return_reason", "submitted_at", "decided_at", "lock_version",
)  # fmt: skip
COMPETENCE_COLUMNS = (
    "id", "user_id", "body_id", "industry_code", "decided_by_id", "status", "return_reason",
    "submitted_at", "decided_at", "lock_version",
)  # fmt: skip
TRAINING_COLUMNS = (
    "id", "user_id", "body_id", "taken_on", "course", "hours", "provider", "created_at",
)  # fmt: skip

BODIES = 60
PEOPLE_PER_BODY = 100
VALID_YEARS = 3
# grade → (share of people holding it, the number's letter)
GRADES = {"evaluator": (1.0, "P"), "senior": (0.35, "G"), "lead": (0.2, "Z")}
# The newest registration of a grade: renewed and approved, lapsed, or waiting or returned.
NEWEST = Weights.of((("approved", 86), ("lapsed", 6), ("submitted", 5), ("returned", 3)))
FORCED = ("lapsed", "submitted", "returned", "approved")
SECTOR_STATUS = Weights.of((("approved", 92), ("submitted", 5), ("returned", 3)))
REMINDERS = (90, 30)  # the reminder task's days (EVALUATOR_REGISTRATION_REMINDER_DAYS)
RETURNED = "证书编号与注册证书不符，请核对后重新提交。"
COURSES = (
    ("两化融合管理体系评定规则宣贯", "两化融合服务联盟"),
    ("GB/T 23001-2017 审核实务", "两化融合服务联盟"),
    ("数字化转型评估方法", "中国电子技术标准化研究院"),
    ("新型能力建设与评价", "两化融合服务联盟"),
    ("评定组长能力提升", "国家工业信息安全发展研究中心"),
    ("数据要素与数据管理能力", "中国电子技术标准化研究院"),
)


class Register:
    def __init__(
        self, rng: Random, rows: Rows, geo: Geography, people: People, clock: Clock
    ) -> None:
        self.rng, self.rows, self.people, self.today = rng, rows, people, clock.today
        self.latest = (Clock.utc(clock.now) or clock.now) - timedelta(hours=1)
        self.numbers = dict.fromkeys(GRADES, 0)
        self.people_done = 0
        divisions = [d for d in INDUSTRY_WEIGHTS if d in geo.sections]
        self.divisions = Weights(divisions, [INDUSTRY_WEIGHTS[d] for d in divisions])
        section_weights: dict[str, float] = {}
        for d in divisions:
            section = geo.sections[d]
            if section:
                section_weights[section] = section_weights.get(section, 0) + INDUSTRY_WEIGHTS[d]
        self.sections = Weights.of(sorted(section_weights.items()))

    def _moment(self, day: date) -> datetime | None:
        return Clock.utc(self.rng.working_time(min(day, self.today - timedelta(days=1))))

    def _decider(self) -> int:
        return self.rng.choice(self.people.staff)

    def _registration(self, user: int, body: int, grade: str, issued: date, status: str) -> None:
        expires = issued + relativedelta(years=VALID_YEARS) - timedelta(days=1)
        self.numbers[grade] += 1
        number = f"LHPD-{GRADES[grade][1]}-{issued.year}-{self.numbers[grade]:05d}"
        # The body records it once the certificate is issued; the alliance decides within days.
        submitted = self._moment(issued + self.rng.days(1, 20))
        assert submitted is not None
        decided = None
        if status != "submitted":
            decided = min(submitted + self.rng.days(1, 10), self.latest)
        left = (expires - self.today).days
        reminded = (
            min((d for d in REMINDERS if left <= d), default=None)
            if status == "approved" and left >= 0
            else None
        )
        reason = RETURNED if status == "returned" else None
        self.rows.add("evaluator_registrations", self.rows.next_id("evaluator_registrations"),
                      user, body, grade, number, issued, expires,
                      self._decider() if decided else None, reminded, status, reason,
                      submitted, decided, 1)  # fmt: skip

    def grade(self, user: int, body: int, grade: str, first: date, newest: str) -> None:
        """The chain of a grade held since ``first``: each registration renewed when it ran
        out, up to the one of today — approved, or missing (lapsed: the last one expired),
        or waiting or returned (issued lately)."""
        issued, renewed = first, 0
        while issued + relativedelta(years=VALID_YEARS) <= self.today:
            self._registration(user, body, grade, issued, "approved")
            issued, renewed = issued + relativedelta(years=VALID_YEARS), renewed + 1
        if newest == "lapsed" and renewed:
            return
        if newest in ("submitted", "returned"):
            issued = max(issued, self.today - timedelta(days=self.rng.randint(3, 60)))
        self._registration(user, body, grade, issued, "approved" if newest == "lapsed" else newest)

    def competence(self, user: int, body: int) -> None:
        codes: set[str] = set()
        # The first people's sectors are in each state, whatever the scale.
        forced = list(SECTOR_STATUS.items) if not self.people_done else []
        wanted = max(len(forced), self.rng.choice((1, 2, 2, 3, 3, 4)))
        while len(codes) < wanted:
            codes.add(
                self.rng.pick(self.sections)
                if self.rng.random() < 0.2
                else self.rng.pick(self.divisions)
            )
        for code in sorted(codes):
            status = forced.pop() if forced else self.rng.pick(SECTOR_STATUS)
            submitted = self._moment(self.today - self.rng.days(10, 1500))
            assert submitted is not None
            decided = (
                min(submitted + self.rng.days(1, 5), self.latest) if status != "submitted" else None
            )
            self.rows.add("evaluator_competences", self.rows.next_id("evaluator_competences"),
                          user, body, code, self._decider() if decided else None, status,
                          RETURNED if status == "returned" else None, submitted, decided,
                          1)  # fmt: skip

    def training(self, user: int, body: int) -> None:
        for year in range(self.today.year - 2, self.today.year + 1):
            last = min(date(year, 12, 31), self.today - timedelta(days=1))
            for _ in range(self.rng.randint(0 if year == self.today.year else 1, 3)):
                course, provider = self.rng.choice(COURSES)
                taken = self.rng.day_between(date(year, 1, 1), last)
                self.rows.add("evaluator_trainings", self.rows.next_id("evaluator_trainings"),
                              user, body, taken, course, self.rng.choice((8, 12, 16, 24, 32)),
                              provider, self._moment(taken))  # fmt: skip

    def person(self, user: int, body: int) -> None:
        # Whatever the scale, the first people hold every grade, their newest registrations
        # in each state (the first one lapsed long enough ago to have expired).
        forced = FORCED[self.people_done] if self.people_done < len(FORCED) else None
        started = self.today - timedelta(
            days=self.rng.randint(1200, 1400) if forced == "lapsed" else self.rng.randint(20, 3600)
        )
        for grade, (share, _letter) in GRADES.items():
            if grade == "evaluator" or forced or self.rng.random() < share:
                # A higher grade comes after the first registration.
                offset = 0 if grade == "evaluator" or forced else self.rng.randint(300, 1500)
                first = min(started + timedelta(days=offset), self.today - timedelta(days=10))
                self.grade(user, body, grade, first, forced or self.rng.pick(NEWEST))
        self.competence(user, body)
        self.training(user, body)
        self.people_done += 1


def more_bodies(rng: Random, rows: Rows, geo: Geography, people: People, scale: float) -> None:
    """Bodies past those the projects use, each with its administrator, up to the scale's."""
    accounts = Accounts(rng, rows, people)
    for n in range(len(people.bodies), scaled(BODIES, scale, 2)):
        code = f"{n + 1:03d}"
        region = rng.choice(sorted(geo.counties)) + "0000"
        name = f"{place_word(geo.names[region])}{trade_name(rng)}评定认证有限公司"
        org = _org(rows, "evaluation_body", name, FOUNDED, body_code=code, region=region)
        party = Party(org, name, code)
        party.people.append(
            accounts.add(
                org, "evaluator", f"pingding{code}-1@{DOMAIN}", person(rng), FOUNDED, admin=True
            )
        )
        people.bodies.append(party)


def build(
    rng: Random, rows: Rows, geo: Geography, people: People, clock: Clock, scale: float
) -> None:
    more_bodies(rng, rows, geo, people, scale)
    accounts = Accounts(rng, rows, people)
    register = Register(rng, rows, geo, people, clock)
    for party in people.bodies:
        wanted = scaled(PEOPLE_PER_BODY * rng.uniform(0.4, 1.6), scale, 2)
        for k in range(len(party.people) + 1, wanted + 1):
            email = f"pingding{party.code}-{k}@{DOMAIN}"
            party.people.append(accounts.add(party.id, "evaluator", email, person(rng), FOUNDED))
        for user in party.people:
            register.person(user, party.id)
