"""The development index of a reporting unit, by the formula and weights of
data/development_index.yaml (read once per process)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DEFINITION = Path(__file__).resolve().parent / "data" / "development_index.yaml"


@cache
def definition() -> dict[str, Any]:
    data = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    weights = {name: float(weight) for name, weight in data["weights"].items()}
    if not weights or any(weight < 0 for weight in weights.values()):
        raise ValueError(f"{DEFINITION}: the weights must be positive")
    return {"weights": weights, "advanced_stages": frozenset(data["advanced_stages"])}


def components(
    assessed: int, roster: int, mean_total: float | None, advanced: int, certificates: int
) -> dict[str, float]:
    """The unit's components in percent (those it has: see the data file)."""
    if not assessed:
        return {}
    found = {
        "level": mean_total or 0.0,
        "advanced": 100 * advanced / assessed,
        "certified": min(100.0, 100 * certificates / assessed),
    }
    if roster:
        found["participation"] = min(100.0, 100 * assessed / roster)
    return found


def index(values: dict[str, float]) -> float | None:
    weights = definition()["weights"]
    used = {name: weight for name, weight in weights.items() if name in values}
    total = sum(used.values())
    if not total:
        return None
    return round(sum(weight * values[name] for name, weight in used.items()) / total, 1)
