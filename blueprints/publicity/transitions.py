"""An objection's way (DOMAIN.md §3): alliance staff uphold it — the project goes back to the
evaluation body — or dismiss it; either way once."""

from __future__ import annotations

from app.security.permissions import Permission
from app.workflow import Transition, names
from models import ObjectionStatus

TRANSITIONS: tuple[Transition[ObjectionStatus], ...] = (
    Transition(
        "uphold",
        frozenset({ObjectionStatus.OPEN}),
        ObjectionStatus.UPHELD,
        Permission.ALLIANCE_REVIEW,
    ),
    Transition(
        "dismiss",
        frozenset({ObjectionStatus.OPEN}),
        ObjectionStatus.DISMISSED,
        Permission.ALLIANCE_REVIEW,
    ),
)
ACTION_NAMES = names(TRANSITIONS)
