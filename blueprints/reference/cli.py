"""``flask reference load``: regions (GB/T 2260) and industries (GB/T 4754-2017)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db

reference_cli = AppGroup("reference", help="Reference data: regions and industries.")


@reference_cli.command("load")
def load():
    """Load or update regions and industries (idempotent)."""
    from blueprints.reference.loader import load_industries, load_regions

    regions = load_regions()
    industries = load_industries()
    db.session.commit()
    click.echo(f"regions: {regions.summary()}; industries: {industries.summary()}")
