"""The demo enterprises' SME digital level self-evaluations (the Digital level page): the
Chinese account's enterprise moved from grade 1 to grade 2 this quarter and sees what grade 3
lacks; the English account's enterprise has one evaluation, short of grade 1."""

from __future__ import annotations

from datetime import timedelta

from app.clock import utcnow
from blueprints.diagnosis import sme_level
from blueprints.diagnosis.services import record_self_evaluation
from models import User


def _evaluate(user: User, points: float, levels: dict[str, int], days_ago: int) -> None:
    table = sme_level.table()
    indicators = [i.key for i in table.indicators]
    share = round(points / len(indicators), 2)
    spread = dict.fromkeys(indicators, share)
    spread[indicators[0]] = round(points - share * (len(indicators) - 1), 2)
    evaluation = record_self_evaluation(user, spread, levels)
    evaluation.created_at = evaluation.pledged_at = utcnow() - timedelta(days=days_ago)


def _levels(constrained: int, guiding: int, high: int, low: int) -> dict[str, int]:
    """``constrained`` constrained and ``guiding`` guiding scenarios at ``high``, the others
    at ``low``."""
    table = sme_level.table()
    ordered_constrained = [s.key for s in table.scenarios if s.constrained][:constrained]
    ordered_guiding = [s.key for s in table.scenarios if not s.constrained][:guiding]
    chosen = {*ordered_constrained, *ordered_guiding}
    return {s.key: high if s.key in chosen else low for s in table.scenarios}


def load(chinese: User, english: User) -> None:
    _evaluate(chinese, 34.5, _levels(4, 3, high=1, low=0), days_ago=120)
    _evaluate(chinese, 52, _levels(5, 3, high=2, low=1), days_ago=12)
    _evaluate(english, 18, _levels(3, 2, high=1, low=0), days_ago=30)
