"""The working-day calendar: weekends, England and Wales bank holidays, closure days."""

import datetime as dt

import pytest

from scsp.workdays import WorkingCalendar, bank_holidays, calendar

D = dt.date
CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"),
    [
        (D(2026, 12, 18), 15, D(2027, 1, 13), "DOMAIN.md: over Christmas, Boxing Day observed, New Year"),
        (D(2026, 12, 18), 5, D(2026, 12, 29), "notification clock over Christmas: 21-24 Dec, then 29 Dec"),
        (D(2026, 12, 24), 1, D(2026, 12, 29), "25 Dec Fri, 28 Dec Boxing Day substitute"),
        (D(2027, 3, 24), 3, D(2027, 3, 31), "Easter 2027: Good Friday 26 Mar, Easter Monday 29 Mar"),
        (D(2027, 3, 25), 1, D(2027, 3, 30), "Thursday before Easter -> Tuesday after"),
        (D(2027, 12, 23), 1, D(2027, 12, 24), "Christmas Eve is a working day"),
        (D(2027, 12, 24), 1, D(2027, 12, 29), "2027: 27 and 28 Dec are substitute days"),
        (D(2026, 8, 28), 1, D(2026, 9, 1), "summer bank holiday 31 Aug 2026"),
        (D(2026, 11, 27), 5, D(2026, 12, 4), "an ordinary week"),
        (D(2026, 11, 28), 1, D(2026, 11, 30), "from a Saturday"),
        (D(2026, 11, 27), 0, D(2026, 11, 27), "zero days is the same day"),
        (D(2027, 1, 13), -15, D(2026, 12, 18), "backwards is the inverse"),
    ],
)
def test_add_working_days(start, n, expected, why):
    assert CAL.add_working_days(start, n) == expected, why


def test_the_fifteen_days_counted_over_christmas_2026():
    days = [d for d in (D(2026, 12, 18) + dt.timedelta(days=i) for i in range(1, 27))
            if CAL.is_working_day(d)]
    assert days[:15] == [
        D(2026, 12, 21), D(2026, 12, 22), D(2026, 12, 23), D(2026, 12, 24), D(2026, 12, 29),
        D(2026, 12, 30), D(2026, 12, 31), D(2027, 1, 4), D(2027, 1, 5), D(2027, 1, 6),
        D(2027, 1, 7), D(2027, 1, 8), D(2027, 1, 11), D(2027, 1, 12), D(2027, 1, 13),
    ]


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 12, 25), False),  # Christmas Day
        (D(2026, 12, 28), False),  # Boxing Day (Saturday) observed on Monday
        (D(2027, 1, 1), False),
        (D(2027, 3, 26), False),   # Good Friday
        (D(2027, 3, 29), False),   # Easter Monday
        (D(2027, 5, 3), False),    # early May bank holiday
        (D(2027, 12, 27), False),  # Christmas Day (Saturday) observed
        (D(2027, 12, 28), False),  # Boxing Day (Sunday) observed
        (D(2026, 11, 28), False),  # Saturday
        (D(2026, 11, 29), False),  # Sunday
        (D(2026, 11, 27), True),
        (D(2026, 12, 24), True),
        (D(2027, 3, 25), True),    # Maundy Thursday
    ],
)
def test_is_working_day(day, working):
    assert CAL.is_working_day(day) is working


def test_substitute_bank_holidays_come_from_the_package():
    assert D(2026, 12, 28) in bank_holidays(2026)
    assert {D(2027, 12, 27), D(2027, 12, 28)} <= bank_holidays(2027)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 12, 18), D(2027, 1, 13), 15),
        (D(2027, 1, 13), D(2026, 12, 18), -15),
        (D(2026, 11, 27), D(2026, 11, 27), 0),
        (D(2026, 11, 27), D(2026, 11, 29), 0),  # only the weekend
        (D(2026, 11, 27), D(2026, 11, 30), 1),
        (D(2027, 3, 25), D(2027, 3, 30), 1),
    ],
)
def test_working_days_between(start, end, expected):
    assert CAL.working_days_between(start, end) == expected


def test_between_inverts_add():
    start = D(2026, 12, 1)
    for n in range(0, 40):
        assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@pytest.mark.django_db
def test_partnership_closure_days_are_skipped():
    from tests.factories import ClosureDayFactory

    ClosureDayFactory(date=D(2026, 12, 24), reason="Christmas Eve closure")
    cal = calendar()
    assert not cal.is_working_day(D(2026, 12, 24))
    assert cal.add_working_days(D(2026, 12, 18), 15) == D(2027, 1, 14)
    assert cal.next_working_day(D(2026, 12, 24)) == D(2026, 12, 29)


@pytest.mark.django_db
def test_calendar_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        cal = calendar()
    for i in range(30):
        cal.add_working_days(D(2026, 1, 1), i)


def test_counting_agrees_with_stepping_day_by_day():
    """``working_days_between`` counts by arithmetic; stepping one day at a time (the rule as
    written) gives the same answer over spans across weekends, bank holidays, closure days,
    year ends and years, in both directions."""
    import random

    rng = random.Random(2026)
    closures = frozenset(dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(3000))
                         for _ in range(40))
    cal = WorkingCalendar(closures)

    def stepped(start, end):
        sign, (a, b) = (1, (start, end)) if start <= end else (-1, (end, start))
        return sign * sum(1 for k in range(1, (b - a).days + 1)
                          if cal.is_working_day(a + dt.timedelta(days=k)))

    for _ in range(400):
        start = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        end = start + dt.timedelta(days=rng.randrange(-800, 800))
        assert cal.working_days_between(start, end) == stepped(start, end), (start, end)
