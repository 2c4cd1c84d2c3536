"""UK financial-year quarters: the periods the chair reports to the partnership board.

Q1 is April to June, Q2 July to September, Q3 October to December and Q4 January to March. A
quarter is named by its financial year (the year it starts in April) and its number, so Q4
2022-23 is January to March **2023**. Financial years themselves come from
:mod:`reviews.clocks`, the one place the product defines them.

Nothing here reads the clock: callers pass ``today``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from scsp.workdays import financial_year, financial_year_bounds, financial_year_label

#: Financial years the reports accept (a typo in a URL must not build a report for 9999).
FIRST_YEAR, LAST_YEAR = 2000, 2099

#: The first calendar month of each quarter.
_FIRST_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}
_SLUG = re.compile(r"^(\d{4})-(\d{2})-q([1-4])$", re.IGNORECASE)


def parse_financial_year(text: str) -> int:
    """``"2022-23"`` -> 2022. Raises ``ValueError`` for anything else (including "2022-24")."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match:
        raise ValueError(f"not a financial year: {text!r}")
    start = int(match.group(1))
    if int(match.group(2)) != (start + 1) % 100 or not FIRST_YEAR <= start <= LAST_YEAR:
        raise ValueError(f"not a financial year: {text!r}")
    return start


class _Period:
    """What quarters and financial years share; subclasses define ``start`` and ``end``."""

    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def start_moment(self) -> dt.datetime:
        """Midnight at the start of the first day, UK time."""
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    def end_moment(self) -> dt.datetime:
        """The last instant of the last day, UK time: the moment a finished period is
        reported "as at"."""
        return timezone.make_aware(dt.datetime.combine(self.end, dt.time.max))

    def is_complete(self, today: dt.date) -> bool:
        """True once the period's last day has passed."""
        return self.end < today

    def has_started(self, today: dt.date) -> bool:
        return self.start <= today


@dataclass(frozen=True, order=True)
class Quarter(_Period):
    """One financial-year quarter. ``year`` is the financial year's starting year (2022 for
    2022-23) and ``number`` is 1 to 4. Quarters sort in time order."""

    year: int
    number: int

    def __post_init__(self):
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"a quarter is numbered 1 to 4, not {self.number}")
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError(f"financial year {self.year} is out of range")

    def __str__(self):
        return self.label

    # --- construction -----------------------------------------------------------------------

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        """The quarter ``day`` falls in."""
        year = financial_year(day)
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def from_slug(cls, slug: str) -> Quarter:
        """``"2022-23-q3"`` -> Q3 2022-23. Raises ``ValueError`` for anything else."""
        match = _SLUG.match(slug.strip())
        if not match:
            raise ValueError(f"not a quarter: {slug!r}")
        year = parse_financial_year(f"{match.group(1)}-{match.group(2)}")
        return cls(year, int(match.group(3)))

    @classmethod
    def of_year(cls, year: int) -> list[Quarter]:
        """The four quarters of the financial year starting in April ``year``."""
        return [cls(year, n) for n in (1, 2, 3, 4)]

    # --- dates ------------------------------------------------------------------------------

    @property
    def start(self) -> dt.date:
        """The first day of the quarter."""
        calendar_year = self.year + (1 if self.number == 4 else 0)
        return dt.date(calendar_year, _FIRST_MONTH[self.number], 1)

    @property
    def end(self) -> dt.date:
        """The last day of the quarter."""
        return self.next().start - dt.timedelta(days=1)

    # --- neighbours -------------------------------------------------------------------------

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    # --- names ------------------------------------------------------------------------------

    @property
    def financial_year_label(self) -> str:
        """"2022-23"."""
        return financial_year_label(self.year)

    @property
    def label(self) -> str:
        """"Q3 2022-23"."""
        return f"Q{self.number} {self.financial_year_label}"

    @property
    def months_label(self) -> str:
        """"October to December 2022" (the calendar year of the months themselves)."""
        return _("%(first)s to %(last)s %(year)s") % {
            "first": MONTHS[self.start.month], "last": MONTHS[self.end.month],
            "year": self.end.year}

    @property
    def long_label(self) -> str:
        """"Q3 2022-23 (October to December 2022)"."""
        return f"{self.label} ({self.months_label})"

    @property
    def slug(self) -> str:
        """"2022-23-q3": used in file names and the quarter picker."""
        return f"{self.financial_year_label}-q{self.number}"

    def url_kwargs(self) -> dict:
        return {"year": self.year, "quarter": self.number}


@dataclass(frozen=True, order=True)
class FinancialYear(_Period):
    """April to March: the period of the annual report. ``year`` is the starting year."""

    year: int

    def __post_init__(self):
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError(f"financial year {self.year} is out of range")

    def __str__(self):
        return self.label

    @classmethod
    def containing(cls, day: dt.date) -> FinancialYear:
        return cls(financial_year(day))

    @classmethod
    def from_label(cls, text: str) -> FinancialYear:
        """``"2022-23"`` -> the year from April 2022. Raises ``ValueError`` otherwise."""
        return cls(parse_financial_year(text))

    @property
    def start(self) -> dt.date:
        return financial_year_bounds(self.year)[0]

    @property
    def end(self) -> dt.date:
        return financial_year_bounds(self.year)[1]

    @property
    def label(self) -> str:
        """"2022-23"."""
        return financial_year_label(self.year)

    @property
    def long_label(self) -> str:
        """"2022-23 (April 2022 to March 2023)"."""
        return _("%(label)s (April %(first)s to March %(last)s)") % {
            "label": self.label, "first": self.year, "last": self.year + 1}

    @property
    def slug(self) -> str:
        return self.label

    def quarters(self) -> list[Quarter]:
        return Quarter.of_year(self.year)

    def previous(self) -> FinancialYear:
        return FinancialYear(self.year - 1)

    def next(self) -> FinancialYear:
        return FinancialYear(self.year + 1)

    def url_kwargs(self) -> dict:
        return {"year": self.year}


def recent_years(today: dt.date, *, count: int = 6) -> list[FinancialYear]:
    """The financial year containing ``today`` and the ``count - 1`` before it, newest
    first."""
    current = FinancialYear.containing(today).year
    return [FinancialYear(y) for y in range(current, max(current - count, FIRST_YEAR - 1), -1)]


def recent_quarters(today: dt.date, *, count: int = 12) -> list[Quarter]:
    """The quarter containing ``today`` and the ``count - 1`` before it, newest first: the
    choices in the quarter picker."""
    quarters = [Quarter.containing(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters
