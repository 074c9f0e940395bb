"""China's official working-day calendar, for counting publicity periods (DOMAIN.md §3).

A working day is what the State Council's yearly holiday notice says: weekends and public
holidays are off, and 调休 make-up Saturdays/Sundays are worked. ``chinese_calendar`` ships
those notices; for a year it does not cover yet we count Monday–Friday and flag the result
as estimated so staff can be warned to check the dates once the notice is published.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True)
class Period:
    start: date  # the first working day counted (the given start, or the next working day)
    end: date  # the last of the n working days
    working_days: int
    estimated: bool  # some day fell in an uncovered year, so Mon–Fri was assumed


def covered_years() -> range:
    """The years the installed package has official data for.

    Derived from the package's own holiday table, the same bounds it uses to raise
    NotImplementedError, so a package upgrade widens this without a code change.
    """
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def is_working_day(day: date) -> tuple[bool, bool]:
    """Return (working?, estimated?) for one day."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        # No official notice for this year yet: assume a plain Monday–Friday week.
        return day.weekday() < 5, True


def add_working_days(start: date, n: int) -> Period:
    """The period of n working days beginning at start (counted when it is a working day)."""
    if n < 1:
        raise ValueError(f"a period needs at least one working day, got {n}")
    day = start
    first: date | None = None
    counted = 0
    estimated = False
    while True:
        working, guessed = is_working_day(day)
        # Skipped days before the first working day were also judged by the fallback,
        # so they too make the result an estimate.
        estimated = estimated or guessed
        if working:
            first = first or day
            counted += 1
            if counted == n:
                return Period(start=first, end=day, working_days=n, estimated=estimated)
        day += timedelta(days=1)
