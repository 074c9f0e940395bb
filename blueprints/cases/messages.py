"""Telling a complainant without an account: an email, in the language they wrote in, at each
step that concerns them (received, acknowledged, decided, answered), through the outbox. Those
with an account hear through the notifications table instead (in the app and by email)."""

from __future__ import annotations

from app.mail.outbox import queue_email
from models import Case

STEPS = ("receive", "acknowledge", "decide", "respond")


def tell_the_public(case: Case, step: str) -> None:
    if case.filed_by_id is not None or step not in STEPS:
        return
    queue_email(
        dedup_key=f"case:{case.id}:{step}:public",
        recipient=case.email,
        template="case_update",
        locale=case.locale,
        name=case.name,
        step=step,
        kind=case.kind,
        reference=case.reference,
        concerned=case.concerned.name,
        acknowledge_due_on=case.acknowledge_due_on,
        decide_due_on=case.decide_due_on,
        outcome=case.outcome,
        text=case.response if step == "respond" else "",
        subject_args={"reference": case.reference},
    )
