"""The calendar every statutory clock and report uses: working days and financial years.

A working day is any day except Saturday, Sunday, a bank holiday in England and Wales (from the
``holidays`` package, substitute days included) and a partnership closure day entered in the
admin. Dates are plain ``datetime.date`` values; nothing here reads the clock.

Counting convention (the one the statutory guidance and DOMAIN.md use): "N working days after D"
is reached by stepping forward from D and counting only working days, so D itself never counts.
15 working days after Friday 18 December 2026 is Wednesday 13 January 2027.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.conf import settings

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    calendar = holidays.country_holidays(
        settings.WORKDAYS_HOLIDAY_COUNTRY, subdiv=settings.WORKDAYS_HOLIDAY_SUBDIV, years=year
    )
    return frozenset(calendar.keys())


def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays in ``year`` (weekend dates included, as the package
    lists them; the weekday test takes care of those)."""
    return _bank_holidays(year)


@lru_cache(maxsize=256)
def _weekday_days_off(closures: frozenset[dt.date], year: int) -> frozenset[dt.date]:
    """The bank holidays and closure days in ``year`` that fall on a weekday."""
    return frozenset(day for day in bank_holidays(year) | {c for c in closures if c.year == year}
                     if day.weekday() < 5)


@dataclass(frozen=True)
class WorkingCalendar:
    """Weekends, bank holidays and the given closure days. Build one per request or report with
    :func:`calendar` and reuse it: it holds the closure days so no clock needs a query."""

    closures: frozenset[dt.date] = field(default_factory=frozenset)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in self.closures

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after ``start`` (``n`` may be negative: before it).
        ``n == 0`` returns ``start`` itself."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        day = start
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` is
        before ``start``. So ``working_days_between(d, add_working_days(d, n)) == n``.

        Counted, not stepped: the weekdays in the span by arithmetic, less the bank holidays
        and closure days that fall on them (lists pages call this for every row, so stepping
        day by day cost a page thousands of calls)."""
        if end == start:
            return 0
        if end < start:
            return -self.working_days_between(end, start)
        full_weeks, rest = divmod((end - start).days, 7)
        first = start.weekday()
        count = full_weeks * 5 + sum(1 for i in range(1, rest + 1) if (first + i) % 7 < 5)
        for year in range(start.year, end.year + 1):
            count -= sum(1 for day in _weekday_days_off(self.closures, year) if start < day <= end)
        return count

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, otherwise the next one."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day


def calendar() -> WorkingCalendar:
    """The partnership's calendar, with the closure days read from the database (one query)."""
    from scsp.models import ClosureDay

    return WorkingCalendar(frozenset(ClosureDay.objects.values_list("date", flat=True)))


# --- Financial years (April to March) -----------------------------------------------------------


def financial_year(day: dt.date) -> int:
    """The financial year ``day`` falls in, by its starting year: 2022 for April 2022 to
    March 2023."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the financial year starting in April ``start_year``."""
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


def financial_year_label(start_year: int) -> str:
    """"2022-23" for the year from April 2022."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"
