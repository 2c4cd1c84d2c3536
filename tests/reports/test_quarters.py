"""Financial-year quarters: Q1 April-June ... Q4 January-March, for any year."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from reports.asat import AsAt
from reports.quarters import FinancialYear, Quarter, parse_financial_year, recent_quarters, recent_years

D = dt.date
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(("day", "year", "number"), [
    (D(2022, 4, 1), 2022, 1), (D(2022, 6, 30), 2022, 1),
    (D(2022, 7, 1), 2022, 2), (D(2022, 9, 30), 2022, 2),
    (D(2022, 10, 1), 2022, 3), (D(2022, 12, 31), 2022, 3),
    (D(2023, 1, 1), 2022, 4), (D(2023, 3, 31), 2022, 4),
    (D(2023, 4, 1), 2023, 1), (D(2024, 2, 29), 2023, 4),
])
def test_the_quarter_a_day_falls_in(day, year, number):
    assert Quarter.containing(day) == Quarter(year, number)


@pytest.mark.parametrize(("number", "start", "end", "months"), [
    (1, D(2022, 4, 1), D(2022, 6, 30), "April to June 2022"),
    (2, D(2022, 7, 1), D(2022, 9, 30), "July to September 2022"),
    (3, D(2022, 10, 1), D(2022, 12, 31), "October to December 2022"),
    (4, D(2023, 1, 1), D(2023, 3, 31), "January to March 2023"),
])
def test_bounds_and_names(number, start, end, months):
    quarter = Quarter(2022, number)
    assert (quarter.start, quarter.end) == (start, end)
    assert quarter.label == f"Q{number} 2022-23"
    assert quarter.months_label == months
    assert quarter.slug == f"2022-23-q{number}"
    assert Quarter.from_slug(quarter.slug) == quarter
    assert quarter.contains(start) and quarter.contains(end)
    assert not quarter.contains(start - dt.timedelta(days=1))
    assert not quarter.contains(end + dt.timedelta(days=1))


def test_every_day_of_a_year_is_in_exactly_one_quarter():
    year = FinancialYear(2023)  # includes 29 February 2024
    day, seen = year.start, set()
    while day <= year.end:
        quarters = [q for q in year.quarters() if q.contains(day)]
        assert quarters == [Quarter.containing(day)]
        seen.add(quarters[0])
        day += dt.timedelta(days=1)
    assert seen == set(year.quarters())
    assert sum((q.end - q.start).days + 1 for q in year.quarters()) == 366


def test_neighbours_cross_the_financial_year():
    assert Quarter(2022, 1).previous() == Quarter(2021, 4)
    assert Quarter(2021, 4).next() == Quarter(2022, 1)
    assert Quarter(2022, 4).next() == Quarter(2023, 1)
    assert sorted([Quarter(2023, 1), Quarter(2022, 4), Quarter(2022, 1)]) == [
        Quarter(2022, 1), Quarter(2022, 4), Quarter(2023, 1)]


def test_moments_are_uk_time_across_summer_time():
    # 30 June is in British Summer Time: 23:59:59 BST is 22:59:59 UTC.
    end = Quarter(2022, 1).end_moment()
    assert end.astimezone(UTC).replace(microsecond=0) == dt.datetime(2022, 6, 30, 22, 59, 59,
                                                                      tzinfo=UTC)
    # 31 December is in GMT.
    assert Quarter(2022, 3).end_moment().astimezone(UTC).hour == 23
    # 1 October is still in summer time: midnight BST is 23:00 UTC the day before.
    assert Quarter(2022, 3).start_moment().astimezone(UTC) == dt.datetime(2022, 9, 30, 23,
                                                                          tzinfo=UTC)


def test_a_running_quarter_is_reported_as_at_today():
    q = Quarter(2026, 3)
    assert not q.is_complete(D(2026, 12, 31))
    assert q.is_complete(D(2027, 1, 1))
    now = timezone.now()
    assert AsAt.for_period(q, today=D(2026, 11, 27), now=now).day == D(2026, 11, 27)
    assert AsAt.for_period(q, today=D(2027, 2, 1), now=now).day == D(2026, 12, 31)
    assert q.has_started(D(2026, 10, 1)) and not q.has_started(D(2026, 9, 30))


@pytest.mark.parametrize("bad", ["2022-24", "2022", "22-23", "2022-23-q5", "2022-23-q0", "x"])
def test_bad_slugs_are_refused(bad):
    with pytest.raises(ValueError):
        Quarter.from_slug(bad)


@pytest.mark.parametrize(("year", "number"), [(2022, 0), (2022, 5), (1999, 1), (2100, 1)])
def test_bad_quarters_are_refused(year, number):
    with pytest.raises(ValueError):
        Quarter(year, number)


def test_financial_years():
    year = FinancialYear.containing(D(2023, 3, 31))
    assert year == FinancialYear(2022) == FinancialYear.from_label("2022-23")
    assert (year.start, year.end) == (D(2022, 4, 1), D(2023, 3, 31))
    assert year.label == "2022-23"
    assert year.long_label == "2022-23 (April 2022 to March 2023)"
    assert year.previous().label == "2021-22" and year.next().label == "2023-24"
    assert parse_financial_year("2099-00") == 2099
    with pytest.raises(ValueError):
        FinancialYear.from_label("2022-24")


def test_recent_choices_newest_first():
    quarters = recent_quarters(D(2026, 11, 27), count=5)
    assert [q.label for q in quarters] == ["Q3 2026-27", "Q2 2026-27", "Q1 2026-27",
                                           "Q4 2025-26", "Q3 2025-26"]
    assert [y.label for y in recent_years(D(2026, 11, 27), count=3)] == [
        "2026-27", "2025-26", "2024-25"]
