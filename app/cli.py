"""Core command-line groups (``flask scheduler``, ``flask outbox``) and their registration.

The feature groups (``flask users``, ``flask reference``, ``flask demo``) live with their
features; the factory passes them to ``register``, so this module imports no feature.
"""

from __future__ import annotations

from collections.abc import Iterable

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.mail.dispatcher import dispatch_due
from app.scheduler.runner import run_forever, run_once

outbox_cli = AppGroup("outbox", help="The mail outbox.")
scheduler_cli = AppGroup("scheduler", help="Background jobs: outbox, deadlines, expiry.")


@scheduler_cli.command("run")
def scheduler_run():
    """Run the jobs for ever; a second copy waits as a standby and takes over."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    run_forever(app, app.config["SCHEDULER_POLL_SECONDS"])


@scheduler_cli.command("run-once")
def scheduler_run_once():
    """Run every job once (for cron users and tests); exit status 1 if one failed."""
    results = run_once(current_app)
    for name, ok in results.items():
        click.echo(f"{name}: {'ok' if ok else 'FAILED'}")
    if not all(results.values()):
        raise SystemExit(1)


@outbox_cli.command("dispatch")
def dispatch():
    """Send the messages that are due (what the scheduler does every minute)."""
    result = dispatch_due()
    if result.skipped:
        click.echo("no SMTP server configured (CERTPATH_MAIL_SERVER): nothing sent")
    else:
        click.echo(f"sent {result.sent}, retry later {result.retried}, dead {result.dead}")


def register(app: Flask, groups: Iterable[click.Group] = ()) -> None:
    """Add the core groups and the given feature groups to ``flask``."""
    for group in (outbox_cli, scheduler_cli, *groups):
        app.cli.add_command(group)
