"""``flask users``: create staff accounts and list organisations."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db
from blueprints.admin import services
from blueprints.auth.services import AccountError
from models import Organisation, OrgKind, Role

users_cli = AppGroup("users", help="Manage user accounts.")


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
    if org_id:
        org = db.session.get(Organisation, org_id)
    elif body_code:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.body_code == body_code))
    else:
        raise click.UsageError("give --org-id or --body-code")
    if org is None:
        raise click.ClickException("no such organisation")
    try:
        user = services.create_user(
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
    query = sa.select(Organisation).order_by(Organisation.kind, Organisation.id)
    if kind:
        query = query.where(Organisation.kind == OrgKind(kind))
    for org in db.session.scalars(query):
        click.echo(f"{org.id:>6}  {org.kind.value:<16} {org.body_code or '':<4} {org.name}")
