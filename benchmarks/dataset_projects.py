"""Certification projects in every state of the transition table, with what each state
implies: the history rows, the six consulting steps, the documents the guards ask for, the
stage audits with their findings, and the publicity entries with their objections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from benchmarks.dataset_core import Clock, Random, Rows, scaled
from benchmarks.dataset_documents import Documents
from benchmarks.dataset_findings import Auditor
from benchmarks.dataset_names import INDUSTRY_WORDS, mobile
from benchmarks.dataset_paths import Step, anchor_for, date_backwards, main_line, path_to
from benchmarks.dataset_people import Enterprise, Party, People
from benchmarks.dataset_publicity import Calendar, announce
from models import ProjectStatus

P = ProjectStatus
PROJECT_COLUMNS = (
    "id", "organisation_id", "status", "scope", "capabilities", "sites", "self_consulting",
    "consultancy_id", "operation_started_on", "body_id", "lead_evaluator_id", "headcount",
    "contact_name", "contact_phone", "applied_at", "stage2_completed_on", "recommended",
    "publicity_batch_id", "concluded_at", "confirmed_at", "created_at", "status_changed_at",
    "lock_version",
)  # fmt: skip
STEP_COLUMNS = ("project_id", "number", "started_on", "completed_on", "notes", "completed_by_id")
EVENT_COLUMNS = (
    "id", "project_id", "action", "from_status", "to_status", "actor_id", "comment", "created_at",
)  # fmt: skip
# Projects per state at scale 1.0; certified ones come from the certificate plan.
UNDER_WAY = {
    P.STARTED: 800, P.CONSULTANCY_INVITED: 350, P.KICKOFF: 600, P.SURVEY: 700, P.ANALYSIS: 700,
    P.DOCUMENTATION: 800, P.INTERNAL_AUDIT: 600, P.TRIAL: 1300, P.READY_TO_APPLY: 600,
    P.APPLIED: 350, P.ACCEPTED: 300, P.STAGE1_PLANNED: 350, P.STAGE1_DONE: 300,
    P.STAGE2_PLANNED: 350, P.CORRECTION: 1050, P.CONCLUDED: 200, P.CONFIRMED: 200,
    P.RE_REVIEW: 150, P.READY_FOR_PUBLICITY: 150, P.IN_PUBLICITY: 80, P.READY_TO_ISSUE: 70,
    P.WITHDRAWN: 2400, P.NOT_RECOMMENDED: 700,
}  # fmt: skip
CAPABILITIES = (
    "基于数据的柔性生产管控能力", "供应链协同能力", "个性化定制能力",
    "智能产品全生命周期管理能力", "研发设计与生产制造一体化能力", "设备远程运维服务能力",
    "精益化质量管控能力", "能源精细化管控能力", "安全生产智能管控能力", "数字化营销服务能力",
    "财务业务一体化管控能力", "网络化协同研发能力",
)  # fmt: skip
COMMENTS = {
    "decline_engagement": "本期项目排期已满，暂无法承接。",
    "reject_application": "申请材料不完整，请补充后重新申请。",
    "return_compliance": "评定报告对新型能力的描述不充分，请评定机构补充说明。",
    "return_re_review": "不符合项验证记录不完整，请评定机构补充。",
    "uphold_objection": "经核实异议属实，退回评定机构重新评定。",
    "not_recommend": "严重不符合项未能在规定期限内验证关闭，不予推荐。",
    "withdraw": "企业经营调整，暂停贯标工作。",
    "stage2_expired": "严重不符合项未在第二阶段审核后 6 个月内验证关闭。",
}
STEP_NOTES = (
    "召开贯标启动会，成立贯标领导小组，明确职责分工。",
    "完成现状调研，形成现状调研报告。",
    "完成体系分析，识别新型能力及其打造过程。",
    "完成管理手册、程序文件的编写与发布。",
    "完成内部审核，不符合项已整改。",
    "体系试运行正常，完成管理评审。",
)
HEADCOUNT = {"large": (1000, 20000), "medium": (300, 1000), "small": (20, 300), "micro": (5, 20)}


@dataclass(slots=True)
class Certified:
    """What the certificates need of a certified project."""

    project: int
    enterprise: Enterprise
    body: Party
    lead: int
    capabilities: list[str]
    issued: datetime  # local
    issuer: int
    scenario: str


@dataclass
class State:
    """A project's columns as its history sets them, step by step."""

    capabilities: list[str]
    sites: list[str]
    self_consulting: bool = False
    consultancy: Party | None = None
    consultant: int = 0
    body: Party | None = None
    lead: int = 0
    headcount: int | None = None
    contact_phone: str = ""
    operation_started_on: date | None = None
    applied_at: datetime | None = None
    stage2_completed_on: date | None = None
    recommended: bool | None = None
    concluded_at: datetime | None = None
    confirmed_at: datetime | None = None
    batch: int | None = None

    def party(self) -> Party:
        assert self.body is not None, "the table lets only an applied project get here"
        return self.body


