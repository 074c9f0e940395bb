"""Queueing: render an email in the recipient's language and store it as an outbox row."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from models import SUPPORTED_LOCALES, OutboxMessage, OutboxStatus


def _subjects() -> dict[str, str]:
    # Evaluated under force_locale, so every subject is translated for its recipient.
    return {
        "verify": _("Certpath: confirm your email address"),
        "reset": _("Certpath: reset your password"),
        "registration_attempt": _("Certpath: someone tried to register with your email address"),
        "invite": _("Certpath: you have been invited to join %(org)s"),
        "project_update": _("Certpath: the certification project of %(org)s has moved on"),
        "notice": "Certpath: %(title)s",  # the title is translated by the notice itself
        "reminder": _("Certpath: %(what)s of certificate %(number)s due on %(date)s"),
        "overdue": _(
            "Certpath: %(what)s of certificate %(number)s is overdue — certificate suspended"
        ),
    }


def render_email(template: str, locale: str, **context: Any) -> tuple[str, str, str]:
    """Return (subject, text body, html body) rendered in ``locale``."""
    if locale not in SUPPORTED_LOCALES:
        locale = "zh"
    with force_locale(locale):
        org = context.get("org") or getattr(context.get("user"), "organisation", None)
        subject = _subjects()[template] % {
            "org": org.name if org else "",
            **{k: str(v) for k, v in context.get("subject_args", {}).items()},
        }
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", subject=subject, **context)
    return subject, text, html


def queue_email(
    *,
    dedup_key: str,
    recipient: str,
    template: str,
    locale: str,
    attachments: list[dict] | None = None,
    **context: Any,
) -> OutboxMessage | None:
    """Add a message unless one with the same key exists. Flushes; never commits.

    The existence check plus the unique constraint make queueing idempotent: a job that runs
    twice, or two schedulers racing, produce one row (the loser's flush fails on the key).
    """
    existing = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.dedup_key == dedup_key)
    )
    if existing is not None:
        return None
    subject, text, html = render_email(template, locale, **context)
    message = OutboxMessage(
        dedup_key=dedup_key,
        recipient=recipient,
        subject=subject,
        body_text=text,
        body_html=html,
        locale=locale,
        status=OutboxStatus.PENDING,
        attachments=attachments,
    )
    try:
        # A savepoint: if another process queued the same key a moment ago, only this row is
        # undone and the caller's transaction goes on.
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message
