"""The cases' periodic work: a case not acknowledged by its deadline, or not decided by its
own, is escalated once per deadline to the alliance's staff and the administrators — in the
app and by email in each one's language (the notifications table) — and its history says so.
The stamp on the case holds a rerun, or a second scheduler, to once."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.clock import local_today, utcnow
from app.events import announce
from app.extensions import db
from app.scheduler.registry import PeriodicTask
from app.workflow import SYSTEM
from models import Case, CaseEvent, CaseStatus

# Each deadline: the states in which it runs, its date column and its stamp.
DEADLINES = (
    ("acknowledge", (CaseStatus.RECEIVED,), Case.acknowledge_due_on, Case.acknowledge_escalated_at),
    ("decide", (CaseStatus.RECEIVED, CaseStatus.ACKNOWLEDGED), Case.decide_due_on,
     Case.decide_escalated_at),
)  # fmt: skip


def escalate() -> int:
    """Escalate every case past a deadline not escalated yet; how many escalations."""
    today = local_today()
    told = 0
    for step, states, due_on, stamp in DEADLINES:
        overdue = db.session.scalars(
            sa.select(Case)
            .where(Case.status.in_(states), due_on < today, stamp.is_(None))
            .order_by(due_on, Case.id)
        ).all()
        for case in overdue:
            # Claimed with a conditional UPDATE: of two schedulers, one escalates.
            claimed = db.session.execute(
                sa.update(Case)
                .where(Case.id == case.id, stamp.is_(None))
                .values({stamp.key: utcnow()})
                .execution_options(synchronize_session=False)
            )
            if not claimed.rowcount:  # type: ignore[attr-defined]
                continue
            db.session.refresh(case)
            due = getattr(case, due_on.key)
            db.session.add(
                CaseEvent(case_id=case.id, action=f"escalate_{step}", from_status=case.status,
                          to_status=case.status, actor_id=None,
                          comment=f"{due.isoformat()} (+{(today - due).days})")
            )  # fmt: skip
            db.session.flush()
            announce(
                "case.overdue",
                case,
                SYSTEM,
                occurrence=f"case:{case.id}:overdue:{step}",
                step=step,
                due_on=due,
            )
            told += 1
    return told


def escalate_overdue_cases() -> str:
    return f"overdue cases escalated: {escalate()}"


TASKS = (PeriodicTask("escalate_overdue_cases", escalate_overdue_cases, timedelta(hours=1)),)
