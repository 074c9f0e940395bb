"""Region names for display, read from a per-process copy of the regions table.

Pages show where a certificate holder or an organisation is (the public verification page,
the register, the organisation lists, PDFs). The GB/T 2260 list changes about once a year and
only through `flask reference load`, so each process keeps the ~3,200 names in memory and
reads them again after REFERENCE_CACHE_SECONDS: a page shows region names without a query,
however many rows it lists. Forms that store a region code still validate against the table.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from models import Region, RegionLevel
from models.reference import localised, region_prefix


@dataclass(frozen=True)
class RegionName:
    code: str
    name: str
    name_en: str | None
    level: RegionLevel
    parent_code: str | None

    @property
    def display_name(self) -> str:
        return localised(self.name, self.name_en)

    @property
    def prefix(self) -> str:
        return region_prefix(self.code, self.level)


@dataclass
class _Copy:
    loaded_at: float
    by_code: dict[str, RegionName]


_lock = threading.Lock()
_EXTENSION = "certpath.region_names"


def _names() -> dict[str, RegionName]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    ttl = app.config["REFERENCE_CACHE_SECONDS"]
    copy: _Copy | None = app.extensions.get(_EXTENSION)
    if copy is None or time.monotonic() - copy.loaded_at > ttl:
        with _lock:
            copy = app.extensions.get(_EXTENSION)
            if copy is None or time.monotonic() - copy.loaded_at > ttl:
                rows = db.session.execute(
                    sa.select(
                        Region.code, Region.name, Region.name_en, Region.level, Region.parent_code
                    )
                ).all()
                copy = _Copy(time.monotonic(), {row.code: RegionName(*row) for row in rows})
                # An empty table (reference data not loaded yet) is read again next time.
                if copy.by_code:
                    app.extensions[_EXTENSION] = copy
    return copy.by_code


def forget() -> None:
    """Drop this process's copy (after `flask reference load`, and in tests)."""
    current_app.extensions.pop(_EXTENSION, None)


def chain(code: str | None) -> list[RegionName]:
    """The region and its ancestors, province first; [] for an unknown code."""
    if not code:
        return []
    names = _names()
    found: list[RegionName] = []
    node = names.get(code)
    while node is not None and len(found) < 3:
        found.insert(0, node)
        node = names.get(node.parent_code) if node.parent_code else None
    return found


def region_name(code: str | None) -> str:
    """The region's own name in the current language ('' when unknown)."""
    node = _names().get(code) if code else None
    return node.display_name if node else ""


def region_label(code: str | None, *, localised_names: bool = True) -> str:
    """Province, prefecture and county names joined by spaces: 上海市 市辖区 浦东新区."""
    return " ".join(r.display_name if localised_names else r.name for r in chain(code))


# A region searched by name covers at most this many regions (市辖区 names hundreds).
NAMED_REGIONS_AT_MOST = 50


def prefixes_named(term: str) -> list[str]:
    """The code prefixes of the regions whose name begins with ``term`` — in Chinese, or in
    English ignoring case: 广东 → ['44'], 深圳 → ['4403'], shenzhen → ['4403']; a region inside
    another one found is left out (the larger one holds it). [] when none is named so."""
    term = term.strip()
    if not term:
        return []
    folded = term.casefold()
    found = sorted(
        (
            node.prefix
            for node in _names().values()
            if node.name.startswith(term)
            or (node.name_en is not None and node.name_en.casefold().startswith(folded))
        ),
        key=lambda prefix: (len(prefix), prefix),
    )
    kept: list[str] = []
    for prefix in found:
        if not any(prefix.startswith(larger) for larger in kept):
            kept.append(prefix)
    return kept[:NAMED_REGIONS_AT_MOST]


@dataclass(frozen=True)
class PickerLevel:
    """One select of a list's cascading region filter: its options and the one chosen."""

    options: list[RegionName]
    chosen: str  # a code among the options, or ''


def _children(parent_code: str | None) -> list[RegionName]:
    names = _names()
    found = [n for n in names.values() if n.parent_code == parent_code]
    return sorted(found, key=lambda n: n.code)


def picker(within: str, chosen: str, depth: int = 2) -> list[PickerLevel]:
    """The cascading selects of a region list's filter, from the regions just below the
    viewer's (``within``, a code prefix; '' for the country) down ``depth`` levels, each
    with the region of ``chosen`` (a prefix inside ``within``) selected; a level below
    nothing chosen is shown empty (the page's script fills it when its parent changes)."""
    parent = within.ljust(6, "0") if within else None
    levels: list[PickerLevel] = []
    for level in range(depth):
        if level and parent is None:  # nothing chosen above: empty until the script fills it
            levels.append(PickerLevel([], ""))
            break
        options = _children(parent)
        if not options:
            break
        selected = next((n for n in options if chosen.startswith(n.prefix)), None)
        levels.append(PickerLevel(options, selected.code if selected else ""))
        parent = selected.code if selected else None
    return levels
