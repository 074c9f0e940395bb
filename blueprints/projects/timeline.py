"""The timeline of a project: every step of every phase, done, current or upcoming.

Built from the project's status and its history rows (no extra query): a step is the time
spent in one status; it is done once the project has moved past that status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.clock import local_today
from models import Project, ProjectStatus, User

P = ProjectStatus

# The linear order of the path; a step is "the time the project spends in" its status.
ORDER = [
    P.STARTED,
    P.CONSULTANCY_INVITED,
    P.KICKOFF,
    P.SURVEY,
    P.ANALYSIS,
    P.DOCUMENTATION,
    P.INTERNAL_AUDIT,
    P.TRIAL,
    P.READY_TO_APPLY,
    P.APPLIED,
    P.ACCEPTED,
    P.STAGE1_PLANNED,
    P.STAGE1_DONE,
    P.STAGE2_PLANNED,
    P.CORRECTION,
    P.CONCLUDED,
    P.CONFIRMED,
    P.RE_REVIEW,
    P.READY_FOR_PUBLICITY,
    P.IN_PUBLICITY,
    P.READY_TO_ISSUE,
    P.CERTIFIED,
]

# (title, ((status, label), ...)); titles and labels are lazy strings
PhaseSteps = tuple[Any, tuple[tuple[ProjectStatus, Any], ...]]

PHASES: tuple[PhaseSteps, ...] = (
    (
        _l("Phase 1 · Consulting"),
        (
            (P.KICKOFF, _l("1 Kick-off")),
            (P.SURVEY, _l("2 Current-state survey")),
            (P.ANALYSIS, _l("3 System analysis")),
            (P.DOCUMENTATION, _l("4 Documentation")),
            (P.INTERNAL_AUDIT, _l("5 Internal audit")),
            (P.TRIAL, _l("6 Trial operation")),
        ),
    ),
    (
        _l("Phase 2 · Evaluation"),
        (
            (P.READY_TO_APPLY, _l("1 Application")),
            (P.APPLIED, _l("2 Acceptance")),
            (P.ACCEPTED, _l("3 Stage-1 audit plan")),
            (P.STAGE1_PLANNED, _l("4 Stage-1 audit")),
            (P.STAGE1_DONE, _l("5 Stage-2 audit plan")),
            (P.STAGE2_PLANNED, _l("6 Stage-2 audit")),
            (P.CORRECTION, _l("7–8 Correction, verification and conclusion")),
            (P.CONCLUDED, _l("9 Confirmation by the enterprise")),
        ),
    ),
)
NATIONAL_REVIEW: PhaseSteps = (
    _l("Phase 3 · National review"),
    (
        (P.CONFIRMED, _l("Compliance review")),
        (P.RE_REVIEW, _l("Re-review")),
        (P.READY_FOR_PUBLICITY, _l("Publicity")),
        (P.READY_TO_ISSUE, _l("Certificate issued")),
    ),
)
PHASES = (*PHASES, NATIONAL_REVIEW)
# A step lasts from its status until the next step's status (publicity: waiting for a batch
# and the announcement itself); the last step ends when the certificate is issued.
_STEP_STATUSES = [status for _title, steps in PHASES for status, _label in steps]
_STEP_END = {
    status: ORDER.index(nxt)
    for status, nxt in zip(_STEP_STATUSES, [*_STEP_STATUSES[1:], P.CERTIFIED], strict=True)
}


@dataclass(frozen=True)
class Step:
    title: str
    state: str  # done | current | upcoming | stopped
    started_at: datetime | None
    finished_at: datetime | None
    finished_by: User | None
    expected_days: int | None
    overdue_days: int  # > 0 when the current step runs past its expected duration


@dataclass(frozen=True)
class Phase:
    title: str
    steps: list[Step]


def _position(project: Project) -> int:
    status = project.status
    if status not in ORDER:  # closed: where it stood when it stopped
        last = project.events[-1] if project.events else None
        status = last.from_status if last is not None else P.STARTED
    return ORDER.index(status)


def build(project: Project, today: date | None = None) -> list[Phase]:
    today = today or local_today()
    expected = current_app.config["STEP_EXPECTED_DAYS"]
    position = _position(project)
    closed = project.status not in ORDER
    # The last event into and out of each state (events come oldest first).
    entered_by = {event.to_status: event for event in project.events}
    left_from = {event.from_status: event for event in project.events}
    phases = []
    for title, steps in PHASES:
        rows = []
        for status, label in steps:
            index, end = ORDER.index(status), _STEP_END[status]
            entered = entered_by.get(status)
            left = entered_by.get(ORDER[end]) or left_from.get(status)
            if position >= end:
                state = "done"
            elif position >= index:
                state = "stopped" if closed else "current"
            else:
                state = "stopped" if closed else "upcoming"
            days = expected.get(status.value)
            overdue = 0
            if state == "current" and entered is not None and days:
                overdue = max(0, (today - entered.created_at.date()).days - days)
            rows.append(
                Step(
                    title=str(label),
                    state=state,
                    started_at=entered.created_at if entered and state != "upcoming" else None,
                    finished_at=left.created_at if left and state == "done" else None,
                    finished_by=left.actor if left and state == "done" else None,
                    expected_days=days,
                    overdue_days=overdue,
                )
            )
        phases.append(Phase(title=str(title), steps=rows))
    return phases
