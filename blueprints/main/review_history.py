"""An authority's decided reviews: the approvals and returns its officials gave, newest first,
filtered by year, decision and enterprise name (one paginated SELECT with what a row shows)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import request

from app.input_boundary import int_arg
from models import Assessment, AssessmentAction, AssessmentEvent, Organisation, User

A = AssessmentAction
DECISIONS: dict[str, tuple[AssessmentAction, ...]] = {
    "approve": (A.APPROVE_DISTRICT, A.APPROVE_CITY),
    "return": (A.RETURN,),
}
NAME_MAX = 100


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    decision: str = ""
    name: str = ""

    @classmethod
    def from_request(cls) -> Filters:
        """What does not parse is ignored, as a search box should."""
        decision = request.args.get("decision", "")
        return cls(
            year=int_arg("year", 1990, 2099),
            decision=decision if decision in DECISIONS else "",
            name=request.args.get("name", "").strip()[:NAME_MAX],
        )

    def given(self) -> dict[str, str]:
        """The filters to carry over to the other pages' links."""
        values = {"year": str(self.year or ""), "decision": self.decision, "name": self.name}
        return {key: value for key, value in values.items() if value}


def decided_by(organisation_id: int | None, filters: Filters) -> sa.Select[tuple[AssessmentEvent]]:
    """The decisions taken by members of ``organisation_id`` (an authority)."""
    actions = DECISIONS.get(filters.decision) or tuple(a for d in DECISIONS.values() for a in d)
    query = (
        sa.select(AssessmentEvent)
        .join(AssessmentEvent.assessment)
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .join(User, User.id == AssessmentEvent.actor_id)
        .where(User.organisation_id == organisation_id, AssessmentEvent.action.in_(actions))
        .options(
            sa.orm.contains_eager(AssessmentEvent.assessment).contains_eager(
                Assessment.organisation
            ),
            sa.orm.contains_eager(AssessmentEvent.actor),
        )
        .order_by(AssessmentEvent.created_at.desc(), AssessmentEvent.id.desc())
    )
    if filters.year:
        query = query.where(Assessment.year == filters.year)
    if filters.name:
        query = query.where(Organisation.name.contains(filters.name, autoescape=True))
    return query