@dataclass
class Projects:
    certified: list[Certified] = field(default_factory=list)
    started: dict[int, datetime] = field(default_factory=dict)  # enterprise id → project start


def counts(scale: float) -> dict[P, int]:
    return {status: scaled(n, scale) for status, n in UNDER_WAY.items()}


class ProjectWriter:
    def __init__(
        self,
        rng: Random,
        rows: Rows,
        clock: Clock,
        people: People,
        auditor: Auditor,
        calendar: Calendar,
    ) -> None:
        self.rng, self.rows, self.clock, self.people = rng, rows, clock, people
        self.auditor, self.calendar = auditor, calendar
        self.documents = Documents(rng, rows)
        self.result = Projects()

    def build(self, statuses: list[P], scenarios: list[tuple[str, date]]) -> Projects:
        plans: list[tuple[P, tuple[str, date] | None]] = [(s, None) for s in statuses]
        plans += [(P.CERTIFIED, scenario) for scenario in scenarios]
        self.rng.shuffle(plans)
        for (status, scenario), enterprise in zip(plans, self.people.enterprises, strict=False):
            self.project(enterprise, status, scenario)
        return self.result

    def project(self, e: Enterprise, status: P, scenario: tuple[str, date] | None) -> None:
        rng, people = self.rng, self.people
        path: list[Step] | None = None
        while path is None:
            line = main_line(
                rng, len(people.consultancies), len(people.bodies), people.body_weights
            )
            path = path_to(rng, status, line)
        if scenario is not None:
            anchor = rng.working_time(scenario[1])
        else:
            anchor, batch = anchor_for(rng, status, self.clock.now, self.calendar)
            path[-1].batch = batch
        date_backwards(rng, path, anchor, self.calendar)
        project_id = self.rows.next_id("projects")
        self.result.started[e.id] = _at(path[0])
        self._emit(project_id, e, status, path, scenario)

    def _emit(
        self,
        project_id: int,
        e: Enterprise,
        status: P,
        path: list[Step],
        scenario: tuple[str, date] | None,
    ) -> None:
        rng, rows, people = self.rng, self.rows, self.people
        staff_a, staff_b = rng.sample(people.staff, 2)
        word = INDUSTRY_WORDS.get(e.industry, (("科技", 1),))[0][0]
        scope = f"{word}{'产品的研发、生产和销售' if e.industry < '44' else '服务'}"
        s = State(capabilities=rng.sample(CAPABILITIES, rng.randint(1, 2)), sites=[e.address])
        steps: dict[int, list[Any]] = {n: [None, None, "", None] for n in range(1, 7)}
        step_no = 0
        audits: list[int] = []
        planned: int | None = None  # the index of the plan step of an audit not yet completed
        issuer = staff_a
        for i, step in enumerate(path):
            at = _at(step)
            actor: int | None = e.contact_id
            action = step.action
            if action == "invite_consultancy":
                s.consultancy = people.consultancies[step.party]
                s.consultant = rng.choice(s.consultancy.people)
            elif action in ("accept_engagement", "decline_engagement"):
                actor = s.consultant
                if action == "decline_engagement":
                    s.consultancy = None
            elif action == "consult_ourselves":
                s.self_consulting = True
            if action in ("accept_engagement", "consult_ourselves"):
                step_no = 1
                steps[1][0] = at.date()
            elif action == "complete_step":
                actor = e.contact_id if s.self_consulting else s.consultant
                steps[step_no][1:] = [at.date(), STEP_NOTES[step_no - 1], actor]
                self.documents.steps(project_id, step_no, steps[step_no][0], at, actor)
                if step.source == P.DOCUMENTATION:
                    s.operation_started_on = at.date() - timedelta(days=rng.randint(0, 7))
                if step_no < 6:
                    steps[step_no + 1][0] = at.date()
                step_no += 1
            elif action == "apply":
                s.body = people.bodies[step.party]
                s.applied_at = at
                low, high = HEADCOUNT[e.size]
                s.headcount = rng.randint(low, high)
                s.contact_phone = mobile(rng)
            elif action == "reject_application":
                actor = rng.choice(s.party().people)
                s.body, s.lead, s.applied_at = None, 0, None
            elif action == "accept_application":
                s.lead = actor = rng.choice(s.party().people)
            elif action in ("plan_stage1", "plan_stage2"):
                actor, planned = s.lead, i
            elif action in ("complete_stage1", "complete_stage2", "recommend", "not_recommend"):
                actor = s.lead
                if action.startswith("complete"):
                    assert planned is not None
                    audits.append(self._audit(project_id, path, planned, i, s, e, scope))
                    planned = None
                if action == "complete_stage2":
                    s.stage2_completed_on = at.date()
                if action in ("recommend", "not_recommend"):
                    if s.recommended is None and s.stage2_completed_on is not None:
                        day = rng.day_between(s.stage2_completed_on, at.date() - timedelta(days=1))
                        self.documents.add(
                            project_id,
                            "audit_report",
                            None,
                            audits[-1],
                            "评定报告.pdf",
                            s.lead,
                            min(rng.working_time(day), at - timedelta(hours=1)),
                        )
                    s.recommended = action == "recommend"
                    s.concluded_at = at
            elif action in ("stage2_expired", "close_publicity"):
                actor = None
            elif action == "confirm":
                s.confirmed_at = at
            elif action in ("pass_compliance", "return_compliance"):
                actor = staff_a
            elif action in ("pass_re_review", "return_re_review", "uphold_objection"):
                actor = staff_b
            elif action == "publish":
                assert step.batch is not None
                batch = self.calendar.use(rows, step.batch)
                actor = batch.created_by
                s.batch = batch.id
                after = path[i + 1] if i + 1 < len(path) else None
                upheld = after if after and after.action == "uphold_objection" else None
                announce(
                    rng, rows, self.clock, batch, project_id,
                    (e.name, e.region_names, s.party().name, scope),
                    upheld_at=_at(upheld) if upheld else None,
                    current=after is None and status == P.IN_PUBLICITY, staff=[staff_b],
                )  # fmt: skip
            elif action == "issue":
                actor = issuer = rng.choice((staff_a, staff_b))
            if action in ("return_compliance", "return_re_review", "uphold_objection"):
                s.batch = None
            rows.add("project_events", rows.next_id("project_events"), project_id,
                     action, step.source.value, step.target.value, actor,
                     COMMENTS.get(action, ""), Clock.utc(at))  # fmt: skip
        if planned is not None:  # an audit planned and not yet completed
            audits.append(self._audit(project_id, path, planned, None, s, e, scope))
        if status in (P.DOCUMENTATION, P.INTERNAL_AUDIT, P.TRIAL) and rng.random() < 0.5:
            by = e.contact_id if s.self_consulting else s.consultant
            self.documents.steps(
                project_id, step_no, steps[step_no][0], self.clock.now - timedelta(hours=20), by
            )
        for number, (started, completed, notes, by) in steps.items():
            rows.add("consulting_steps", project_id, number, started, completed, notes, by)
        last = _at(path[-1])
        consultancy = s.consultancy.id if s.consultancy and not s.self_consulting else None
        rows.add("projects", project_id, e.id, status.value, scope,
                 s.capabilities, s.sites, s.self_consulting, consultancy,
                 s.operation_started_on, s.body.id if s.body else None,
                 s.lead or None, s.headcount, e.contact_name if s.headcount else "",
                 s.contact_phone, Clock.utc(s.applied_at), s.stage2_completed_on,
                 s.recommended, s.batch, Clock.utc(s.concluded_at),
                 Clock.utc(s.confirmed_at), Clock.utc(_at(path[0])), Clock.utc(last),
                 1)  # fmt: skip
        if scenario is not None:
            self.result.certified.append(
                Certified(
                    project_id, e, s.party(), s.lead, s.capabilities, last, issuer, scenario[0]
                )
            )

    def _audit(
        self,
        project_id: int,
        path: list[Step],
        planned: int,
        completed: int | None,
        s: State,
        e: Enterprise,
        scope: str,
    ) -> int:
        """The stage audit planned at path[planned] (completed at path[completed], if yet)."""
        rng = self.rng
        plan_at = _at(path[planned])
        done = _at(path[completed]) if completed is not None else None
        if done is not None:
            length = rng.randint(1, 3)
            ends_on = done.date() - timedelta(days=rng.randint(0, 1))
            starts_on = max(
                ends_on - timedelta(days=length - 1), plan_at.date() + timedelta(days=1)
            )
        else:
            starts_on = plan_at.date() + timedelta(days=rng.randint(3, 20))
            ends_on = starts_on + timedelta(days=rng.randint(0, 2))
        later = path[planned:]
        conclusion = next((x for x in later if x.action == "recommend"), None)
        end_of_path = next((x for x in later if x.action in ("withdraw", "not_recommend")), None)
        if conclusion is not None:
            mode, deadline = "resolved", _at(conclusion)
        elif end_of_path is not None and end_of_path.action == "not_recommend":
            mode, deadline = "failed", _at(end_of_path)
        else:
            deadline = _at(end_of_path) if end_of_path is not None else self.clock.now
            if done is not None:
                mode = "in_progress"
            else:
                mode = "logging" if datetime.combine(starts_on, time(9)) < deadline else "none"
        kind = "stage1" if path[planned].action == "plan_stage1" else "stage2"
        return self.auditor.audit(
            project=project_id,
            kind=kind,
            planned=plan_at,
            starts_on=starts_on,
            ends_on=ends_on,
            completed_on=done.date() if done else None,
            scope=scope,
            sites="\n".join(s.sites),
            team=self.auditor.team(s.party().people, s.lead),
            enterprise_user=e.contact_id,
            mode=mode,
            deadline=deadline,
        )


def _at(step: Step) -> datetime:
    assert step.at is not None
    return step.at
