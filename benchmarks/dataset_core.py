"""What every part of the dataset generator shares: the rows being built, table by table with
ids assigned in Python, the clock of the run, the scale and the seeded random source."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Any, ClassVar, Generic, TypeVar

T = TypeVar("T")


class JsonText(str):
    """A JSON document already serialised (shared by many rows, serialised once)."""


@dataclass
class Table:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    last_id: int = 0


class Rows:
    """The dataset in memory: per table its column names and its rows, ids counted here."""

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}

    def declare(self, name: str, columns: Sequence[str]) -> None:
        if name not in self.tables:
            self.tables[name] = Table(tuple(columns))
        elif self.tables[name].columns != tuple(columns):
            raise ValueError(f"{name}: declared twice with different columns")

    def next_id(self, name: str) -> int:
        table = self.tables[name]
        table.last_id += 1
        return table.last_id

    def add(self, name: str, *values: Any) -> None:
        table = self.tables[name]
        if len(values) != len(table.columns):
            raise ValueError(f"{name}: {len(values)} values for {len(table.columns)} columns")
        table.rows.append(values)

    def count(self, name: str) -> int:
        table = self.tables.get(name)
        return len(table.rows) if table else 0


@dataclass
class Clock:
    """The run's "now" in the app's business time zone, and today's date there.

    Dates and times are worked out in local time (China Standard Time: UTC+8 all year) and
    stored the way the app stores them, as naive UTC; ``offset`` is set once per run from the
    app's TIMEZONE setting.
    """

    now: datetime  # local, naive
    offset: ClassVar[timedelta] = timedelta(hours=8)

    @property
    def today(self) -> date:
        return self.now.date()

    @staticmethod
    def utc(local: datetime | None) -> datetime | None:
        """A local time as the database stores it: naive UTC."""
        return None if local is None else local - Clock.offset


def scaled(base: float, scale: float, minimum: int = 1) -> int:
    """A count at this scale, never below ``minimum`` (every state keeps at least one)."""
    return max(minimum, round(base * scale))


class Weights(Generic[T]):
    """Choices with their weights accumulated once, for draws made many times."""

    def __init__(self, items: Iterable[T], weights: Iterable[float]) -> None:
        self.items = tuple(items)
        self.cumulative = list(accumulate(weights))
        if len(self.cumulative) != len(self.items) or not self.cumulative[-1] > 0:
            raise ValueError("one positive weight per item")

    @classmethod
    def of(cls, pairs: Iterable[tuple[T, float]]) -> Weights[T]:
        items, weights = zip(*pairs, strict=True)
        return cls(items, weights)


class Random(random.Random):
    """The seeded source, with the few draws the generator keeps making."""

    def working_time(self, day: date) -> datetime:
        """A moment of office hours (09:00–17:59 local) on ``day``."""
        return datetime.combine(day, time(9)) + timedelta(minutes=self.randrange(9 * 60))

    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.randint(low, high))

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.randrange((last - first).days + 1))

    def weighted(self, choices: Sequence[Any], weights: Sequence[float]) -> Any:
        return self.choices(choices, weights)[0]

    def pick(self, weights: Weights[T]) -> T:
        cumulative = weights.cumulative
        return weights.items[bisect_right(cumulative, self.random() * cumulative[-1])]

    def hex(self, bits: int) -> str:
        return f"{self.getrandbits(bits):0{bits // 4}x}"


def spread(rng: Random, first: datetime, last: datetime, n: int) -> list[datetime]:
    """``n`` increasing moments between ``first`` and ``last`` (inclusive bounds)."""
    if n <= 0:
        return []
    span = max((last - first).total_seconds(), float(n))
    marks = sorted(rng.random() for _ in range(n))
    moments: list[datetime] = []
    previous = first
    for mark in marks:
        moment = max(first + timedelta(seconds=span * mark), previous + timedelta(seconds=1))
        moments.append(moment)
        previous = moment
    return moments
