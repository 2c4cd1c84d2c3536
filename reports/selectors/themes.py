"""Learning themes recurring across Rapid Reviews, practice reviews and audits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q

from audits.models import Audit
from reports.asat import AsAt
from reviews.models import Case, PracticeReview
from scsp.models import Theme
from scsp.permissions import scoped

THEME_YEARS = 3

# --- Learning themes -------------------------------------------------------------------------------


@dataclass
class ThemeRow:
    theme_id: int
    name: str
    rapid_reviews_period: int = 0
    reviews_period: int = 0
    audits_period: int = 0
    rapid_reviews_years: int = 0
    reviews_years: int = 0
    audits_years: int = 0

    @property
    def in_period(self) -> int:
        return self.rapid_reviews_period + self.reviews_period + self.audits_period

    @property
    def in_years(self) -> int:
        return self.rapid_reviews_years + self.reviews_years + self.audits_years

    @property
    def recurring(self) -> bool:
        """Seen in more than one review or audit in the last three years."""
        return self.in_years >= 2


def theme_rows(user, period, asat: AsAt) -> tuple[list[ThemeRow], dt.date]:
    """Learning themes of Rapid Reviews (by the panel meeting), practice reviews (by the
    decision to start) and audits (by their start) in the period and in the
    three years to its end, most frequent first; themes seen only once in three years are
    left out. Four queries. Returns ``(rows, first day of the three years)``."""
    day = asat.day
    since = period.end - relativedelta(years=THEME_YEARS) + dt.timedelta(days=1)
    rows: dict[int, ThemeRow] = {}

    def count(through, date_path, in_scope, prefix):
        qs = (through.objects.filter(**{f"{date_path}__range": (since, day)}, **in_scope)
              .values("theme_id").annotate(
                  years=Count("pk"),
                  period=Count("pk", filter=Q(**{f"{date_path}__gte": period.start})))
              .order_by())
        for r in qs:
            row = rows.setdefault(r["theme_id"], ThemeRow(r["theme_id"], ""))
            setattr(row, f"{prefix}_years", r["years"])
            setattr(row, f"{prefix}_period", r["period"])

    count(Case.themes.through, "case__rapid_review__meeting_date",
          {"case__in": scoped(Case, user)}, "rapid_reviews")
    count(PracticeReview.themes.through, "practicereview__decision_date",
          {"practicereview__in": scoped(PracticeReview, user)}, "reviews")
    count(Audit.themes.through, "audit__actual_start", {"audit__in": scoped(Audit, user)},
          "audits")
    names = dict(Theme.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    result = []
    for theme_id, row in rows.items():
        row.name = names.get(theme_id, "")
        if row.recurring:
            result.append(row)
    result.sort(key=lambda r: (-r.in_years, -r.in_period, r.name))
    return result, since
