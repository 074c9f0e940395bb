"""What every change of an engagement shares: a refusal shown beside its field, and the row
whose version moves with each change of the work group and the record."""

from __future__ import annotations

from flask_babel import gettext as _

from app import workflow
from app.clock import utcnow
from models import DiagnosisEngagement


class Refused(Exception):
    """A value the form accepted but the rules refuse: shown beside ``field``."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def touch(engagement: DiagnosisEngagement) -> None:
    """The engagement's row moves with its work group and record (its version too): of two
    changes made at once from the same state (two leads added in two tabs), one wins and the
    other is 409."""
    engagement.record_changed_at = utcnow()
    workflow.flush(_("The engagement was changed meanwhile. Reload the page to see it."))
