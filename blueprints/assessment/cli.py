"""``flask assessment recount``: count the comparison scores again from the score rows."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from blueprints.assessment import score_counts

assessment_cli = AppGroup("assessment", help="Self-assessments.")


@assessment_cli.command("recount")
def recount():
    """Rebuild the score counts behind the reports' comparisons (after a bulk load)."""
    rows = score_counts.rebuild(db.session)
    db.session.commit()
    click.echo(f"score counts: {rows} rows")
