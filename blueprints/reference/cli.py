"""``flask reference load``: regions (GB/T 2260), industries (GB/T 4754-2017) and the clause
catalogue of GB/T 23001-2017."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from blueprints.reference import names
from blueprints.reference.loader import load_clauses, load_industries, load_regions

reference_cli = AppGroup("reference", help="Reference data: regions, industries and clauses.")


@reference_cli.command("load")
def load():
    """Load or update regions, industries and GB/T 23001-2017 clauses (idempotent)."""
    regions = load_regions()
    industries = load_industries()
    clauses = load_clauses()
    db.session.commit()
    names.forget()
    click.echo(
        f"regions: {regions.summary()}; industries: {industries.summary()}; "
        f"clauses: {clauses.summary()}"
    )
