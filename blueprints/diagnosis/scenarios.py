"""Scenario catalogues as data files (``data/scenarios/<id>.yaml``): the three levels of
digital-transformation scenarios a demand library files needs under (seed 004 annex 1), with
the scenarios a GB/T 4754 division adds for its own enterprises.

The annex's note fixes the first level (never removed) and lets the lower two grow per
industry, so an industry's scenarios are data beside the common ones: a third level under an
existing second, or a new second level (with its thirds) under a first. Codes are the annex's
own ("2.3.1"): a scenario's code starts with its parent's, so the level and the parents of a
stored code are read from it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from app import data_files
from app.data_files import DataFileError, Frozen, Key, Text

CATALOGUE_DIR = Path(__file__).resolve().parent / "data" / "scenarios"

Code = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]?(\.[1-9][0-9]?){0,2}$")]
Division = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
CODE_MAX = 8  # "99.99.99"


class CatalogueError(DataFileError):
    """A malformed scenario catalogue."""


def level_of(code: str) -> int:
    return code.count(".") + 1


def parent_of(code: str) -> str:
    return code.rsplit(".", 1)[0]


def _sort_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


class Node(Frozen):
    code: Code
    # An industry's child of a common scenario names it by code alone.
    title: Text | None = None
    children: tuple[Node, ...] = ()


class IndustryScenarios(Frozen):
    division: Division  # GB/T 4754-2017 大类
    scenarios: tuple[Node, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Scenario:
    code: str
    title: Text
    level: int
    division: str | None  # None: common to every industry

    def label(self, locale: object) -> str:
        return f"{self.code} {self.title.get(locale)}"


def _walk(nodes: tuple[Node, ...], parent: str, division: str | None) -> Iterator[tuple]:
    for node in nodes:
        yield node, parent, division
        yield from _walk(node.children, node.code, division)


class Catalogue(Frozen):
    id: Key
    title: Text
    source: Text
    scenarios: tuple[Node, ...] = Field(min_length=1)
    industries: tuple[IndustryScenarios, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        problems: list[tuple[str, str]] = []
        common: dict[str, Scenario] = {}
        for node, parent, _d in _walk(self.scenarios, "", None):
            where = f"scenarios.{node.code}"
            problems.extend(self._placed(node, parent, where))
            if node.title is None:
                problems.append((where, "a common scenario needs a title"))
            elif node.code in common:
                problems.append((where, "the code is given twice"))
            else:
                common[node.code] = Scenario(node.code, node.title, level_of(node.code), None)
        for key, level in (("first", 1), ("third", 3)):
            if not any(s.level == level for s in common.values()):
                problems.append(("scenarios", f"no {key}-level scenario"))
        divisions = [i.division for i in self.industries]
        for division in sorted({d for d in divisions if divisions.count(d) > 1}):
            problems.append(("industries", f"division {division} is given twice"))
        for industry in self.industries:
            seen: set[str] = set()
            for node, parent, _d in _walk(industry.scenarios, "", industry.division):
                where = f"industries.{industry.division}.{node.code}"
                level = level_of(node.code)
                if level == 1:
                    problems.append((where, "the first level is fixed: add to the second"))
                    continue
                if not parent:
                    parent = parent_of(node.code)
                    if parent not in common:
                        problems.append((where, f"no scenario {parent} to add to"))
                problems.extend(self._placed(node, parent, where))
                known = node.code in common
                if known and node.title is not None:
                    problems.append((where, "a common scenario is named by its code alone"))
                if not known and node.title is None:
                    problems.append((where, "a scenario the industry adds needs a title"))
                if known and not node.children:
                    problems.append((where, "a common scenario is named only to add to it"))
                if node.code in seen:
                    problems.append((where, "the code is given twice"))
                seen.add(node.code)
        if problems:
            raise CatalogueError(problems)
        return self

    @staticmethod
    def _placed(node: Node, parent: str, where: str) -> list[tuple[str, str]]:
        problems = []
        if parent and parent_of(node.code) != parent:
            problems.append((where, f"the code does not start with its parent's, {parent}"))
        if not parent and level_of(node.code) != 1:
            problems.append((where, "a top-level entry is a first-level scenario"))
        if level_of(node.code) == 3 and node.children:
            problems.append((where, "a third-level scenario has no children"))
        return problems

    @functools.cached_property
    def _by_division(self) -> dict[str | None, dict[str, Scenario]]:
        common = {
            n.code: Scenario(n.code, n.title, level_of(n.code), None)
            for n, _p, _d in _walk(self.scenarios, "", None)
            if n.title is not None
        }
        tables: dict[str | None, dict[str, Scenario]] = {None: common}
        for industry in self.industries:
            own = dict(common)
            for node, _p, division in _walk(industry.scenarios, "", industry.division):
                if node.title is not None:
                    own[node.code] = Scenario(node.code, node.title, level_of(node.code), division)
            tables[industry.division] = dict(sorted(own.items(), key=lambda i: _sort_key(i[0])))
        return tables

    def for_industry(self, division: str | None) -> dict[str, Scenario]:
        """Every scenario an enterprise of ``division`` may file a need under, by code, in
        the annex's order: the common ones and its industry's."""
        tables = self._by_division
        return tables.get(division, tables[None])

    def scenario(self, code: str) -> Scenario | None:
        """A scenario of any industry (the lists show what was filed)."""
        return self.every.get(code)

    @functools.cached_property
    def every(self) -> dict[str, Scenario]:
        merged: dict[str, Scenario] = {}
        for table in self._by_division.values():
            merged.update(table)
        return dict(sorted(merged.items(), key=lambda i: _sort_key(i[0])))

    def at_level(self, level: int, division: str | None = None) -> list[Scenario]:
        table = self.every if division is None else self.for_industry(division)
        return [s for s in table.values() if s.level == level]

    def matching(self, term: str) -> list[str]:
        """The codes of the third-level scenarios whose code or title (in either language)
        holds ``term``, or that sit under such a scenario: a search by scenario."""
        term = term.strip().lower()
        if not term:
            return []
        hits = {
            s.code
            for s in self.every.values()
            if s.code == term or term in s.title.zh.lower() or term in s.title.en.lower()
        }
        return [
            s.code
            for s in self.every.values()
            if s.level == 3 and any(s.code == h or s.code.startswith(h + ".") for h in hits)
        ]


Node.model_rebuild()


def load_catalogue(path: Path) -> Catalogue:
    return data_files.load(Catalogue, path, CatalogueError)


@functools.lru_cache(maxsize=4)
def load_all(directory: Path = CATALOGUE_DIR) -> dict[str, Catalogue]:
    return {c.id: c for c in map(load_catalogue, sorted(Path(directory).glob("*.yaml")))}


def catalogue(key: str | None) -> Catalogue | None:
    return load_all().get(key) if key else None
