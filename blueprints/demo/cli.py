"""``flask demo load``: load the demonstration data (refused in production)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from blueprints.demo import api_keys as demo_api_keys
from blueprints.demo.loader import load_demo

demo_cli = AppGroup("demo", help="Demonstration data.")


@demo_cli.command("load")
def demo_load():
    """Load demonstration organisations and accounts (idempotent; refused in production)."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException("demo data is not loaded in production")
    accounts = load_demo()
    tokens = demo_api_keys.load()
    db.session.commit()
    click.echo("Demo accounts (email / password):")
    for role, email, password in accounts:
        click.echo(f"  {role:<16} {email:<36} {password}")
    # Shown this once, like any key: Certpath keeps only its hash.
    for account, token in tokens:
        click.echo(f"Demo API key of {account} (README: The API): {token}")
