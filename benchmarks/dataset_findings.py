"""Audits with their team, findings against GB/T 23001-2017 clauses and the enterprise's
corrective actions, in the states the audit's moment allows:

* ``resolved``: the conclusion was submitted, so every major one is verified closed and every
  minor one has an accepted action plan (some verified too), before ``deadline``;
* ``in_progress``: correction under way (open, answered, accepted, closed, some rejected once);
* ``logging``: the audit is being held: findings are being logged, a few already answered;
* ``failed``: not recommended: some nonconformities never resolved;
* ``none``: the audit has not begun.

Observations are noted and ask nothing of anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from benchmarks.dataset_core import Clock, Random, Rows, Weights, spread

AUDIT_COLUMNS = (
    "id", "project_id", "kind", "starts_on", "ends_on", "scope", "sites", "completed_on",
    "created_at",
)  # fmt: skip
TEAM_COLUMNS = ("audit_id", "user_id", "is_lead")
FINDING_COLUMNS = (
    "id", "audit_id", "kind", "clause_code", "description", "status", "due_on", "created_by_id",
    "created_at", "closed_at", "lock_version",
)  # fmt: skip
ACTION_COLUMNS = (
    "id", "finding_id", "cause", "correction", "action", "submitted_by_id", "submitted_at",
    "decision", "decided_by_id", "decided_at", "decision_comment",
)  # fmt: skip
# Findings per audit (low, high) and the weights of major, minor, observation.
SHAPE = {
    "stage1": ((1, 5), (3, 40, 57)),
    "stage2": ((3, 9), (10, 55, 35)),
    "surveillance": ((1, 7), (4, 50, 46)),
    "recertification": ((2, 6), (6, 52, 42)),
}
KINDS = ("major", "minor", "observation")
# (status, rejected once before) weights per mode and kind.
STATUS_TABLES: dict[tuple[str, str], dict[tuple[str, bool], int]] = {
    ("resolved", "major"): {("closed", False): 85, ("closed", True): 15},
    ("resolved", "minor"): {("accepted", False): 58, ("closed", False): 32, ("accepted", True): 10},
    ("in_progress", "major"): {("open", False): 22, ("open", True): 8, ("answered", False): 30,
                               ("answered", True): 5, ("closed", False): 35},
    ("in_progress", "minor"): {("open", False): 20, ("open", True): 5, ("answered", False): 25,
                               ("accepted", False): 35, ("closed", False): 15},
    ("logging", "major"): {("open", False): 85, ("answered", False): 15},
    ("logging", "minor"): {("open", False): 85, ("answered", False): 15},
    ("failed", "major"): {("open", False): 40, ("open", True): 30, ("answered", False): 30},
    ("failed", "minor"): {("open", False): 30, ("answered", False): 30, ("accepted", False): 40},
}  # fmt: skip
STATUS_WEIGHTS = {key: Weights.of(table.items()) for key, table in STATUS_TABLES.items()}
SENTENCES = {
    "major": (
        "未建立该过程的文件化要求，现场无法提供运行记录。",
        "相关职责未落实，体系运行与文件规定严重脱节。",
        "未按策划要求开展该项活动，且无替代措施。",
        "关键数据未采集，无法证明新型能力的打造效果。",
    ),
    "minor": (
        "部分记录缺少审批签字。",
        "抽查的两份记录未标识版本号和生效日期。",
        "个别部门对相关要求理解不到位，培训记录不完整。",
        "监视测量数据未按规定周期进行分析。",
        "文件发放记录与实际使用版本不一致。",
        "考核指标未分解到车间一级。",
    ),
    "observation": (
        "建议进一步加强数据的开发利用。",
        "建议持续关注设备联网数据在预测性维护中的应用。",
        "建议完善信息安全风险评估的频次。",
        "建议将供应链协同纳入下一年度改进计划。",
        "建议细化新型能力的量化指标。",
    ),
}
CAUSES = (
    "相关人员对标准要求理解不足。",
    "文件规定不够明确，执行中出现偏差。",
    "内审未覆盖该过程。",
)
CORRECTIONS = (
    "已补充相关记录并完成审批。",
    "已组织专项整改并重新执行该活动。",
    "已修订文件并重新发放。",
)
ACTIONS = (
    "修订程序文件，明确职责与记录要求，并组织培训。",
    "将该过程纳入年度内审计划，每季度检查一次。",
    "建立数据分析例会制度，按月分析并形成报告。",
)
REJECTIONS = ("纠正措施未针对根本原因，请重新分析。", "未提供整改证据，请补充。")


@dataclass(frozen=True)
class Team:
    lead: int
    members: tuple[int, ...]


class Auditor:
    """Writes audits, teams, findings and actions; clauses and texts shared by all rows."""

    def __init__(self, rng: Random, rows: Rows, clock: Clock, clauses: Sequence[tuple[str, str]]):
        self.rng, self.rows, self.clock = rng, rows, clock
        self.clauses = list(clauses)
        self._texts: dict[tuple[str, str, int], str] = {}

    def team(self, people: Sequence[int], lead: int | None = None) -> Team:
        lead = lead if lead is not None else self.rng.choice(people)
        others = [p for p in people if p != lead]
        members = self.rng.sample(others, min(len(others), self.rng.randint(1, 2)))
        return Team(lead, tuple(members))

    def audit(
        self,
        *,
        project: int,
        kind: str,
        planned: datetime,
        starts_on: date,
        ends_on: date,
        completed_on: date | None,
        scope: str,
        sites: str,
        team: Team,
        enterprise_user: int,
        mode: str,
        deadline: datetime,
    ) -> int:
        """One audit and everything on it; ``deadline`` bounds every answer and decision."""
        audit_id = self.rows.next_id("audits")
        self.rows.add("audits", audit_id, project, kind, starts_on, ends_on,
                      scope, sites, completed_on, Clock.utc(planned))  # fmt: skip
        self.rows.add("audit_team_members", audit_id, team.lead, True)
        for member in team.members:
            self.rows.add("audit_team_members", audit_id, member, False)
        if mode != "none":
            self._findings(
                audit_id, kind, starts_on, ends_on, team, enterprise_user, mode, deadline
            )
        return audit_id

    def _text(self, kind: str) -> tuple[str, str]:
        code, title = self.rng.choice(self.clauses)
        index = self.rng.randrange(len(SENTENCES[kind]))
        key = (code, kind, index)
        if key not in self._texts:
            self._texts[key] = f"{title}：{SENTENCES[kind][index]}"
        return code, self._texts[key]

    def _findings(
        self,
        audit_id: int,
        kind: str,
        starts_on: date,
        ends_on: date,
        team: Team,
        enterprise_user: int,
        mode: str,
        deadline: datetime,
    ) -> None:
        rng = self.rng
        (low, high), weights = SHAPE[kind]
        now = self.clock.now
        first = datetime.combine(starts_on, time(9))
        last = min(datetime.combine(ends_on, time(17)), deadline - timedelta(hours=2), now)
        if last <= first:
            last = first + timedelta(hours=1)
        count = rng.randint(low, high)
        kinds = rng.choices(KINDS, weights, k=count)
        for finding_kind, created in zip(kinds, spread(rng, first, last, count), strict=True):
            by = rng.choice((team.lead, *team.members))
            code, text = self._text(finding_kind)
            finding_id = self.rows.next_id("findings")
            if finding_kind == "observation":
                self.rows.add("findings", finding_id, audit_id, finding_kind, code,
                              text, "noted", None, by, Clock.utc(created), None,
                              1)  # fmt: skip
                continue
            status, rejected = rng.pick(STATUS_WEIGHTS[(mode, finding_kind)])
            closed = self._answers(
                finding_id, status, rejected, created, deadline, team, enterprise_user
            )
            due_from = closed[1] if closed[1] else created
            self.rows.add("findings", finding_id, audit_id, finding_kind, code,
                          text, status, due_from.date() + timedelta(days=30), by,
                          Clock.utc(created), Clock.utc(closed[0]), 1)  # fmt: skip

    def _answers(
        self,
        finding_id: int,
        status: str,
        rejected: bool,
        created: datetime,
        deadline: datetime,
        team: Team,
        enterprise_user: int,
    ) -> tuple[datetime | None, datetime | None]:
        """The actions answering one nonconformity; (closed at, last rejection) for the row."""
        rng = self.rng
        steps = (2 if rejected else 0) + {"open": 0, "answered": 1}.get(status, 2)
        end = max(min(deadline, self.clock.now) - timedelta(hours=1), created + timedelta(hours=2))
        moments = spread(rng, created + timedelta(hours=1), end, steps)
        rejected_at: datetime | None = None
        if rejected:
            submitted, rejected_at = moments[0], moments[1]
            self._action(
                finding_id,
                submitted,
                enterprise_user,
                "rejected",
                rng.choice(team_members(team)),
                rejected_at,
                rng.choice(REJECTIONS),
            )
            moments = moments[2:]
        if status == "open":
            return None, rejected_at
        decision = {"answered": None, "accepted": "accepted", "closed": "verified"}[status]
        decided = moments[1] if decision else None
        self._action(
            finding_id,
            moments[0],
            enterprise_user,
            decision,
            rng.choice(team_members(team)) if decision else None,
            decided,
            "",
        )
        return (decided if status == "closed" else None), rejected_at

    def _action(
        self,
        finding_id: int,
        submitted: datetime,
        by: int,
        decision: str | None,
        decided_by: int | None,
        decided: datetime | None,
        comment: str,
    ) -> None:
        rng = self.rng
        self.rows.add("corrective_actions", self.rows.next_id("corrective_actions"),
                      finding_id, rng.choice(CAUSES), rng.choice(CORRECTIONS),
                      rng.choice(ACTIONS), by, Clock.utc(submitted), decision,
                      decided_by, Clock.utc(decided), comment)  # fmt: skip


def team_members(team: Team) -> tuple[int, ...]:
    return (team.lead, *team.members)
