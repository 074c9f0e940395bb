"""Command-line groups: ``flask users``, ``flask outbox``, ``flask demo``, ``flask reference``."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from models import Role

users_cli = AppGroup("users", help="Manage user accounts.")
outbox_cli = AppGroup("outbox", help="The mail outbox.")
demo_cli = AppGroup("demo", help="Demonstration data.")
scheduler_cli = AppGroup("scheduler", help="Background jobs: outbox, deadlines, expiry.")


@scheduler_cli.command("run")
def scheduler_run():
    """Run the jobs for ever; a second copy waits as a standby and takes over."""
    from flask import current_app

    from app.scheduler.runner import run_forever

    app = current_app._get_current_object()
    run_forever(app, app.config["SCHEDULER_POLL_SECONDS"])


@scheduler_cli.command("run-once")
def scheduler_run_once():
    """Run every job once (for cron users and tests); exit status 1 if one failed."""
    from flask import current_app

    from app.scheduler.runner import run_once

    results = run_once(current_app._get_current_object())
    for name, ok in results.items():
        click.echo(f"{name}: {'ok' if ok else 'FAILED'}")
    if not all(results.values()):
        raise SystemExit(1)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--org-id", type=int, help="Organisation id (see 'flask users orgs').")
@click.option("--body-code", help="Or: the evaluation body's three-digit code.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org-admin", is_flag=True, help="Administrator of the organisation.")
@click.option("--locale", type=click.Choice(["zh", "en"]), default="zh")
@click.option(
    "--password", help="Set a password now (else an invitation email is queued).", prompt=False
)
def create_user(email, name, org_id, body_code, role, org_admin, locale, password):
    """Create a staff account (consultant, evaluator, alliance staff, authority, admin)."""
    from blueprints.admin.services import create_user as create
    from blueprints.auth.services import AccountError
    from models import Organisation

    if org_id:
        org = db.session.get(Organisation, org_id)
    elif body_code:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.body_code == body_code))
    else:
        raise click.UsageError("give --org-id or --body-code")
    if org is None:
        raise click.ClickException("no such organisation")
    try:
        user = create(
            organisation=org,
            role=Role(role),
            name=name,
            email=email,
            locale=locale,
            is_org_admin=org_admin,
            password=password,
        )
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"created user {user.id} <{user.email}> in {org.name}")


@users_cli.command("orgs")
@click.option("--kind", default=None)
def list_orgs(kind):
    """List organisations with their ids."""
    from models import Organisation, OrgKind

    query = sa.select(Organisation).order_by(Organisation.kind, Organisation.id)
    if kind:
        query = query.where(Organisation.kind == OrgKind(kind))
    for org in db.session.scalars(query):
        click.echo(f"{org.id:>6}  {org.kind.value:<16} {org.body_code or '':<4} {org.name}")


@outbox_cli.command("dispatch")
def dispatch():
    """Send the messages that are due (what the scheduler does every minute)."""
    from app.mail.dispatcher import dispatch_due

    result = dispatch_due()
    if result.skipped:
        click.echo("no SMTP server configured (CERTPATH_MAIL_SERVER): nothing sent")
    else:
        click.echo(f"sent {result.sent}, retry later {result.retried}, dead {result.dead}")


@demo_cli.command("load")
def demo_load():
    """Load demonstration organisations and accounts (idempotent; refused in production)."""
    from flask import current_app

    from app.demo import load_demo

    if current_app.config["ENV"] == "production":
        raise click.ClickException("demo data is not loaded in production")
    accounts = load_demo()
    db.session.commit()
    click.echo("Demo accounts (email / password):")
    for role, email, password in accounts:
        click.echo(f"  {role:<16} {email:<36} {password}")


def register(app: Flask) -> None:
    from blueprints.reference.cli import reference_cli

    for group in (users_cli, outbox_cli, demo_cli, scheduler_cli, reference_cli):
        app.cli.add_command(group)
