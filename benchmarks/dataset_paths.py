"""A project's history as a path through the transition table (blueprints/projects/
transitions.py), dated backwards from the moment it reached its present state.

The path is built forwards — the main line, with now and then a detour the table allows (a
consultancy declining, an application rejected, the 6-month rule, a review or an upheld
objection sending the project back) — and cut where the project is now. Then each step is
dated from the next one back, by how long a project usually stays in the step's source state;
publicity steps fall on the weekly batches, and the management system has operated three
months before the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from benchmarks.dataset_core import Random
from benchmarks.dataset_publicity import Batch, Calendar
from blueprints.projects.transitions import TRANSITIONS
from models import ProjectStatus

P = ProjectStatus
# Days spent in the source state before each action (low, high).
DAYS: dict[str, tuple[int, int]] = {
    "invite_consultancy": (2, 20), "consult_ourselves": (2, 20), "accept_engagement": (1, 10),
    "decline_engagement": (2, 10), "apply": (3, 25), "reject_application": (2, 10),
    "accept_application": (2, 12), "plan_stage1": (3, 15), "complete_stage1": (10, 30),
    "plan_stage2": (5, 20), "complete_stage2": (12, 35), "recommend": (10, 60),
    "not_recommend": (30, 120), "stage2_expired": (184, 200), "confirm": (1, 7),
    "pass_compliance": (5, 20), "return_compliance": (5, 20), "pass_re_review": (2, 10),
    "return_re_review": (2, 10), "publish": (1, 10), "uphold_objection": (1, 4), "issue": (1, 8),
    "withdraw": (5, 90),
}  # fmt: skip
STEP_DAYS = {
    P.KICKOFF: (7, 25), P.SURVEY: (15, 40), P.ANALYSIS: (15, 40), P.DOCUMENTATION: (25, 60),
    P.INTERNAL_AUDIT: (15, 35), P.TRIAL: (60, 100),
}  # fmt: skip
# How long a project has been in its present state (days back from today).
WAITS: dict[P, tuple[int, int]] = {
    P.STARTED: (1, 60), P.CONSULTANCY_INVITED: (1, 14), P.KICKOFF: (1, 25), P.SURVEY: (1, 40),
    P.ANALYSIS: (1, 40), P.DOCUMENTATION: (1, 60), P.INTERNAL_AUDIT: (1, 35), P.TRIAL: (1, 100),
    P.READY_TO_APPLY: (1, 60), P.APPLIED: (1, 12), P.ACCEPTED: (1, 15), P.STAGE1_PLANNED: (1, 25),
    P.STAGE1_DONE: (1, 20), P.STAGE2_PLANNED: (1, 30), P.CORRECTION: (1, 150),
    P.CONCLUDED: (1, 7), P.CONFIRMED: (1, 20), P.RE_REVIEW: (1, 10),
    P.READY_FOR_PUBLICITY: (1, 10), P.WITHDRAWN: (1, 1500), P.NOT_RECOMMENDED: (1, 1500),
}  # fmt: skip
OPERATION_MONTHS = 3
_TARGETS = {(t.name, source): t.target for t in TRANSITIONS for source in t.sources}
WITHDRAWABLE = sorted(
    next(t for t in TRANSITIONS if t.name == "withdraw").sources, key=list(P).index
)


@dataclass(slots=True)
class Step:
    action: str
    source: P
    target: P
    at: datetime | None = None  # local
    party: int = 0  # the consultancy or body chosen by invite_consultancy / apply (an index)
    batch: Batch | None = None  # publish: the batch announced in


def _step(path: list[Step], action: str, party: int = 0) -> None:
    source = path[-1].target
    target = _TARGETS.get((action, source))
    if target is None or not isinstance(target, P):  # the table is the authority
        raise AssertionError(f"no transition {action} from {source}")
    path.append(Step(action, source, target, party=party))


def main_line(
    rng: Random, consultancies: int, bodies: int, body_weights: list[float]
) -> list[Step]:
    """The whole way to a certificate, with the detours drawn for this project."""
    path = [Step("start", P.STARTED, P.STARTED)]
    if rng.random() < 0.25:
        _step(path, "consult_ourselves")
    else:
        if rng.random() < 0.05:
            _step(path, "invite_consultancy", rng.randrange(consultancies))
            _step(path, "decline_engagement")
        _step(path, "invite_consultancy", rng.randrange(consultancies))
        _step(path, "accept_engagement")
    for _ in range(6):
        _step(path, "complete_step")

    def body() -> int:
        return rng.choices(range(bodies), body_weights)[0]

    _step(path, "apply", body())
    if rng.random() < 0.04:
        _step(path, "reject_application")
        _step(path, "apply", body())
    for action in (
        "accept_application",
        "plan_stage1",
        "complete_stage1",
        "plan_stage2",
        "complete_stage2",
    ):
        _step(path, action)
    if rng.random() < 0.02:
        for action in ("stage2_expired", "plan_stage2", "complete_stage2"):
            _step(path, action)
    _step(path, "recommend")
    _step(path, "confirm")
    again = ("recommend", "confirm")
    if rng.random() < 0.04:
        for action in ("return_compliance", *again):
            _step(path, action)
    _step(path, "pass_compliance")
    if rng.random() < 0.02:
        for action in ("return_re_review", *again, "pass_compliance"):
            _step(path, action)
    _step(path, "pass_re_review")
    _step(path, "publish")
    if rng.random() < 0.01:
        for action in ("uphold_objection", *again, "pass_compliance", "pass_re_review", "publish"):
            _step(path, action)
    _step(path, "close_publicity")
    _step(path, "issue")
    return path


def path_to(rng: Random, status: P, line: list[Step]) -> list[Step] | None:
    """The main line cut where a project in ``status`` is now; None when this line never
    passes there (a consultancy's state on a line without one)."""
    if status in (P.WITHDRAWN, P.NOT_RECOMMENDED):
        where = rng.choice(WITHDRAWABLE) if status == P.WITHDRAWN else P.CORRECTION
        path = path_to(rng, where, line)
        if path is not None:
            _step(path, "withdraw" if status == P.WITHDRAWN else "not_recommend")
        return path
    ends = [i for i, step in enumerate(line) if step.target == status]
    return line[: ends[-1] + 1] if ends else None


def _days(rng: Random, step: Step) -> timedelta:
    low, high = STEP_DAYS[step.source] if step.action == "complete_step" else DAYS[step.action]
    return timedelta(days=rng.randint(low, high))


def date_backwards(rng: Random, path: list[Step], anchor: datetime, calendar: Calendar) -> None:
    """Give every step its moment, the last at ``anchor`` (local time)."""
    path[-1].at = anchor
    for i in range(len(path) - 1, 0, -1):
        step, before = path[i], path[i - 1]
        at = step.at
        assert at is not None
        if step.action == "issue":  # the batch closed a few nights before
            batch = calendar.closed_before(at.date() - timedelta(days=rng.randint(0, 6)))
            before.at = batch.closes_at
        elif step.action == "close_publicity":  # the night after the batch it closes
            batch = calendar.closed_before(at.date())
            before.batch, before.at = batch, batch.created_at
        elif step.action == "uphold_objection":  # during the period of the batch before
            batch = calendar.containing(at.date())
            latest = datetime.combine(batch.ends_on, time(16))
            step.at = max(min(at, latest), datetime.combine(batch.starts_on, time(15)))
            before.batch, before.at = batch, batch.created_at
        else:
            before.at = rng.working_time((at - _days(rng, step)).date())
            if before.action == "complete_step" and before.source == P.DOCUMENTATION:
                applied = next((s.at for s in path[i:] if s.action == "apply"), None)
                if applied is not None:
                    # documentation done 0–7 days after operation began (see the projects)
                    last = applied.date() - relativedelta(months=OPERATION_MONTHS, days=8)
                    if before.at.date() > last:
                        before.at = rng.working_time(last - timedelta(days=rng.randint(0, 20)))


def anchor_for(
    rng: Random, status: P, now: datetime, calendar: Calendar
) -> tuple[datetime, Batch | None]:
    """When a project under way entered its present state (and, in publicity, its batch)."""
    if status == P.IN_PUBLICITY:
        batch = calendar.current()
        return batch.created_at, batch
    if status == P.READY_TO_ISSUE:
        batch = calendar.closed_before(now.date())
        if batch.closes_at >= now:  # in the minutes before tonight's closing
            batch = calendar.closed_before(now.date() - timedelta(days=1))
        return batch.closes_at, None
    low, high = WAITS[status]
    return rng.working_time((now - timedelta(days=rng.randint(low, high))).date()), None
