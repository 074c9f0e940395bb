"""Queueing: render an email in the recipient's language and store it as an outbox row —
one at a time (``queue_email``) or many at once (``queue_emails``, for the scheduler's jobs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, get_translations
from flask_babel import gettext as _
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app import request_ids
from app.extensions import db
from models import SUPPORTED_LOCALES, OutboxMessage, OutboxStatus

# Messages per round trip of queue_emails: one existence query and one INSERT each.
BATCH_SIZE = 500


def _subjects() -> dict[str, str]:
    # Evaluated under force_locale, so every subject is translated for its recipient.
    return {
        "verify": _("Certpath: confirm your email address"),
        "reset": _("Certpath: reset your password"),
        "registration_attempt": _("Certpath: someone tried to register with your email address"),
        "invite": _("Certpath: you have been invited to join %(org)s"),
        "project_update": _("Certpath: the certification project of %(org)s has moved on"),
        "notice": "Certpath: %(title)s",  # the title is translated by the notice itself
        "account_recovery": "Certpath: %(title)s",  # likewise
        "campaign_reminder": "Certpath: %(title)s",  # translated by the reminder
        "declaration_reminder": _("Certpath: sign your impartiality declaration for %(year)s"),
        "case_update": _("Certpath: your case %(reference)s"),
        "reminder": _("Certpath: %(what)s of certificate %(number)s due on %(date)s"),
        "overdue": _(
            "Certpath: %(what)s of certificate %(number)s is overdue — certificate suspended"
        ),
    }


def _supported(locale: str) -> str:
    return locale if locale in SUPPORTED_LOCALES else "zh"


def _render(subjects: dict[str, str], template: str, **context: Any) -> tuple[str, str, str]:
    """(subject, text, html) in the locale in force; ``subjects`` are _subjects() in it (and
    ``context`` may carry the templates' ``gettext``, see ``_gettext_in_force``)."""
    org = context.get("org") or getattr(context.get("user"), "organisation", None)
    subject = subjects[template] % {
        "org": org.name if org else "",
        **{k: str(v) for k, v in context.get("subject_args", {}).items()},
    }
    text = render_template(f"email/{template}.txt", **context)
    html = render_template(f"email/{template}.html", subject=subject, **context)
    return subject, text, html


def _gettext_in_force() -> Callable[..., str]:
    """The templates' ``_`` bound to the catalogue of the locale in force, to pass in a
    template's context (Jinja looks ``gettext`` up there before the globals). It does what
    the one flask_babel installs does (Jinja's new-style gettext: translate, mark safe when
    autoescaping, then %-format), without finding the catalogue again for every string —
    that lookup is most of an email's rendering time."""
    translations = get_translations()

    @pass_context
    def gettext(context: Context, string: str, **variables: Any) -> str:
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 — the catalogue's text, as Jinja's own gettext
        return text % variables

    return gettext


def render_email(template: str, locale: str, **context: Any) -> tuple[str, str, str]:
    """Return (subject, text body, html body) rendered in ``locale``."""
    with force_locale(_supported(locale)):
        return _render(_subjects(), template, **context)


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
        request_id=request_ids.current() or None,
    )
    try:
        # A savepoint: if another process queued the same key a moment ago, only this row is
        # undone and the caller's transaction goes on.
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


@dataclass(frozen=True)
class Email:
    """One message for ``queue_emails``: the arguments of ``queue_email`` as a value."""

    dedup_key: str
    recipient: str
    template: str
    locale: str
    context: dict[str, Any] = field(default_factory=dict)
    attachments: list[dict] | None = None


def insert_skipping_duplicates(model: type) -> sa.Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` on the session's database (PostgreSQL or SQLite):
    a row whose unique key is taken — by another process a moment ago, say — is skipped, the
    rest of the rows go in, and the transaction goes on (no savepoint per row)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing()
    raise NotImplementedError(f"no INSERT that skips duplicates for {dialect}")


def queue_emails(emails: Iterable[Email]) -> list[str]:
    """``queue_email`` for many messages; returns the keys queued. Flushes; never commits.

    Per batch of ``BATCH_SIZE``: one query for the keys already queued (those are neither
    rendered nor inserted), the rest rendered grouped by language, and one multi-row INSERT
    that skips a key another process queued meanwhile — so a job that runs twice, or two
    schedulers racing, still produce one row per key. The same subjects and bodies as
    ``queue_email``: both render through ``_render``.
    """
    pending = list(emails)
    queued: list[str] = []
    for start in range(0, len(pending), BATCH_SIZE):
        queued += _queue_batch(pending[start : start + BATCH_SIZE])
    return queued


def _queue_batch(batch: Sequence[Email]) -> list[str]:
    existing = set(
        db.session.scalars(
            sa.select(OutboxMessage.dedup_key).where(
                OutboxMessage.dedup_key.in_([email.dedup_key for email in batch])
            )
        )
    )
    fresh: dict[str, Email] = {}
    for email in batch:  # the first of a key wins, as with queue_email one after the other
        if email.dedup_key not in existing:
            fresh.setdefault(email.dedup_key, email)
    if not fresh:
        return []
    by_locale: dict[str, list[Email]] = {}
    for email in fresh.values():
        by_locale.setdefault(_supported(email.locale), []).append(email)
    rendered: dict[str, tuple[str, str, str]] = {}
    for locale, group in by_locale.items():
        with force_locale(locale):  # once per language, not per message
            subjects, gettext = _subjects(), _gettext_in_force()
            for email in group:
                rendered[email.dedup_key] = _render(
                    subjects, email.template, gettext=gettext, **email.context
                )
    rows = [
        {
            "dedup_key": key,
            "recipient": email.recipient,
            "subject": rendered[key][0],
            "body_text": rendered[key][1],
            "body_html": rendered[key][2],
            "locale": email.locale,
            "status": OutboxStatus.PENDING,
            "attachments": email.attachments,
            "request_id": request_ids.current() or None,
        }
        for key, email in fresh.items()  # in the order given: the order they are sent in
    ]
    statement = insert_skipping_duplicates(OutboxMessage).returning(OutboxMessage.dedup_key)
    return list(db.session.scalars(statement, rows))
