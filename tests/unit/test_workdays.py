"""Publicity periods counted in China's official working days (DOMAIN.md §3)."""

from datetime import date

import pytest

from app.workdays import Period, add_working_days, covered_years, is_working_day


def test_covered_years_include_2026() -> None:
    years = covered_years()
    assert 2026 in years
    assert 2099 not in years


def test_domain_example_national_day_2026() -> None:
    # 1–7 October are holidays; Saturday 10 October is a 调休 make-up workday.
    assert is_working_day(date(2026, 10, 10)) == (True, False)
    assert is_working_day(date(2026, 10, 11)) == (False, False)
    for day in range(1, 8):
        assert is_working_day(date(2026, 10, day)) == (False, False)
    assert add_working_days(date(2026, 9, 30), 5) == Period(
        start=date(2026, 9, 30), end=date(2026, 10, 12), working_days=5, estimated=False
    )


def test_normal_week_monday_to_friday() -> None:
    period = add_working_days(date(2026, 3, 9), 5)
    assert (period.start, period.end, period.estimated) == (
        date(2026, 3, 9),
        date(2026, 3, 13),
        False,
    )


def test_saturday_start_moves_to_monday() -> None:
    period = add_working_days(date(2026, 3, 7), 5)
    assert (period.start, period.end) == (date(2026, 3, 9), date(2026, 3, 13))


def test_spring_festival_2026() -> None:
    # Saturday 14 February is a make-up workday; 15–23 February are the holiday.
    assert is_working_day(date(2026, 2, 14)) == (True, False)
    assert not any(is_working_day(date(2026, 2, day))[0] for day in range(15, 24))
    period = add_working_days(date(2026, 2, 12), 5)
    assert (period.start, period.end) == (date(2026, 2, 12), date(2026, 2, 25))


def test_start_inside_holiday_moves_to_first_working_day() -> None:
    period = add_working_days(date(2026, 2, 16), 1)
    assert (period.start, period.end) == (date(2026, 2, 24), date(2026, 2, 24))


def test_one_day_on_a_working_day_ends_the_same_day() -> None:
    period = add_working_days(date(2026, 3, 10), 1)
    assert (period.start, period.end, period.working_days) == (
        date(2026, 3, 10),
        date(2026, 3, 10),
        1,
    )


@pytest.mark.parametrize("n", [0, -1])
def test_fewer_than_one_day_is_rejected(n: int) -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 9), n)


def test_uncovered_year_counts_monday_to_friday_and_is_estimated() -> None:
    assert is_working_day(date(2099, 1, 3)) == (False, True)  # a Saturday
    assert is_working_day(date(2099, 1, 5)) == (True, True)  # a Monday
    # Starts on Saturday 3 January 2099, so moves to Monday 5 and ends Friday 9.
    assert add_working_days(date(2099, 1, 3), 5) == Period(
        start=date(2099, 1, 5), end=date(2099, 1, 9), working_days=5, estimated=True
    )


def test_span_reaching_an_uncovered_year_is_estimated() -> None:
    last = max(covered_years())
    period = add_working_days(date(last, 12, 24), 10)
    assert period.end.year == last + 1
    assert period.estimated
