"""The yearly reminder (issue 20): every active evaluator and alliance reviewer without a
declaration valid today — at the start of a year, or when a declaration lapses — is emailed
once a year, in their language, through the outbox (the key holds it to once per person and
year, whoever runs the job and how often)."""

from __future__ import annotations

import sqlalchemy as sa

from app.clock import local_today
from app.extensions import db
from app.mail.outbox import Email, queue_emails
from app.urls import external_url
from blueprints.declarations.services import undeclared_people


def remind() -> int:
    """Queue the reminders not queued yet this year; how many were queued."""
    today = local_today()
    people = undeclared_people(today).subquery()
    rows = db.session.execute(
        sa.select(people.c.id, people.c.email, people.c.name, people.c.locale).order_by(people.c.id)
    ).all()
    if not rows:
        return 0
    link = external_url("declarations.mine")
    queued = queue_emails(
        Email(
            f"declaration:{row.id}:{today.year}",
            row.email,
            "declaration_reminder",
            row.locale,
            {
                "name": row.name,
                "year": today.year,
                "link": link,
                "subject_args": {"year": today.year},
            },
        )
        for row in rows
    )
    db.session.commit()
    return len(queued)
